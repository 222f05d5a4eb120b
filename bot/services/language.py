"""Which language an answer is in.

A member's private answers follow their own Discord language (the interaction's ``locale``). Public posts in a
server (shared answers, watch-party cards, reminders, airing posts, announcements) follow the server's language:
the one staff chose with ``/setup language``, else the server's Discord "preferred locale". Outside a server
(DMs) everything follows the member.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.catalog import Catalog
from bot.locale import LANGUAGES, Language, Texts, language_of, texts

from .guild_config import GuildConfigService


class LanguageService:
    def __init__(self, catalog: Catalog, guilds: GuildConfigService) -> None:
        self._guilds = guilds
        self._catalog = catalog
        # One Texts per language, each with the show pack's texts in that language (loaded at first use; the
        # process loads them all at start-up, so a missing catalogue stops it there).
        self._texts: dict[Language, Texts] = {}
        #: A server's Discord "preferred locale" by id (registered by the bot, which sees the servers); reminders
        #: and other posts made without an interaction read it through this.
        self.preferred_locale: Callable[[int], str | None] | None = None

    def texts(self, lang: Language) -> Texts:
        found = self._texts.get(lang)
        if found is None:
            found = self._texts[lang] = texts(lang).with_pack(self._catalog.translations.get(lang, {}))
        return found

    def load(self) -> None:
        """Every language's catalogue, now (raises :class:`~bot.locale.CatalogueMissing`)."""
        for lang in LANGUAGES:
            self.texts(lang)

    def member(self, locale: object) -> Texts:
        """For a private answer: the member's Discord language."""
        return self.texts(language_of(locale))

    async def server_language(self, guild_id: int, guild_locale: object = None) -> Language:
        """The language of the server's public posts: staff's choice, else its Discord preferred locale."""
        config = await self._guilds.get(guild_id)
        if config.language is not None:
            return config.language
        if guild_locale is None and self.preferred_locale is not None:
            guild_locale = self.preferred_locale(guild_id)
        return language_of(guild_locale)

    async def server(self, guild_id: int, guild_locale: object = None) -> Texts:
        return self.texts(await self.server_language(guild_id, guild_locale))

    async def public(self, guild_id: int | None, guild_locale: object, member_locale: object) -> Texts:
        """For a public post: the server's language; in a DM (no server) the member's."""
        if guild_id is None:
            return self.member(member_locale)
        return await self.server(guild_id, guild_locale)
