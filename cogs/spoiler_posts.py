"""/spoiler and the "Spoiler-tag this" message menu: member text and images, always tagged."""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands
from msgspec import Struct

from bot.app import Services
from bot.client import RunOnBot, report_error
from bot.errors import UserError
from bot.permissions import FEATURE_PERMISSIONS
from bot.services.discussion import SPOILER_TEXT_LIMIT

from .common import (
    EpisodeOption,
    Interaction,
    OutOfDate,
    Texts,
    may_post_here,
    member_texts,
    missing,
    spoiler_label,
    texts_for,
)
from .layouts import Layout

log = logging.getLogger(__name__)

COOLDOWN_SECONDS = 20.0
PENDING_TTL_SECONDS = 15 * 60


_VISUAL = re.compile(r"\.(png|jpe?g|gif|webp|avif|mp4|webm|mov)$", re.IGNORECASE)


def spoiler_post(
    tr: Texts,
    episode: int,
    author: discord.abc.User,
    text: str,
    *,
    retagged: bool = False,
    files: Sequence[discord.File] = (),
) -> discord.ui.LayoutView:
    """The posted message (in the server's language), a layout: a label naming the episode and the author outside
    the blur, then one blurred container (``spoiler: true``) holding the text and the files (images and videos in a
    media gallery, other files as file components) as the message's own ``attachment://`` uploads."""
    by = (
        tr("originally posted by {member}", member=author.mention)
        if retagged
        else tr("from {member}", member=author.mention)
    )
    visual = [f for f in files if _VISUAL.search(f.filename)]
    media: list[discord.ui.Item[Any]] = []
    if visual:
        media.append(discord.ui.MediaGallery(*(discord.MediaGalleryItem(f"attachment://{f.filename}") for f in visual)))
    media += [discord.ui.File(f"attachment://{f.filename}") for f in files if f not in visual]
    return Layout().blurred(spoiler_label(tr, episode), text.strip(), media, aside=by).done()


def _validate_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise UserError("Write something to post: the text can't be empty.")
    if len(text) > SPOILER_TEXT_LIMIT:
        raise UserError(
            "That's {length} characters; the limit is {limit}. Split it into two posts.",
            length=len(text),
            limit=SPOILER_TEXT_LIMIT,
        )
    return text


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,8})$")


def spoiler_name(filename: str, episode: int, index: int = 0) -> str:
    """``episode16.mp4``, uploaded as ``SPOILER_episode16.mp4``: the original name (``ep16-X-dies.mp4``) shows
    outside the blur, so only its extension is kept; a second file of the same post is ``episode16_2.png``."""
    found = _EXTENSION.search(filename)
    extension = f".{found.group(1).lower()}" if found else ""
    return f"episode{episode}{'' if index == 0 else f'_{index + 1}'}{extension}"


async def spoiler_file(attachment: discord.Attachment, episode: int, index: int = 0) -> discord.File:
    """The attachment re-uploaded behind the blur: renamed, and without its description (alt text shows outside
    the blur too)."""
    name = spoiler_name(attachment.filename, episode, index)
    return await attachment.to_file(filename=name, description=None, spoiler=True)


def check_sizes(interaction: discord.Interaction[Any], attachments: tuple[discord.Attachment, ...]) -> None:
    """Refuse, before downloading anything, attachments the bot could not re-post in one message: a file above the
    server's upload limit (by its boost tier, as Discord documents it: 10 MB, 50 MB at level 2, 100 MB at level 3),
    or files that together exceed it (Discord counts the limit against the whole upload, and ten files at the limit
    must not be read into memory either; a member's Nitro upload of 500 MB neither)."""
    guild = interaction.guild
    limit = guild.filesize_limit if guild is not None else discord.utils.DEFAULT_FILE_SIZE_LIMIT_BYTES
    big = next((a for a in attachments if a.size > limit), None)
    if big is not None:
        raise UserError(
            "{file} is {size}; this server lets me upload at most {limit} per file, so I can't re-post that "
            "message. Delete it instead, or ask the author to post a smaller file.",
            file=repr(big.filename),
            size=_megabytes(big.size),
            limit=_megabytes(limit),
        )
    total = sum(a.size for a in attachments)
    if total > limit:
        raise UserError(
            "That message's {count} files come to {size}; this server lets me upload at most {limit} in one "
            "message, so I can't re-post it. Delete it instead, or ask the author to post the files in fewer at a "
            "time.",
            count=len(attachments),
            size=_megabytes(total),
            limit=_megabytes(limit),
        )


class PendingRetag(Struct, frozen=True):
    """A message a moderator asked to re-tag, kept until they pick the episode.

    Held in memory because without the message-content intent the bot cannot fetch the text again;
    only the context-menu interaction carries it."""

    moderator_id: int
    channel_id: int
    message_id: int
    author: discord.abc.User
    content: str
    attachments: tuple[discord.Attachment, ...]
    created: float


class EpisodePicker(discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]], template=r"runon:retag:(?P<token>\w+)"):
    def __init__(self, token: str, episodes: int = 16, tr: Texts | None = None) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"runon:retag:{token}",
                placeholder=tr("Which episode does it spoil?") if tr else None,
                options=[
                    discord.SelectOption(label=tr("Episode {n}", n=n) if tr else str(n), value=str(n))
                    for n in range(1, episodes + 1)
                ],
            )
        )
        self.token = token

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> EpisodePicker:
        return cls(match["token"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            cog = interaction.client.get_cog("SpoilerPosts")
            assert isinstance(cog, SpoilerPosts)
            values = self.item.values
            if not values or not values[0].isdigit():
                raise OutOfDate()
            await cog.finish_retag(interaction, self.token, int(values[0]))
        except Exception as error:
            await report_error(interaction, error)


class SpoilerPosts(commands.Cog):
    def __init__(self, bot: RunOnBot, services: Services) -> None:
        self.bot = bot
        self.services = services
        self.pending: OrderedDict[str, PendingRetag] = OrderedDict()
        self.menu = app_commands.ContextMenu(name="Spoiler-tag this", callback=self.retag_menu)
        self.menu.default_permissions = discord.Permissions(manage_messages=True)
        self.menu.guild_only = True
        self.menu.allowed_contexts = app_commands.AppCommandContext(guild=True)  # never offered in DMs

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    @app_commands.command(name="spoiler", description="Post text (and an image) hidden behind spoiler tags")
    @app_commands.describe(
        episode="The episode it spoils", text="What you want to say; it will be hidden", image="An image to hide too"
    )
    @app_commands.guild_only()
    @app_commands.checks.cooldown(1, COOLDOWN_SECONDS, key=lambda i: (i.guild_id, i.user.id))
    async def spoiler(
        self,
        interaction: Interaction,
        episode: EpisodeOption,
        text: app_commands.Range[str, 1, SPOILER_TEXT_LIMIT],
        image: discord.Attachment | None = None,
    ) -> None:
        if not may_post_here(interaction):
            raise UserError(
                "You can't send messages in this channel, so I won't post a spoiler here for you. Use `/spoiler` "
                "where you can write."
            )
        if image is not None and not may_post_here(interaction, files=True):
            raise UserError(
                "You can't attach files in this channel, so I won't post your image here. Leave out the image, or "
                "use `/spoiler` where you can attach files."
            )
        server = await texts_for(interaction, public=True)
        text = _validate_text(text)
        mentions = discord.AllowedMentions.none()
        if image is None:
            view = spoiler_post(server, episode, interaction.user, text)
            await interaction.response.send_message(view=view, allowed_mentions=mentions)
            return
        if not (image.content_type or "").startswith("image/"):
            raise UserError("{file} isn't an image. Attach a PNG, JPEG, GIF or WebP file.", file=repr(image.filename))
        limit = interaction.filesize_limit
        if image.size > limit:
            raise UserError(
                "{file} is {size}; I can re-post at most {limit} here. Attach a smaller image.",
                file=repr(image.filename),
                size=_megabytes(image.size),
                limit=_megabytes(limit),
            )
        # Answer first: downloading a large image can take longer than Discord's 3 seconds to answer. The deferred
        # answer is private, so a failed download is told to the member alone.
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            file = await spoiler_file(image, episode)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError):
            log.info("could not download attachment %s", image.url, exc_info=True)
            raise UserError(
                "I couldn't download {file} from Discord, so nothing was posted. Attach it again and retry in a "
                "moment.",
                file=repr(image.filename),
            ) from None
        tr = member_texts(interaction)
        # The private "thinking" message must be filled before a follow-up may be public.
        await interaction.edit_original_response(
            content=tr("Posting your spoiler for episode {n}\N{HORIZONTAL ELLIPSIS}", n=episode)
        )
        view = spoiler_post(server, episode, interaction.user, text, files=[file])
        posted = await interaction.followup.send(view=view, file=file, allowed_mentions=mentions, wait=True)
        await interaction.edit_original_response(
            content=tr("Posted your spoiler for episode {n}: {link}", n=episode, link=posted.jump_url)
        )

    # -- "Spoiler-tag this" ------------------------------------------------------------------------

    def _remember(self, pending: PendingRetag) -> str:
        now = time.monotonic()
        while self.pending and now - next(iter(self.pending.values())).created > PENDING_TTL_SECONDS:
            self.pending.popitem(last=False)
        token = secrets.token_hex(8)
        self.pending[token] = pending
        return token

    async def retag_menu(self, interaction: Interaction, message: discord.Message) -> None:
        if not interaction.permissions.manage_messages:
            raise app_commands.MissingPermissions(["manage_messages"])
        needed = set(FEATURE_PERMISSIONS["spoiler-tag this"])
        if not message.attachments:
            needed.discard("attach_files")
        tr = member_texts(interaction)
        lacking = missing(tr, interaction.app_permissions, frozenset(needed))
        if lacking:
            raise UserError(
                "I can't re-post and remove messages here: I need {permissions} in this channel.",
                permissions=", ".join(lacking),
            )
        check_sizes(interaction, tuple(message.attachments))
        if not message.content.strip() and not message.attachments:
            raise UserError("That message has no text or attachments to re-post (embeds and stickers can't be).")
        if len(message.content) > SPOILER_TEXT_LIMIT:
            raise UserError(
                "That message is too long to re-post with a label ({length} characters; limit {limit}). Ask the "
                "author to edit it or delete it instead.",
                length=len(message.content),
                limit=SPOILER_TEXT_LIMIT,
            )
        token = self._remember(
            PendingRetag(
                moderator_id=interaction.user.id,
                channel_id=message.channel.id,
                message_id=message.id,
                author=message.author,
                content=message.content,
                attachments=tuple(message.attachments),
                created=time.monotonic(),
            )
        )
        view = discord.ui.View(timeout=None)
        view.add_item(EpisodePicker(token, self.services.catalog.episode_count, tr))
        await interaction.response.send_message(
            tr(
                "Re-post {member}'s message blurred as a spoiler and delete the original. Pick the episode it spoils:",
                member=message.author.mention,
            ),
            view=view,
            ephemeral=True,
        )

    async def finish_retag(self, interaction: discord.Interaction[Any], token: str, episode: int) -> None:
        if not 1 <= episode <= self.services.catalog.episode_count:
            raise OutOfDate()
        pending = self.pending.get(token)
        if pending is None or time.monotonic() - pending.created > PENDING_TTL_SECONDS:
            raise UserError('This menu has expired. Use "Spoiler-tag this" on the message again.')
        if interaction.user.id != pending.moderator_id:
            raise UserError("Only the moderator who opened this menu can use it.")
        channel = self.bot.get_partial_messageable(pending.channel_id, guild_id=interaction.guild_id)
        check_sizes(interaction, pending.attachments)  # before any download (the server's boosts may have lapsed)
        try:
            files = [await spoiler_file(a, episode, i) for i, a in enumerate(pending.attachments)]
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError):
            log.info("could not download the attachments of message %s", pending.message_id, exc_info=True)
            raise UserError("I couldn't download the attachments, so nothing was changed. Try again.") from None
        server = await self.services.language.public(interaction.guild_id, interaction.guild_locale, interaction.locale)
        try:
            await channel.send(
                view=spoiler_post(server, episode, pending.author, pending.content, retagged=True, files=files),
                files=files,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.Forbidden:
            raise UserError(
                "Discord refused the re-post (I need Send Messages and Create Posts, and Attach Files here). "
                "Nothing was deleted."
            ) from None
        self.pending.pop(token, None)
        tr = member_texts(interaction)
        try:
            await channel.get_partial_message(pending.message_id).delete()
            content = tr("Re-posted as spoilers for episode {n} and deleted the original.", n=episode)
        except discord.NotFound:
            content = tr("Re-posted as spoilers for episode {n}; the original was already gone.", n=episode)
        except discord.Forbidden:
            content = tr(
                "Re-posted as spoilers for episode {n} but I couldn't delete the original: I need {permission} here.",
                n=episode,
                permission=", ".join(missing(tr, discord.Permissions.none(), frozenset({"manage_messages"}))),
            )
        await interaction.response.edit_message(content=content, view=None)


async def setup(bot: RunOnBot) -> None:
    bot.add_dynamic_items(EpisodePicker)
    await bot.add_cog(SpoilerPosts(bot, bot.services))
