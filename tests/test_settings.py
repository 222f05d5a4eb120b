import subprocess
import sys

import pytest

from bot.settings import SettingsError, load_settings

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789ABCD"


def test_defaults_need_no_environment():
    settings = load_settings({})
    assert settings.token is None
    assert settings.database_path.name == "runon.sqlite3"
    assert settings.show_pack.name == "run_on"
    assert settings.log_level == "INFO"


def test_missing_token_is_reported_by_name_when_required():
    with pytest.raises(SettingsError, match=r"^DISCORD_TOKEN is not set.*\.env\.example"):
        load_settings({}).require_token()


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DISCORD_TOKEN": "not-a-token"}, "DISCORD_TOKEN"),
        ({"DEV_GUILD_ID": "my-server"}, "DEV_GUILD_ID"),
        ({"DEV_GUILD_ID": "12"}, "DEV_GUILD_ID"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"DISCORD_APPLICATION_ID": "abc"}, "DISCORD_APPLICATION_ID"),
    ],
)
def test_malformed_values_name_the_variable(env, variable):
    with pytest.raises(SettingsError) as info:
        load_settings(env)
    assert str(info.value).startswith(variable)
    assert "see .env.example" in str(info.value)


def test_token_never_appears_in_repr_or_errors():
    settings = load_settings({"DISCORD_TOKEN": TOKEN, "LOG_LEVEL": "debug"})
    assert TOKEN not in repr(settings)
    bad = TOKEN + " x"
    with pytest.raises(SettingsError) as info:
        load_settings({"DISCORD_TOKEN": bad})
    assert TOKEN not in str(info.value)


def _run_bot(*args, env, cwd):
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=60
    )


@pytest.fixture
def clean_env(tmp_path, monkeypatch):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DEV_GUILD", "DATABASE_", "SHOW_PACK"))}
    env["DATABASE_PATH"] = str(tmp_path / "db.sqlite3")
    return env


def test_run_without_token_stops_with_one_line_and_exit_2(clean_env, tmp_path):
    result = _run_bot("run", env=clean_env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == ["error: DISCORD_TOKEN is not set; put the bot token in .env (see .env.example)"]
    assert "Traceback" not in result.stderr


def test_malformed_token_in_environment_is_one_line_without_the_token(clean_env, tmp_path):
    clean_env["DISCORD_TOKEN"] = "secret-but-short"
    result = _run_bot("run", env=clean_env, cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "secret-but-short" not in result.stderr + result.stdout


def test_check_passes_offline_and_lists_commands(clean_env, tmp_path):
    result = _run_bot("check", env=clean_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "16 episodes" in result.stdout
    assert "/recap episode: [public:]" in result.stdout
    assert "All checks passed." in result.stdout


def test_check_names_every_problem_in_a_broken_pack(clean_env, tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "show.toml").write_text("[show]\ntitle = 3\n", encoding="utf-8")
    clean_env["SHOW_PACK"] = str(pack)
    result = _run_bot("check", env=clean_env, cwd=tmp_path)
    assert result.returncode == 1
    assert "show.toml: show.title: must be str" in result.stderr
    assert "episodes.toml: file is missing" in result.stderr
    assert "cast.toml: file is missing" in result.stderr


def test_invite_url_carries_exactly_the_declared_permissions(clean_env, tmp_path):
    from bot.client import invite_url, required_permissions
    from bot.permissions import required_permission_names

    result = _run_bot("invite", "--client-id", "123456789012345678", env=clean_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    assert url == invite_url(123456789012345678)
    assert "scope=bot+applications.commands" in url
    perms = required_permissions()
    assert f"permissions={perms.value}" in url
    import discord

    expected = 0
    for name in required_permission_names():
        assert getattr(perms, name), name
        expected |= discord.Permissions(**{name: True}).value
    assert perms.value == expected  # nothing beyond the declared set
    assert not perms.administrator
    assert not perms.mention_everyone


def test_invite_reads_application_id_from_token():
    from bot.__main__ import application_id_from_token

    assert application_id_from_token(TOKEN) == 123456789012345678
