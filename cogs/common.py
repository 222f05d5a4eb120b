"""Shared Discord glue for cogs: services access, the reader's language, persistent buttons, spoiler-aware embeds.

**Which language.** A private answer (ephemeral) speaks the member's Discord language: ``member_texts(interaction)``.
A public post speaks the server's: ``await texts_for(interaction, public=True)`` (``/setup language``, else the
server's Discord preferred locale; in a DM, the member's). Every sentence is ``tr("English text {with} fields",
with=...)``; texts of the show pack go through ``tr.pack(text)``; errors a service raises carry a message that
the one error path renders for the member.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

import discord
from discord import app_commands

from bot.app import Services
from bot.catalog import Confidence, NotInPack, Person
from bot.client import RunOnBot, member_texts, report_error
from bot.errors import UserError
from bot.locale import Msg, Texts, msg
from bot.permissions import label
from bot.services.zones import search_zones, zone_label

__all__ = ["Interaction", "Texts", "member_texts"]

Interaction = discord.Interaction[RunOnBot]
T = TypeVar("T")


class Kept(Generic[T]):
    """What is made from objects that live as long as the process (a language's texts, a person of the show pack) and
    a few plain values, made once and then used as it is. Kept by those objects' identity (a look-up costs nothing,
    where hashing a whole record would not), up to ``size`` entries, then started afresh."""

    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._kept: dict[tuple[Hashable, ...], tuple[tuple[object, ...], T]] = {}

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, objects: tuple[object, ...], values: tuple[Hashable, ...], make: Callable[[], T]) -> T:
        key = (*(id(o) for o in objects), *values)
        found = self._kept.get(key)
        if found is not None and all(kept is o for kept, o in zip(found[0], objects, strict=True)):
            return found[1]
        made = make()
        if len(self._kept) >= self._size:
            self._kept.clear()
        self._kept[key] = (objects, made)
        return made


BRAND = discord.Colour.from_rgb(232, 93, 74)
EMBED_FIELD_LIMIT = 1024
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
PUBLIC_DESCRIBE = "Post the answer in the channel for everyone (spoilers are tagged)"


class OutOfDate(UserError):
    """A button or menu whose id names something that no longer exists (or never did: a forged id)."""

    def __init__(self) -> None:
        super().__init__(msg("This button is out of date. Run the command again for a fresh one."))


#: The largest id SQLite can store (ids in custom ids are checked against it before any query).
MAX_ROW_ID = 2**63 - 1


def services_of(interaction: Interaction) -> Services:
    return interaction.client.services


async def texts_for(interaction: Interaction, *, public: bool) -> Texts:
    """The language of an answer: the server's for a public post (the member's in a DM), else the member's."""
    services = services_of(interaction)
    if not public:
        return services.language.member(interaction.locale)
    return await services.language.public(interaction.guild_id, interaction.guild_locale, interaction.locale)


async def answer_texts(interaction: Interaction, *, public: bool, files: bool = False) -> Texts:
    """The language of an answer to ``interaction`` in its own channel: as :func:`texts_for`, except that a public
    answer the member could not post themselves (with ``files``: a file they could not attach) comes privately
    (:func:`send`) and so speaks the member's language, as the note saying why does."""
    return await texts_for(interaction, public=public and may_post_here(interaction, files=files))


def ts(moment: dt.datetime, style: str = "F") -> str:
    """A Discord timestamp: each member sees it in their own zone."""
    return discord.utils.format_dt(moment, style)  # type: ignore[arg-type]


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"


def clip_sentences(text: str, limit: int) -> str:
    """``text`` if it fits, else as many whole sentences as fit (never cut mid-sentence)."""
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > limit:
            break
        kept = candidate
    return kept or clip(text, limit)


def join_clipped(lines: Sequence[str], limit: int, tr: Texts) -> str:
    """Join lines, dropping whole lines that would break the limit (never cutting a spoiler tag)."""
    out: list[str] = []
    size = 0
    for index, line in enumerate(lines):
        extra = len(line) + (1 if out else 0)
        if size + extra > limit - 40:
            out.append(tr("\N{HORIZONTAL ELLIPSIS} and {count} more", count=len(lines) - index))
            break
        out.append(line)
        size += extra
    return "\n".join(out)


def spoiler_label(tr: Texts, episode: int, last: int | None = None) -> str:
    """``Spoilers: episode 9`` / ``스포일러: 9화``; for a run of episodes (``last``) ``Spoilers: episodes 9-12``."""
    if last is None or last == episode:
        return tr("Spoilers: episode {n}", n=episode)
    return tr("Spoilers: {episodes}", episodes=tr.episodes(episode, last))


def marker(tr: Texts, confidence: Confidence) -> str:
    """What a reader is told about how sure a fact is (nothing for facts several sources agree on)."""
    if confidence == Confidence.DERIVED:
        return tr(" *(inferred, not directly sourced)*")
    if confidence == Confidence.UNSOURCED:
        return tr(" *(unsourced)*")
    return ""


def gate_message(tr: Texts, latest: int, horizon: int) -> str:
    """The confirmation prompt for withheld content."""
    if horizon:
        return tr(
            "This is from episode {latest}; you've watched up to episode {horizon}.", latest=latest, horizon=horizon
        )
    return tr("This is from episode {latest}; you haven't marked any episode as watched.", latest=latest)


def character(tr: Texts, person: Person) -> str:
    """A character's name for the reader: ``기선겸 (Ki Seon-gyeom)`` where the reader's language reads the show's script
    first (Korean), else ``Ki Seon-gyeom``."""
    return person.character_for(tr)


def actor(tr: Texts, person: Person) -> str:
    return person.actor_for(tr)


def missing(tr: Texts, permissions: discord.Permissions, needed: frozenset[str]) -> list[str]:
    """The names (in the reader's language) of the permissions in ``needed`` that ``permissions`` lacks, sorted."""
    return sorted(label(tr, name) for name in needed if not getattr(permissions, name))


async def public_line(interaction: Interaction) -> int:
    """The spoiler line for a public post in the interaction's channel (0 in DMs and spoiler-free channels)."""
    channel = interaction.channel
    parent_id = channel.parent_id if isinstance(channel, discord.Thread) else None
    services = services_of(interaction)
    return await services.spoiler_line.public_line(
        interaction.guild_id, interaction.channel_id, parent_id, services.clock()
    )


async def dm_refusal_notice(services: Services, user_id: int, tr: Texts) -> str:
    """When Discord refused the member's last reminder DM, how they can fix it (staff cannot)."""
    member = await services.members.get(user_id)
    if member.dm_refused_at is None:
        return ""
    when = ts(dt.datetime.fromtimestamp(member.dm_refused_at, dt.UTC), "R")
    return "\n\N{WARNING SIGN}\N{VARIATION SELECTOR-16} " + tr(
        "My last reminder DM to you ({when}) didn't arrive: Discord refused it because your DMs are closed to me. "
        "To get DM copies, allow *Direct Messages* from this server (click the server name > *Privacy Settings*).",
        when=when,
    )


def permissions_in(
    interaction: discord.Interaction[Any], channel: discord.abc.GuildChannel | discord.Thread
) -> discord.Permissions:
    """The member's permissions in ``channel``: Discord's own for the channel the interaction came from, else
    computed from the member's roles and the channel's overwrites (the gateway cache)."""
    if channel.id == interaction.channel_id:
        return interaction.permissions
    member = interaction.user
    if not isinstance(member, discord.Member):
        return discord.Permissions.none()
    return channel.permissions_for(member)


def server_permissions(interaction: discord.Interaction[Any]) -> discord.Permissions:
    """The member's server-wide permissions (their roles), not the channel-scoped ones of the interaction."""
    member = interaction.user
    return member.guild_permissions if isinstance(member, discord.Member) else discord.Permissions.none()


def may_send_in(permissions: discord.Permissions, channel: object) -> bool:
    """Whether these permissions let a member post a message in ``channel`` (a thread wants Send Messages in
    Threads)."""
    if not permissions.view_channel:
        return False
    if isinstance(channel, discord.Thread):
        return permissions.send_messages_in_threads
    return permissions.send_messages


def may_post_here(interaction: discord.Interaction[Any], *, files: bool = False) -> bool:
    """Whether the member may themselves post (with ``files``: attach files) in the interaction's channel; a bot
    post made on their behalf must not go where they could not post. Always true in DMs."""
    if interaction.guild_id is None:
        return True
    permissions = interaction.permissions
    return may_send_in(permissions, interaction.channel) and (not files or permissions.attach_files)


def can_see(interaction: discord.Interaction[Any]) -> Callable[[int], bool]:
    """``visible(channel_id)``: whether the member can see that channel of the interaction's server. A thread that
    was archived (discord.py no longer keeps it) is seen by whoever sees its channel; a channel the bot does not
    know at all shows to nobody but staff (a deleted channel's parties are cancelled as it goes, so this is one
    the bot did not see go, e.g. while it was offline)."""
    guild = interaction.guild
    member = interaction.user
    staff = server_permissions(interaction).manage_guild
    parties = services_of(interaction).parties

    def visible(channel_id: int) -> bool:
        if guild is None or not isinstance(member, discord.Member):
            return False
        if channel_id == interaction.channel_id:
            return interaction.permissions.view_channel
        channel = guild.get_channel_or_thread(channel_id)
        if channel is None:
            parent = parties.thread_parent(channel_id)
            channel = guild.get_channel(parent) if parent is not None else None
        if channel is None:
            return staff
        return channel.permissions_for(member).view_channel

    return visible


def staff_only() -> Callable[[T], T]:
    """A check that runs before the options are read: a member without Manage Server is told so first."""

    def predicate(interaction: discord.Interaction[Any]) -> bool:
        require_manage_guild(interaction)
        return True

    return app_commands.check(predicate)


def require_manage_guild(interaction: discord.Interaction[Any]) -> None:
    """Enforce Manage Server in the bot too: admins can override Discord's default_permissions."""
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage()
    if not interaction.permissions.manage_guild:
        raise app_commands.MissingPermissions(["manage_guild"])


def zone_choices(current: str, tr: Texts) -> list[app_commands.Choice[str]]:
    """Autocomplete for an IANA time-zone option (city search in English and Korean); Korean readers see the
    city first ("서울 (Asia/Seoul)"), the value is always the IANA name."""
    return [app_commands.Choice(name=zone_label(z, tr.cldr), value=z) for z in search_zones(current, 25)]


def watched_text(tr: Texts, horizon: int) -> str:
    if horizon:
        return tr("You've watched up to episode {n}.", n=horizon)
    return tr("You haven't marked any episode as watched.")


MESSAGE_LIMIT = 2000


async def send(interaction: Interaction, *, public: bool = False, **kwargs: Any) -> None:
    """Answer the interaction: ephemeral unless public. Mentions stay denied (the bot's default).

    A public answer goes where the member could post it themselves (Send Messages, and Attach Files with a file);
    otherwise it comes privately, saying why."""
    if public and not may_post_here(interaction, files="file" in kwargs or "files" in kwargs):
        tr = member_texts(interaction)
        note = tr("You can't post in this channel, so I'm showing you the answer privately instead.")
        view = kwargs.get("view")
        if isinstance(view, discord.ui.LayoutView):  # a layout has no content: the note is its first text display
            prepend(view, note)
        else:
            content = kwargs.get("content")
            kwargs["content"] = clip(f"{note}\n{content}", MESSAGE_LIMIT) if content else note
        public = False
    await interaction.response.send_message(ephemeral=not public, **kwargs)


def prepend(view: discord.ui.LayoutView, content: str) -> discord.ui.LayoutView:
    """The same layout with a text display on top (a note, "Shared by ..."). It changes ``view`` itself: pass a
    layout made for this answer, never one kept and sent again."""
    items = list(view.children)
    view.clear_items()
    view.add_item(discord.ui.TextDisplay(content))
    for item in items:
        view.add_item(item)
    return view


#: Buttons whose ids start with this post the answer publicly, on the member's behalf.
SHARE_PREFIX = "runon:share:"


class SafeButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=r"runon:base:unused"):
    """A persistent button (works after a restart) whose errors take the bot's one error path.

    Subclasses set a ``template`` and implement :meth:`from_match` and :meth:`handle`.
    """

    owner_id: int | None = None  # when set, only this member may press the button
    refusal: ClassVar[Msg] = msg("That button belongs to someone else's answer. Run the command yourself.")

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> SafeButton:
        return cls.from_match(match)

    @classmethod
    def from_match(cls, match: re.Match[str]) -> SafeButton:
        raise NotImplementedError

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        if self.owner_id is not None and interaction.user.id != self.owner_id:
            await interaction.response.send_message(member_texts(interaction).render(self.refusal), ephemeral=True)
            return False
        return True

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            if self.custom_id.startswith(SHARE_PREFIX) and not may_post_here(interaction):
                raise UserError(
                    "You can't post in this channel, so I didn't share it here. The answer stays private to you."
                )
            await self.handle(interaction)
        except NotInPack:  # an episode or person the button names is not in the pack: stale or forged
            await report_error(interaction, OutOfDate())
        except Exception as error:
            await report_error(interaction, error)

    async def handle(self, interaction: Interaction) -> None:
        raise NotImplementedError


def view_of(*items: discord.ui.Item[Any]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    if all(isinstance(item, discord.ui.DynamicItem) for item in items):
        # Answered through their ids' templates (registered at start-up), never through this object: a finished view
        # is not kept, whereas discord.py keeps an ephemeral answer's view 15 minutes, with a task waiting on it.
        view.stop()
    return view


class EpisodeTransformer(app_commands.Transformer[RunOnBot]):
    """An episode number with autocomplete that shows air dates and marks what the member watched."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.integer

    @property
    def min_value(self) -> int:
        return 1

    @property
    def max_value(self) -> int:
        return 16

    async def transform(self, interaction: Interaction, value: Any) -> int:
        catalog = services_of(interaction).catalog
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if not 1 <= number <= catalog.episode_count:
            raise UserError(
                "There is no episode {value}; Run On has episodes 1 to {last}.", value=value, last=catalog.episode_count
            )
        return number

    async def autocomplete(  # type: ignore[override]
        self, interaction: Interaction, value: int | float | str
    ) -> list[app_commands.Choice[int]]:
        services = services_of(interaction)
        tr = member_texts(interaction)
        horizon = await services.progress.horizon(interaction.user.id)
        typed = str(value).strip()
        choices = []
        for episode in services.catalog.episodes:
            if typed and not str(episode.number).startswith(typed):
                continue
            day = tr.day(episode.airs_at.astimezone(services.catalog.show.timezone).date())
            mark = " \N{CHECK MARK}" if episode.number <= horizon else ""
            name = tr("Episode {n} \N{MIDDLE DOT} {day}", n=episode.number, day=day)
            choices.append(app_commands.Choice(name=f"{name}{mark}", value=episode.number))
        return choices[:25]


EpisodeOption = app_commands.Transform[int, EpisodeTransformer]
