"""A bare discord.py bot, the yardstick of ``bench.light``: what discord.py itself costs per interaction.

    DISCORD_TOKEN=... DISCORD_API_BASE=http://127.0.0.1:PORT/api/v10 python -m bench.bare_bot

Four slash commands and a button, nothing else: ``/ping`` answers a line of text; ``/card`` answers an embed with
one button (the shape of most of the bot's answers); the button updates the card and sends a private line (the
shape of an RSVP click); ``/echo text:`` offers its input back as the one autocomplete suggestion; ``/party``
answers with the card in public and makes a scheduled event beside it (the Discord requests of
``/watchparty create``, nothing else). Same intents,
same mention policy and the same way to find the stand-in's gateway as ``python -m bot run``; no database, no
languages, no caches. It runs until SIGTERM.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import os
import signal

import discord
import yarl
from discord import app_commands


class Card(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Going", style=discord.ButtonStyle.success, custom_id="bare:card:going")
    async def going(self, interaction: discord.Interaction, button: discord.ui.Button[Card]) -> None:
        await interaction.response.edit_message(embed=card_embed(going=1), view=self)
        await interaction.followup.send("You're going.", ephemeral=True)


def card_embed(going: int = 0) -> discord.Embed:
    embed = discord.Embed(title="Episode 1", description="A card with one field and one button.", colour=0x3B82F6)
    embed.add_field(name="Going", value=str(going))
    return embed


class BareBot(discord.Client):
    def __init__(self) -> None:
        super().__init__(
            intents=discord.Intents(guilds=True, guild_polls=True), allowed_mentions=discord.AllowedMentions.none()
        )
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(name="ping", description="Answer with a line of text")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Pong.", ephemeral=True)

        @self.tree.command(name="card", description="Answer with an embed and a button")
        async def card(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(embed=card_embed(), view=Card(), ephemeral=True)

        @self.tree.command(name="party", description="Answer with a card and make a scheduled event beside it")
        async def party(interaction: discord.Interaction) -> None:
            # The Discord requests of the bot's /watchparty create, made the same way and nothing else: the card as
            # the public answer and, alongside it, an external scheduled event in the server.
            assert interaction.guild is not None
            starts = discord.utils.utcnow() + datetime.timedelta(days=30)
            view = Card()
            view.stop()  # answered through the persistent view (setup_hook), as the bot's cards are: not kept per call
            await asyncio.gather(
                interaction.response.send_message(embed=card_embed(), view=view),
                interaction.guild.create_scheduled_event(
                    name="Watch party",
                    start_time=starts,
                    end_time=starts + datetime.timedelta(hours=2),
                    entity_type=discord.EntityType.external,
                    location="#general",
                    description="Watching together.",
                    privacy_level=discord.PrivacyLevel.guild_only,
                ),
            )

        @self.tree.command(name="echo", description="Echo the text back")
        async def echo(interaction: discord.Interaction, text: str) -> None:
            await interaction.response.send_message(text, ephemeral=True)

        @echo.autocomplete("text")
        async def echo_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=current or "-", value=current or "-")]

    async def setup_hook(self) -> None:
        self.add_view(Card())


async def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    base = os.environ.get("DISCORD_API_BASE")
    if base:
        discord.http.Route.BASE = base
    bot = BareBot()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await bot.login(os.environ["DISCORD_TOKEN"])
    if base:
        _, url, _ = await bot.http.get_bot_gateway()
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
    serving = asyncio.create_task(bot.connect())
    await asyncio.wait({serving, asyncio.create_task(stop.wait())}, return_when=asyncio.FIRST_COMPLETED)
    await bot.close()


if __name__ == "__main__":
    asyncio.run(main())
