"""Rules of the bot, Discord-free: spoilers, cast search, airing, progress, parties, rewatches, reminders.

Each module is imported on its own (``from bot.services import spoilers``): this package imports nothing, so a
pure rule (spoilers, cast search, time parsing) loads only what it uses. The container the cogs are given,
:class:`bot.app.Services`, is built at the composition root (:mod:`bot.app`).
"""
