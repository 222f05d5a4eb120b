"""Draws what the bot did the way Discord's client shows it, with ``rich``: messages with their channel, embeds
(title, description, fields, footer), numbered buttons and menus, ephemeral answers marked, spoilers blurred,
attachments named, mentions and ``<t:…>`` timestamps as names and times in the member's language.

Without a terminal (a script's transcript piped or captured) the output is plain text at a fixed width, so the
same script prints the same transcript every time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, format_timedelta
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from bot.locale import language_of, texts

from .world import Happened, Note, Playground, Shown

__all__ = ["Renderer", "discord_text"]

BUTTON_STYLES = {1: "bold white on blue", 2: "white on grey30", 3: "bold white on green4", 4: "bold white on red3"}
_INLINE = re.compile(
    r"\|\|(?P<spoiler>.+?)\|\|"
    r"|\*\*(?P<bold>.+?)\*\*"
    r"|__(?P<underline>.+?)__"
    r"|~~(?P<strike>.+?)~~"
    r"|(?<![\w*])\*(?P<italic>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*])"
    r"|(?<!\w)_(?P<italic2>[^_\s](?:[^_]*[^_\s])?)_(?!\w)"
    r"|`(?P<code>[^`]+)`"
    r"|\[(?P<link>[^\]]+)\]\((?P<url><?https?://[^)\s]+>?)\)"
    r"|<t:(?P<ts>-?\d+)(?::(?P<tsstyle>[tTdDfFR]))?>"
    r"|<@!?(?P<user>\d+)>"
    r"|<@&(?P<role>\d+)>"
    r"|<#(?P<channel>\d+)>"
    r"|</(?P<command>[\w -]+):\d+>"
    r"|<a?:(?P<emoji>\w+):\d+>"
    r"|https://(?:ptb\.|canary\.)?discord(?:app)?\.com/channels/(?:@me|\d+)/(?P<jump>\d+)(?P<jumpmessage>/\d+)?",
    re.DOTALL,
)
LOADING = 128  # a deferred answer still "thinking" (MessageFlags.loading)
COMPONENTS_V2 = 1 << 15  # a layout message: its components are all it shows


def _babel_locale(locale: str) -> str:
    return "ko_KR" if locale.startswith("ko") else "en_US"


class Timestamps:
    """``<t:N:S>`` as Discord's client draws it for a member: in their zone and language, relative to now."""

    def __init__(self, zone: ZoneInfo, now: Callable[[], dt.datetime], locale: Callable[[], str]) -> None:
        self.zone, self.clock, self.locale = zone, now, locale
        #: The moment the message being drawn was posted (relative times read from it), else the clock's.
        self.at: dt.datetime | None = None

    def now(self) -> dt.datetime:
        return self.at or self.clock()

    def __call__(self, seconds: int, style: str | None) -> str:
        # CLDR puts a narrow no-break space before AM/PM; Discord's client shows a plain one.
        return self._format(seconds, style).replace("\u202f", " ").replace("\xa0", " ")

    def _format(self, seconds: int, style: str | None) -> str:
        moment = dt.datetime.fromtimestamp(seconds, dt.UTC).astimezone(self.zone)
        loc = _babel_locale(self.locale())
        style = style or "f"
        if style == "R":
            return format_timedelta(moment - self.now(), add_direction=True, threshold=1.0, locale=loc)
        if style == "t":
            return format_time(moment, "short", tzinfo=self.zone, locale=loc)
        if style == "T":
            return format_time(moment, "medium", tzinfo=self.zone, locale=loc)
        if style == "d":
            return format_date(moment.date(), "short", locale=loc)
        if style == "D":
            return format_date(moment.date(), "long", locale=loc)
        day = format_date(moment.date(), "full" if style == "F" else "long", locale=loc)
        return f"{day} {format_time(moment, 'short', tzinfo=self.zone, locale=loc)}"


def discord_text(
    source: str,
    *,
    names: Playground,
    when: Timestamps,
    reveal: bool,
    style: str = "",
) -> tuple[Text, bool]:
    """Discord markdown as ``rich`` text (bold, italics, code, links, spoilers, mentions, timestamps); also
    whether it hid a spoiler."""
    out = Text(style=style)
    hid = False
    position = 0
    for match in _INLINE.finditer(source):
        out.append(source[position : match.start()])
        position = match.end()
        group = match.lastgroup
        if group == "spoiler":
            inner, _ = discord_text(match["spoiler"], names=names, when=when, reveal=True)
            if reveal:
                out.append("||", style="dim")
                out.append_text(inner)
                out.append("||", style="dim")
            else:
                label = texts(language_of(when.locale())).ctx("blurred spoiler", "spoiler")
                out.append(_mask(inner.plain, label), style="reverse dim")
                hid = True
            continue
        nested = {"bold": "bold", "underline": "underline", "strike": "strike", "italic": "italic", "italic2": "italic"}
        if group in nested:
            inner, inner_hid = discord_text(match[group], names=names, when=when, reveal=reveal, style=nested[group])
            out.append_text(inner)
            hid = hid or inner_hid
        elif group == "code":
            out.append(match["code"], style="bold cyan")
        elif group == "link" or group == "url":
            out.append(match["link"], style="underline blue")
            out.append(f" ({match['url'].strip('<>')})", style="dim")
        elif group == "ts" or group == "tsstyle":
            out.append(when(int(match["ts"]), match["tsstyle"]), style="bold")
        elif group == "user":
            out.append("@" + names.user_name(int(match["user"])), style="bold blue")
        elif group == "role":
            out.append("@" + names.role_name(int(match["role"])), style="bold blue")
        elif group == "channel":
            out.append(names.channel_name(int(match["channel"])), style="bold blue")
        elif group == "command":
            out.append("/" + match["command"], style="bold blue")
        elif group == "emoji":
            out.append(f":{match['emoji']}:")
        elif group in ("jump", "jumpmessage"):  # Discord draws a link to a channel or message as a pill
            where = names.channel_name(int(match["jump"]))
            message = " › " + names.tr("message") if match["jumpmessage"] else ""
            out.append(where + message, style="bold blue")
    out.append(source[position:])
    return out, hid


def walk_layout(components: list[dict[str, Any]]) -> Any:
    """Every component of a layout, nested ones included (in order)."""
    for component in components:
        yield component
        yield from walk_layout(component.get("components") or [])
        if isinstance(component.get("accessory"), dict):
            yield from walk_layout([component["accessory"]])


def _mask(text: str, word: str) -> str:
    """A blurred spoiler: as wide as the text (Discord's blur shows its length), labelled (``word``, in the
    member's language) once it is wide enough."""
    width = max(9, min(cell_len(text), 60))
    label = f" {word} "
    if width < cell_len(label) + 4:
        return "▒" * width
    left = (width - cell_len(label)) // 2
    return "▒" * left + label + "▒" * (width - cell_len(label) - left)


class Renderer:
    """Prints a playground's happenings on a ``rich`` console."""

    def __init__(self, console: Console, playground: Playground, zone: ZoneInfo) -> None:
        self.console = console
        self.playground = playground
        self.when = Timestamps(zone, lambda: playground.clock.now, lambda: playground.member.locale)

    @property
    def width(self) -> int:
        return self.console.width

    def echo(self, prompt: str, line: str) -> None:
        text = Text(prompt, style="bold magenta")
        text.append(line)
        self.console.print(text, soft_wrap=True)

    def info(self, text: str, style: str = "dim") -> None:
        self.console.print(Text(text, style=style))

    def problem(self, text: str) -> None:
        self._print_wrapped(Text("⚠ " + text, style="bold yellow"), Text(""))

    def happened(self, happened: Happened) -> None:
        if happened.problem:
            self.problem(happened.problem)
        for item in happened.items:
            if isinstance(item, Shown):
                self.message(item)
            else:
                self.note(item)
        self.console.print()

    def note(self, note: Note) -> None:
        if note.kind == "help":
            self.help(note.text)
        elif note.kind == "time":
            self.console.print(Text(note.text, style="bold cyan"))
        elif note.kind == "event":
            text, _ = self._text(note.text, reveal=True)
            text.stylize("green")
            self._print_wrapped(text, Text(""))
        else:
            self._print_wrapped(Text(note.text, style="dim"), Text(""))

    def help(self, text: str) -> None:
        """Help: plain lines, and rows (``what to type<TAB>what it does``) as a two-column table that fits the
        width: the second column wraps under itself (a hanging indent); a first column too wide for the table puts
        its text on a line of its own."""
        lines = text.split("\n")
        rows = [line.split("\t", 1) for line in lines if "\t" in line]
        lefts = [cell_len(left) for left, _ in rows]
        # the first column as wide as most of its entries, but never more than a third of the width
        fitting = [width for width in lefts if width <= max(16, self.width // 3)]
        column = max(fitting, default=16) + 2
        for line in lines:
            if "\t" not in line:
                self._print_wrapped(Text(line), Text(""))
                continue
            left, right = line.split("\t", 1)
            hanging = Text(" " * column)
            if cell_len(left) + 2 > column:
                self._print_wrapped(Text(left, style="bold"), Text(""))
                self._print_wrapped(Text(right), hanging)
                continue
            pieces = Text(right).wrap(self.console, max(20, self.width - column)) if right else [Text("")]
            for index, piece in enumerate(pieces):
                row = (
                    Text(left.ljust(column - (cell_len(left) - len(left))), style="bold")
                    if index == 0
                    else hanging.copy()
                )
                row.append_text(piece)
                row.rstrip()
                self.console.print(row, soft_wrap=True, overflow="ignore", crop=False)

    def _text(self, source: str, *, reveal: bool, style: str = "") -> tuple[Text, bool]:
        return discord_text(source, names=self.playground, when=self.when, reveal=reveal, style=style)

    def _print_wrapped(self, text: Text, prefix: Text) -> None:
        width = max(20, self.width - len(prefix.plain))
        for piece in text.split("\n", allow_blank=True):
            lines = piece.wrap(self.console, width) if piece.plain else [Text("")]
            for line in lines:
                row = prefix.copy()
                row.append_text(line)
                row.rstrip()
                self.console.print(row, soft_wrap=True, overflow="ignore", crop=False)

    def message(self, shown: Shown) -> None:
        self.when.at = shown.at
        try:
            self._message(shown)
        finally:
            self.when.at = None

    def _message(self, shown: Shown) -> None:
        reveal = self.playground.reveal_spoilers or shown.reveal
        tr = self.playground.tr
        if shown.only_for is not None:
            private = tr("only {name} can see this", name=shown.only_for)
            header = Text(tr("runon-bot updated its message") if shown.edited else "runon-bot", style="bold")
            header.append(" · " + private, style="italic yellow")
        elif shown.edited:
            header = Text(tr("runon-bot updated its message in {place}", place=shown.where), style="bold")
        else:
            header = Text(tr("runon-bot in {place}", place=shown.where), style="bold")
        self.console.print(header)
        message = shown.message
        indent = Text("  ")
        hid = False
        if message.get("content"):
            body, hid_here = self._text(message["content"], reveal=reveal)
            hid = hid or hid_here
            self._print_wrapped(body, indent)
        elif int(message.get("flags") or 0) & LOADING:
            self._print_wrapped(Text(tr("runon-bot is thinking…"), style="dim italic"), indent)
        for embed in message.get("embeds") or []:
            hid = self._embed(embed, reveal) or hid
        if message.get("poll"):
            self._poll(message["poll"])
        layout = bool(int(message.get("flags") or 0) & COMPONENTS_V2)
        if layout:  # Discord shows only what the components show (files too: only those they name)
            hid = self._layout(message.get("components") or [], reveal, indent) or hid
        for attachment in [] if layout else message.get("attachments") or []:
            name = attachment.get("filename", "file")
            if name.startswith("SPOILER_") and not reveal:
                name = tr("{file} (blurred: a spoiler)", file=name.removeprefix("SPOILER_"))
            about = attachment.get("description")
            self._print_wrapped(Text(f"📎 {name}" + (f" · {about}" if about else ""), style="cyan"), indent)
        self._components(shown, reveal)
        if hid:
            self._print_wrapped(Text("(" + tr("`reveal` uncovers the spoilers") + ")", style="dim"), indent)

    def _layout(self, components: list[dict[str, Any]], reveal: bool, prefix: Text) -> bool:
        """A layout message's components as Discord's client draws them: text displays as text (``## `` a heading,
        ``-# `` small grey text), containers with a bar in their accent colour, a container sent as a spoiler
        blurred line by line until revealed (then with a ``||`` bar), media and files by name. Buttons and menus are
        drawn after (numbered). Returns whether something was hidden."""
        hid = False
        tr = self.playground.tr
        for component in components:
            kind = component.get("type")
            if kind == 10:
                hid = self._text_display(component.get("content") or "", reveal, prefix) or hid
            elif kind == 9:
                hid = self._layout(component.get("components") or [], reveal, prefix) or hid
            elif kind == 14:
                self._print_wrapped(Text("─" * 20, style="dim"), prefix)
            elif kind == 12:
                for item in component.get("items") or []:
                    name = str((item.get("media") or {}).get("url", "")).rsplit("/", 1)[-1]
                    self._print_wrapped(Text(f"🖼 {name.removeprefix('SPOILER_')}", style="cyan"), prefix)
            elif kind == 13:
                name = str((component.get("file") or {}).get("url", "")).rsplit("/", 1)[-1]
                self._print_wrapped(Text(f"📎 {name.removeprefix('SPOILER_')}", style="cyan"), prefix)
            elif kind == 17:
                colour = component.get("accent_color")
                bar = prefix.copy()
                if component.get("spoiler") and reveal:  # uncovered: still marked as a spoiler, as ||tags|| are
                    bar.append("|| ", style="dim")
                else:
                    bar.append("┃ ", style=f"#{colour:06x}" if isinstance(colour, int) else "grey50")
                if component.get("spoiler") and not reveal:
                    self._blurred(component.get("components") or [], bar)
                    hid = True
                else:
                    hid = self._layout(component.get("components") or [], reveal, bar) or hid
        if not components:
            self._print_wrapped(Text(tr("runon-bot is thinking…"), style="dim italic"), prefix)
        return hid

    def _text_display(self, source: str, reveal: bool, prefix: Text) -> bool:
        hid = False
        for line in source.split("\n"):
            style = ""
            if line.startswith(("# ", "## ", "### ")):
                line, style = line.split(" ", 1)[1], "bold"
            elif line.startswith("-# "):
                line, style = line[3:], "dim"
            text, hid_here = self._text(line, reveal=reveal, style=style)
            hid = hid or hid_here
            self._print_wrapped(text, prefix)
        return hid

    def _blurred(self, components: list[dict[str, Any]], bar: Text) -> None:
        """A spoiler container before it is clicked: each line blurred to its length (Discord blurs the block), the
        media in it too."""
        label = texts(language_of(self.when.locale())).ctx("blurred spoiler", "spoiler")
        lines: list[str] = []
        for component in walk_layout(components):
            if component.get("type") == 10:
                lines += [line for line in (component.get("content") or "").split("\n") if line.strip()]
            elif component.get("type") == 12:
                lines += ["🖼 " + str((i.get("media") or {}).get("url", "")) for i in component.get("items") or []]
            elif component.get("type") == 13:
                lines.append("📎 " + str((component.get("file") or {}).get("url", "")))
        for line in lines or [label]:
            plain, _ = self._text(line, reveal=True)
            self._print_wrapped(Text(_mask(plain.plain, label), style="reverse dim"), bar)

    def _embed(self, embed: dict[str, Any], reveal: bool) -> bool:
        colour = embed.get("color")
        bar = Text("  ┃ ", style=f"#{colour:06x}" if isinstance(colour, int) else "grey50")
        hid = False

        def put(source: str, style: str = "") -> None:
            nonlocal hid
            text, hid_here = self._text(source, reveal=reveal, style=style)
            hid = hid or hid_here
            self._print_wrapped(text, bar)

        if embed.get("author", {}).get("name"):
            put(embed["author"]["name"], "dim")
        if embed.get("title"):
            put(embed["title"], "bold")
        if embed.get("description"):
            put(embed["description"])
        inline: list[dict[str, Any]] = []

        def flush() -> None:
            for start in range(0, len(inline), 3):
                row = inline[start : start + 3]
                names = "   ".join(f"{f['name']}" for f in row)
                values = "   ".join(f"{f['value']}" for f in row)
                if len(names) + len(values) > self.width - 10 or any("\n" in f["value"] for f in row):
                    for field in row:
                        put(f"**{field['name']}**")
                        put(field["value"])
                    continue
                put("   ".join(f"**{f['name']}**: {f['value']}" for f in row))
            inline.clear()

        for field in embed.get("fields") or []:
            if field.get("inline"):
                inline.append(field)
                continue
            flush()
            put(f"**{field['name']}**")
            put(field["value"])
        flush()
        tr = self.playground.tr
        for key, label in (("image", tr("🖼 image")), ("thumbnail", tr("🖼 thumbnail"))):
            url = (embed.get(key) or {}).get("url")
            if url:
                put(f"{label}: {url.rsplit('/', 1)[-1]}", "cyan")
        if embed.get("footer", {}).get("text"):
            put(embed["footer"]["text"], "dim")
        return hid

    def _poll(self, poll: dict[str, Any]) -> None:
        indent = Text("  ")
        question = (poll.get("question") or {}).get("text", "")
        self._print_wrapped(Text(f"📊 {question}", style="bold"), indent)
        for number, answer in enumerate(poll.get("answers") or [], start=1):
            media = answer.get("poll_media") or {}
            emoji = (media.get("emoji") or {}).get("name", "")
            self._print_wrapped(Text(f"   {number}. {emoji} {media.get('text', '')}".rstrip()), indent)

    def _components(self, shown: Shown, reveal: bool) -> None:
        indent = Text("  ")
        tr = self.playground.tr
        greyed = " (" + tr("greyed out") + ")"
        if shown.buttons:
            row = Text()
            for number, button in enumerate(shown.buttons, start=1):
                label = button.get("label") or (button.get("emoji") or {}).get("name") or tr("button")
                label_text, _ = self._text(label, reveal=reveal)
                if row.plain:
                    row.append(" ")
                style = "dim strike" if button.get("disabled") else BUTTON_STYLES.get(int(button.get("style", 2)), "")
                row.append(f"[{number} ", style=style)
                row.append_text(label_text)
                if button.get("url"):
                    row.append(" ↗")
                row.append("]", style=style)
                if button.get("disabled"):
                    row.append(greyed, style="dim")
            self._print_wrapped(row, indent)
        for number, menu in enumerate(shown.menus, start=1):
            placeholder = menu.get("placeholder") or tr("choose…")
            many = int(menu.get("max_values", 1))
            head = Text(tr("menu {number}:", number=number) + " ", style="bold")
            head.append(placeholder, style="italic")
            if many > 1:
                head.append(" (" + tr("up to {count}", count=many) + ")", style="dim")
            if menu.get("disabled"):
                head.append(greyed, style="dim")
            self._print_wrapped(head, indent)
            for index, option in enumerate(menu.get("options") or [], start=1):
                line = Text(f"   {index}. ")
                label_text, _ = self._text(option.get("label", ""), reveal=reveal)
                line.append_text(label_text)
                if option.get("description"):
                    line.append(" · " + option["description"], style="dim")
                if option.get("default"):
                    line.append(" ✓", style="green")
                self._print_wrapped(line, indent)
            if int(menu.get("type", 3)) != 3:
                line_text = f"pick {number} NAME"
                hint = {
                    5: tr("choose a member: `{line}`", line=line_text),
                    6: tr("choose a role: `{line}`", line=line_text),
                    7: tr("choose a member or role: `{line}`", line=line_text),
                    8: tr("choose a channel: `{line}`", line=line_text),
                }[int(menu["type"])]
                self._print_wrapped(Text(f"   ({hint})", style="dim"), indent)
