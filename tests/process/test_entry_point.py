"""check, invite and .env, run the way an admin runs them: from their own folder, not the checkout."""

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import discord

from bot.client import invite_url
from bot.permissions import FEATURES, required_permission_names

APP_ID = 123456789012345678
ROOT = Path(__file__).resolve().parents[2]


def test_check_passes_offline_from_any_folder_with_the_shipped_pack(workdir):
    result = workdir.run("check")
    assert result.returncode == 0, result.stderr
    assert "show pack the pack shipped with the bot" in result.stdout
    assert "16 episodes" in result.stdout
    assert "/recap episode: [public:]" in result.stdout
    assert "All checks passed." in result.stdout


def test_check_names_every_problem_in_a_broken_pack(workdir):
    pack = workdir.path / "pack"
    pack.mkdir()
    (pack / "show.toml").write_text("[show]\ntitle = 3\n", encoding="utf-8")
    result = workdir.run("check", env=dict(workdir.env, SHOW_PACK="pack"))
    assert result.returncode == 1
    assert "show.toml: show.title: must be str" in result.stderr
    assert "episodes.toml: file is missing" in result.stderr
    assert "cast.toml: file is missing" in result.stderr


def test_dotenv_is_read_from_the_working_directory(workdir):
    (workdir.path / ".env").write_text("LOG_LEVEL=LOUD\n", encoding="utf-8")
    result = workdir.run("check")
    assert result.returncode == 2
    result.assert_one_error_line("LOG_LEVEL must be one of")


def test_nothing_is_read_from_beside_the_code(workdir, tmp_path):
    """A developer's configured checkout: its .env and var/ must not leak into a run from elsewhere."""
    checkout = tmp_path / "checkout"
    for package in ("bot", "cogs"):
        shutil.copytree(ROOT / package, checkout / package, ignore=shutil.ignore_patterns("__pycache__"))
    (checkout / ".env").write_text("LOG_LEVEL=LOUD\nDATABASE_PATH=checkout.sqlite3\n", encoding="utf-8")
    (checkout / "var").mkdir()
    result = workdir.run("check", env=dict(workdir.env, PYTHONPATH=str(checkout)))
    assert result.returncode == 0, result.stderr
    assert f"database {workdir.path / 'var' / 'runon.sqlite3'}," in result.stdout
    assert list((checkout / "var").iterdir()) == []


def test_the_real_environment_wins_over_dotenv(workdir):
    (workdir.path / ".env").write_text("LOG_LEVEL=LOUD\nDATABASE_PATH=from-dotenv.sqlite3\n", encoding="utf-8")
    result = workdir.run("check", env=dict(workdir.env, LOG_LEVEL="WARNING"))
    assert result.returncode == 0, result.stderr
    assert f"database {workdir.path / 'from-dotenv.sqlite3'}" in result.stdout
    assert "log level WARNING" in result.stdout


def test_invite_asks_create_events_and_nothing_broader(workdir):
    result = workdir.run("invite", "--client-id", str(APP_ID))
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    assert url == invite_url(APP_ID)
    query = parse_qs(urlsplit(url).query)
    assert query["scope"] == ["bot applications.commands"]
    granted = discord.Permissions(int(query["permissions"][0]))
    expected = {
        "view_channel", "send_messages", "embed_links", "read_message_history", "create_public_threads",
        "send_messages_in_threads", "create_events", "connect", "send_polls",
    }  # fmt: skip
    assert required_permission_names() == expected
    assert granted == discord.Permissions(**dict.fromkeys(expected, True))  # exactly these, nothing more
    # Since 23 February 2026 Create Events is what creates (and edits the bot's own) events.
    assert not granted.manage_events
    # Server-wide Manage Messages for one optional menu would be far too broad: staff grant it per channel.
    assert not granted.manage_messages
    # Stage events would need these: not offered.
    assert not granted.manage_channels
    assert not granted.mute_members
    assert not granted.move_members
    assert not granted.administrator
    assert not granted.mention_everyone
    assert "Permissions (" in result.stderr
    # Discord's names since the 2025 renames, as the admin finds them in the client's settings.
    assert (
        "spoiler-tag this: Attach Files, Manage Messages, Read Message History, Send Messages and Create Posts, "
        "View Channel"
    ) in result.stderr
    assert (
        "discussion threads: Create Public Threads, Read Message History, Send Messages and Create Posts, "
        "Send Messages in Threads and Posts, View Channel"
    ) in result.stderr
    assert "episode polls: Create Polls," in result.stderr
    assert "Send Messages," not in result.stderr
    assert "Send Messages In Threads" not in result.stderr
    assert "[not in the invite: grant per channel]" in result.stderr
    assert "spoiler window: Manage Server [not in the invite: optional: grant Manage Server" in result.stderr


def test_invite_reads_the_application_id_from_the_token(workdir):
    env = dict(workdir.env, DISCORD_TOKEN="MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789ABCD")
    result = workdir.run("invite", env=env)
    assert result.returncode == 0, result.stderr
    assert f"client_id={APP_ID}" in result.stdout
    assert {f.name for f in FEATURES if not f.invite} == {"spoiler-tag this", "spoiler window"}
