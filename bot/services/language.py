"""Which language an answer is in.

A member's private answers follow their own Discord language (the interaction's ``locale``). Public posts in a
server (shared answers, watch-party cards, reminders, airing posts, announcements) follow the server's language:
the one staff chose with ``/setup language``, else the server's Discord "preferred locale". Outside a server
(DMs) everything follows the member.

What the bot writes to one member outside an interaction (their own reminder DMs, DM copies of a server's
reminders) follows the language of their last interaction, remembered per member (:meth:`LanguageService.remember`)
and deleted with the rest of their data by ``/progress forget``; a member never seen yet gets the server's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Sequence

from bot.catalog import Catalog
from bot.clock import epoch
from bot.locale import SOURCE, Language, Texts, language_of, languages, locale_code, texts
from bot.store import Database, members

from .cache import Batched, Cache
from .guild_config import GuildConfigService

#: How many /progress forget interactions are kept in mind (see LanguageService.forgetting): far more than ever run
#: at once.
FORGOTTEN_KEPT = 1000


class LanguageService:
    def __init__(
        self,
        catalog: Catalog,
        guilds: GuildConfigService,
        db: Database,
        *,
        preferred_locale: Callable[[int], str | None],
    ) -> None:
        self._guilds = guilds
        self._catalog = catalog
        self._db = db
        # Each member's remembered Discord locale ("" for none): read once, then an interaction in the language
        # already remembered costs a dict lookup. /progress forget announces on the members' topic, which drops it.
        self._remembered: Cache[int, str] = Cache(db.bus, members.CACHE_TOPIC)
        # Many members' first interactions come together (a start-up in many servers): one read for all of them.
        self._first_reads: Batched[int, str] = Batched(self._load_many)
        self._writing: dict[int, asyncio.Future[str | None]] = {}  # a member's locale being written now
        #: Interactions whose member deleted their data while they ran (their own :meth:`remember` drops them; one that
        #: had nothing to remember never calls it, so only the latest are kept).
        self._forgotten: dict[int, None] = {}
        # One Texts per language, each with the show pack's texts in that language (loaded at first use; the
        # process loads them all at start-up, so a missing catalogue stops it there).
        self._texts: dict[Language, Texts] = {}
        #: A server's Discord "preferred locale" by id (read from the bot's gateway cache, see bot.transport):
        #: reminders and other posts made without an interaction read it through this.
        self._preferred_locale = preferred_locale

    def texts(self, lang: Language) -> Texts:
        found = self._texts.get(lang)
        if found is None:
            found = self._texts[lang] = texts(lang).with_pack(self._catalog.translations.get(lang, {}))
        return found

    def load(self) -> None:
        """Every language's catalogue, now (raises :class:`~bot.locale.CatalogueMissing`)."""
        for lang in languages():
            self.texts(lang)

    def member(self, locale: object) -> Texts:
        """For a private answer: the member's Discord language."""
        return self.texts(language_of(locale))

    async def server_language(self, guild_id: int, guild_locale: object = None) -> Language:
        """The language of the server's public posts: staff's choice, else its Discord preferred locale."""
        config = await self._guilds.get(guild_id)
        if config.language is not None:
            return config.language
        if guild_locale is None:
            guild_locale = self._preferred_locale(guild_id)
        return language_of(guild_locale)

    async def server(self, guild_id: int, guild_locale: object = None) -> Texts:
        return self.texts(await self.server_language(guild_id, guild_locale))

    async def public(self, guild_id: int | None, guild_locale: object, member_locale: object) -> Texts:
        """For a public post: the server's language; in a DM (no server) the member's."""
        if guild_id is None:
            return self.member(member_locale)
        return await self.server(guild_id, guild_locale)

    # -- a member's own language, outside an interaction ------------------------------------------------------------

    def remembered(self, user_id: int, locale: object) -> bool:
        """Whether there is nothing to remember: no locale, or the member's is known to be this one already (no
        read: False when unknown, and :meth:`remember` finds out)."""
        code = locale_code(locale)
        return not code or self._remembered.holds(user_id, code)

    async def remember(self, user_id: int, locale: object, interaction_id: int, now: dt.datetime) -> None:
        """Note the Discord locale of a member's interaction (written only when it changed)."""
        code = locale_code(locale)
        if not code or interaction_id in self._forgotten:
            self._forgotten.pop(interaction_id, None)
            return
        if await self._remembered.get(user_id, lambda: self._first_reads.load(user_id)) == code:
            return
        if interaction_id in self._forgotten:  # /progress forget ran in this very interaction meanwhile
            self._forgotten.pop(interaction_id, None)
            return
        if self._remembered.holds(user_id, code):  # written meanwhile, for the same member's interaction beside it
            return
        done: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()  # the locale stored then
        previous = self._writing.get(user_id)
        self._writing[user_id] = done
        written: str | None = None
        try:
            if previous is not None and await asyncio.shield(previous) == code:
                written = code  # the write it waited for stored this very locale (interactions that came together)
                return
            async with self._db.transaction(one_statement=True) as tx:
                await members.set_language(tx.conn, user_id, code, epoch(now))
                await self._remembered.wrote(tx, user_id, code)
            written = code
        finally:
            done.set_result(written)
            if self._writing.get(user_id) is done:
                del self._writing[user_id]

    async def forgetting(self, user_id: int, interaction_id: int) -> None:
        """The member is deleting their data in this interaction: its locale is not remembered again, and a write
        already under way finishes first (so the deletion that follows removes it)."""
        self._forgotten[interaction_id] = None
        while len(self._forgotten) > FORGOTTEN_KEPT:
            del self._forgotten[next(iter(self._forgotten))]
        writing = self._writing.get(user_id)
        if writing is not None:
            await asyncio.shield(writing)

    async def _load_many(self, user_ids: list[int]) -> dict[int, str]:
        async with self._db.read() as conn:
            found = await members.languages(conn, user_ids)
        return {user_id: found.get(user_id, "") for user_id in user_ids}

    async def for_member(self, user_id: int, guild_id: int | None) -> Texts:
        """For a DM to one member: the language of their last interaction, else the server's."""
        return (await self.for_members([user_id], guild_id))[user_id]

    async def for_members(self, user_ids: Sequence[int], guild_id: int | None) -> dict[int, Texts]:
        """For DMs to several members (one read): each member's language, else the server's."""
        async with self._db.read() as conn:
            found = await members.languages(conn, user_ids)
        fallback: Texts | None = None
        out: dict[int, Texts] = {}
        for user_id in user_ids:
            locale = found.get(user_id)
            if locale is not None:
                out[user_id] = self.member(locale)
                continue
            if fallback is None:
                fallback = await self.server(guild_id) if guild_id is not None else self.texts(SOURCE)
            out[user_id] = fallback
        return out
