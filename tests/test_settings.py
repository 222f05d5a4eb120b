from pathlib import Path

import pytest

from bot.settings import DEFAULT_DATABASE, VARIABLES, SettingsError, load_settings

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789ABCD"
HOME = Path("/srv/runon")


def test_defaults_need_no_environment_and_do_not_depend_on_the_install():
    settings = load_settings({}, cwd=HOME)
    assert settings.token is None
    assert settings.database_path == HOME / "var" / "runon.sqlite3" == HOME / DEFAULT_DATABASE
    assert settings.show_pack is None  # the pack shipped inside the package
    assert settings.api_base is None
    assert settings.log_level == "INFO"


def test_relative_paths_are_read_against_the_working_directory():
    settings = load_settings({"DATABASE_PATH": "state/bot.sqlite3", "SHOW_PACK": "packs/run_on"}, cwd=HOME)
    assert settings.database_path == HOME / "state" / "bot.sqlite3"
    assert settings.show_pack == HOME / "packs" / "run_on"
    absolute = load_settings({"DATABASE_PATH": "/var/lib/runon-bot/runon.sqlite3"}, cwd=HOME)
    assert absolute.database_path == Path("/var/lib/runon-bot/runon.sqlite3")


def test_the_working_directory_is_the_default_base(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_settings({}).database_path == tmp_path / "var" / "runon.sqlite3"


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
        ({"DISCORD_API_BASE": "discord.com/api/v10"}, "DISCORD_API_BASE"),
        ({"DISCORD_API_BASE": "ftp://proxy/api/v10"}, "DISCORD_API_BASE"),
        ({"DISCORD_API_BASE": "http://proxy:8080"}, "DISCORD_API_BASE"),
        ({"DISCORD_API_BASE": "http://proxy:8080/api/v9"}, "DISCORD_API_BASE"),
        ({"DISCORD_API_BASE": "http://user:pw@proxy/api/v10"}, "DISCORD_API_BASE"),
        ({"DISCORD_API_BASE": "http://proxy/api/v10?x=1"}, "DISCORD_API_BASE"),
    ],
)
def test_malformed_values_name_the_variable(env, variable):
    with pytest.raises(SettingsError) as info:
        load_settings(env)
    assert str(info.value).startswith(variable)
    assert "see .env.example" in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("http://nirn-proxy:8080/api/v10", "http://nirn-proxy:8080/api/v10"),
        ("https://proxy.example/discord/api/v10/", "https://proxy.example/discord/api/v10"),
        ("  http://127.0.0.1:5000/api/v10  ", "http://127.0.0.1:5000/api/v10"),
    ],
)
def test_api_base_for_a_rate_limit_proxy(raw, expected):
    assert load_settings({"DISCORD_API_BASE": raw}).api_base == expected


def test_token_never_appears_in_repr_or_errors():
    settings = load_settings({"DISCORD_TOKEN": TOKEN, "LOG_LEVEL": "debug"})
    assert TOKEN not in repr(settings)
    bad = TOKEN + " x"
    with pytest.raises(SettingsError) as info:
        load_settings({"DISCORD_TOKEN": bad})
    assert TOKEN not in str(info.value)


def test_every_variable_is_documented_in_env_example():
    example = (Path(__file__).resolve().parent.parent / ".env.example").read_text(encoding="utf-8")
    for name in VARIABLES:
        assert f"\n{name}=" in example, name


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SHARD_COUNT": "4"}, (4, (0, 1, 2, 3))),
        ({"SHARD_COUNT": "8", "SHARD_IDS": "0-2,7"}, (8, (0, 1, 2, 7))),
        ({"SHARD_COUNT": "6", "CLUSTER_COUNT": "3", "CLUSTER_INDEX": "1"}, (6, (1, 4))),
        ({}, (None, None)),
    ],
)
def test_shards_of_this_process(env, expected):
    settings = load_settings(env)
    assert (settings.shard_count, settings.shard_ids) == expected


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"SHARD_IDS": "0"}, "SHARD_COUNT"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "2"}, "SHARD_IDS"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "x"}, "SHARD_IDS"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "0", "CLUSTER_COUNT": "2", "CLUSTER_INDEX": "0"}, "SHARD_IDS"),
        ({"SHARD_COUNT": "4", "CLUSTER_COUNT": "2"}, "CLUSTER_INDEX"),
        ({"SHARD_COUNT": "4", "CLUSTER_COUNT": "2", "CLUSTER_INDEX": "2"}, "CLUSTER_INDEX"),
        ({"SHARD_COUNT": "2", "CLUSTER_COUNT": "3", "CLUSTER_INDEX": "0"}, "CLUSTER_COUNT"),
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT"),
        ({"DATABASE_URL": "mysql://u:p@h/db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://host-only"}, "DATABASE_URL"),
        ({"DISCORD_RATE_LIMIT": "0"}, "DISCORD_RATE_LIMIT"),
        ({"DISCORD_RATE_LIMIT": "fast"}, "DISCORD_RATE_LIMIT"),
    ],
)
def test_bad_scaling_settings_name_the_variable(env, variable):
    with pytest.raises(SettingsError) as raised:
        load_settings(env)
    assert raised.value.variable == variable


def test_database_url_is_used_instead_of_the_file_and_never_shown_with_its_password():
    settings = load_settings({"DATABASE_URL": "postgresql://runon:s3cret@db:5432/runon"})
    assert settings.database == "postgresql://runon:s3cret@db:5432/runon"
    assert "s3cret" not in repr(settings)
    from bot.store.database import redact

    assert redact(settings.database) == "postgresql://runon@db:5432/runon"


#: Every form a PostgreSQL URL can carry a secret in, and what ``check`` and the start-up log show of it: the user,
#: host, port and database, nothing else.
SHOWN_URLS = [
    ("postgresql://runon:s3cret@db:5432/runon", "postgresql://runon@db:5432/runon"),
    ("postgresql://runon@db/runon?password=s3cret", "postgresql://runon@db/runon"),
    ("postgresql://db/runon?user=runon&password=s3cret&port=6432", "postgresql://runon@db:6432/runon"),
    (
        "postgresql://runon@db/runon?sslmode=verify-full&sslkey=/home/s3cret/client.key&sslcert=/home/s3cret/c.crt"
        "&sslpassword=s3cret",
        "postgresql://runon@db/runon",
    ),
    ("postgresql://runon:s3cret@/runon?host=/var/run/postgresql", "postgresql://runon@/runon?host=/var/run/postgresql"),
    ("postgresql+asyncpg://runon:s3cret@db:5432/runon", "postgresql://runon@db:5432/runon"),
    ("postgres://runon:s3cret@db/runon", "postgresql://runon@db/runon"),
    ("postgresql://runon:s3cret@[2001:db8::1]:5432/runon", "postgresql://runon@[2001:db8::1]:5432/runon"),
    ("postgresql://runon:p%40s3cret%2F@db/runon", "postgresql://runon@db/runon"),
    ("postgresql://runon:pa/s3cret@db/runon", "postgresql://runon@db/runon"),  # what the driver reads, too
    ("postgresql://runon:p@s3cret@db/runon", "postgresql://(a URL that cannot be read)"),  # unencoded @
    ("postgresql://runon:s3cret@db:port/runon", "postgresql://(a URL that cannot be read)"),
]


@pytest.mark.parametrize(("url", "shown"), SHOWN_URLS)
def test_a_database_url_is_shown_without_anything_but_user_host_port_and_database(url, shown):
    from bot.store.database import redact

    assert redact(url) == shown
    assert "s3cret" not in shown


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://runon:s3cret@/runon?host=/var/run/postgresql",  # a local socket
        "postgresql+asyncpg://runon:s3cret@db:5432/runon",  # SQLAlchemy's spelling
        "postgresql://runon@db/runon?password=s3cret",
        "postgresql://runon:s3cret@db/runon?ssl=require",
    ],
)
def test_every_form_the_driver_reads_is_accepted(url):
    assert load_settings({"DATABASE_URL": url}).database_url == url


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mysql://runon:s3cret@db/runon", "must be a PostgreSQL URL"),
        ("postgresql://runon:s3cret@db:port/runon", "cannot be read"),
        ("postgresql://runon:p@s3cret@db/runon", "write an @ in the user name or password as %40"),
        ("postgresql://runon:s3cret@/runon", "names no host"),
        ("postgresql://runon:s3cret@db", "names no database"),
        ("postgresql://runon:s3cret@db:70000/runon", "port outside"),
        # libpq's spellings, which the driver would reject at connect time with a bare TypeError
        ("postgresql://runon:s3cret@db/runon?sslmode=require", "?sslmode=, which the PostgreSQL driver"),
        ("postgresql://runon@db/runon?sslkey=/home/s3cret/k.pem", "for TLS write ?ssl=require"),
    ],
)
def test_a_bad_database_url_is_refused_without_quoting_it(url, problem):
    with pytest.raises(SettingsError) as raised:
        load_settings({"DATABASE_URL": url})
    assert raised.value.variable == "DATABASE_URL"
    assert problem in str(raised.value)
    assert "s3cret" not in str(raised.value)
