"""``python -m bot sync``: what an admin runs to publish the slash commands, checked by what reached Discord."""

from bot.standin import FakeDiscord

GUILD = 123456789012345678
EXPECTED = [
    "Spoiler-tag this", "about", "airing", "calendar", "cast", "catchup", "discuss", "episode", "progress", "pulse",
    "recap", "rewatch", "setup", "spoiler", "timezone", "watchparty",
]  # fmt: skip


def _names(body: list[dict]) -> list[str]:
    return sorted(command["name"] for command in body)


def test_global_sync_publishes_every_command_once(workdir, fake: FakeDiscord):
    result = workdir.run("sync", env=fake.env(workdir.env))
    assert result.returncode == 0, result.stderr
    [put] = fake.find("PUT", "/applications/{app}/commands")
    assert _names(put.json) == EXPECTED
    assert not [r for r in fake.requests if r.method == "PUT" and "/guilds/" in r.path]  # nothing else synced
    assert f"Synced {len(EXPECTED)} commands globally" in result.stdout
    assert "  /recap" in result.stdout
    assert "  [message menu] Spoiler-tag this" in result.stdout
    assert "Traceback" not in result.stderr
    # what Discord stores is what the tree says: contexts on the top-level commands only
    by_name = {command["name"]: command for command in put.json}
    assert by_name["watchparty"]["contexts"] == [0]
    assert by_name["recap"]["contexts"] == [0, 1]
    assert all("contexts" not in option for option in by_name["watchparty"]["options"])


def test_global_sync_ignores_the_dev_guild_and_warns_about_its_copies(workdir, fake: FakeDiscord):
    env = fake.env(workdir.env)
    env["DEV_GUILD_ID"] = str(GUILD)
    first = workdir.run("sync", "--guild", str(GUILD), env=env)
    assert first.returncode == 0, first.stderr
    [put] = fake.find("PUT", f"/applications/{{app}}/guilds/{GUILD}/commands")
    assert _names(put.json) == EXPECTED
    assert f"Synced {len(EXPECTED)} commands to guild {GUILD}" in first.stdout

    second = workdir.run("sync", env=env)
    assert second.returncode == 0, second.stderr
    # setup_hook did not sync the development guild a second time: one guild PUT in all
    assert len(fake.find("PUT", f"/applications/{{app}}/guilds/{GUILD}/commands")) == 1
    assert len(fake.find("PUT", "/applications/{app}/commands")) == 1
    assert f"guild {GUILD} (DEV_GUILD_ID) still has its own copies" in second.stdout
    assert f"python -m bot sync --clear-guild {GUILD}" in second.stdout


def test_guild_sync_warns_when_global_commands_exist_too(workdir, fake: FakeDiscord):
    env = fake.env(workdir.env)
    assert workdir.run("sync", env=env).returncode == 0
    result = workdir.run("sync", "--guild", str(GUILD), env=env)
    assert result.returncode == 0, result.stderr
    assert f"members of guild {GUILD} see each one twice" in result.stdout


def test_clear_guild_removes_the_guild_copies_only(workdir, fake: FakeDiscord):
    env = fake.env(workdir.env)
    assert workdir.run("sync", env=env).returncode == 0
    assert workdir.run("sync", "--guild", str(GUILD), env=env).returncode == 0
    result = workdir.run("sync", "--clear-guild", str(GUILD), env=env)
    assert result.returncode == 0, result.stderr
    last = fake.find("PUT", f"/applications/{{app}}/guilds/{GUILD}/commands")[-1]
    assert last.json == []
    assert fake.commands[GUILD] == []
    assert _names(fake.commands[None]) == EXPECTED  # the global commands stay
    assert f"Removed the server-only command copies from guild {GUILD}" in result.stdout


def test_sync_never_touches_the_database(workdir, fake: FakeDiscord):
    assert workdir.run("sync", env=fake.env(workdir.env)).returncode == 0
    assert not (workdir.path / "var").exists()


def test_sync_with_a_refused_token_is_one_line(workdir, fake: FakeDiscord):
    env = fake.env(workdir.env, token="MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789ABCD")
    result = workdir.run("sync", env=env)
    assert result.returncode == 2
    result.assert_one_error_line("DISCORD_TOKEN was refused by Discord")
    assert not [r for r in fake.requests if r.method == "PUT"]


def test_sync_options_are_exclusive(workdir):
    result = workdir.run("sync", "--guild", str(GUILD), "--clear-guild", str(GUILD))
    assert result.returncode == 2
    assert "not allowed with argument" in result.stderr
