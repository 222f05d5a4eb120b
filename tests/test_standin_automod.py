"""The stand-in's AutoMod rules answer as Discord's API reference says: Manage Server, 6 keyword rules per server,
keyword and block-message lengths, 50 exempt channels, rules found by creator."""

import discord
import pytest

from bot.standin import DEFAULT_APP_PERMISSIONS, ROUTES, Call, DiscordState, Reject

GUILD = 1234


@pytest.fixture
def state():
    state = DiscordState()
    state.add_guild(GUILD)
    managing = DEFAULT_APP_PERMISSIONS.value | discord.Permissions(manage_guild=True).value
    state.set_role_permissions(GUILD, state.bot_roles[GUILD], managing)
    return state


def call(state, method, path, body=None):
    """A REST request as the adapters dispatch it: the first route of the table that takes it answers."""
    for route in ROUTES:
        if route.method == method and (found := route.pattern.fullmatch(path)):
            return route.handler(state, Call(method, path, body), found.groupdict())
    raise AssertionError(f"no route for {method} {path}")


def rule(name="spoilers", keywords=("twist",), message="no spoilers", **extra):
    return {
        "name": name, "event_type": 1, "trigger_type": 1, "trigger_metadata": {"keyword_filter": list(keywords)},
        "actions": [{"type": 1, "metadata": {"custom_message": message}}], "enabled": True, **extra,
    }  # fmt: skip


def refused(state, method, path, body=None):
    with pytest.raises(Reject) as info:
        call(state, method, path, body)
    return info.value


def test_create_list_edit_delete(state):
    base = f"/guilds/{GUILD}/auto-moderation/rules"
    created = call(state, "POST", base, rule())
    assert created["creator_id"] == str(state.bot_user_id)
    assert [r["id"] for r in call(state, "GET", base)] == [created["id"]]
    edited = call(state, "PATCH", f"{base}/{created['id']}", {"trigger_metadata": {"keyword_filter": ["other"]}})
    assert edited["trigger_metadata"]["keyword_filter"] == ["other"]
    assert edited["actions"] == created["actions"]
    call(state, "DELETE", f"{base}/{created['id']}")
    assert call(state, "GET", base) == []
    assert refused(state, "DELETE", f"{base}/{created['id']}").status == 404


def test_every_route_needs_manage_server(state):
    state.set_role_permissions(GUILD, state.bot_roles[GUILD], DEFAULT_APP_PERMISSIONS.value)
    reject = refused(state, "GET", f"/guilds/{GUILD}/auto-moderation/rules")
    assert (reject.status, reject.code) == (403, 50013)
    assert refused(state, "POST", f"/guilds/{GUILD}/auto-moderation/rules", rule()).code == 50013


def test_a_seventh_keyword_rule_is_refused_as_discord_does(state):
    base = f"/guilds/{GUILD}/auto-moderation/rules"
    for n in range(6):
        call(state, "POST", base, rule(name=f"r{n}"))
    reject = refused(state, "POST", base, rule(name="r6"))
    assert (reject.status, reject.code) == (400, 50035)
    [error] = reject.body["errors"]["trigger_type"]["_errors"]
    assert error["code"] == "AUTO_MODERATION_MAX_RULES_OF_TYPE_EXCEEDED"
    assert error["message"] == "Maximum number of rules of this type reached (6)."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (rule(keywords=["x" * 61]), "trigger_metadata"),
        (rule(keywords=[f"w{n}" for n in range(1001)]), "trigger_metadata"),
        (rule(message="m" * 151), "actions"),
        (rule(exempt_channels=[str(n) for n in range(51)]), "exempt_channels"),
        (rule(name=""), "name"),
    ],
)
def test_discords_lengths_are_enforced(state, body, field):
    reject = refused(state, "POST", f"/guilds/{GUILD}/auto-moderation/rules", body)
    assert reject.code == 50035
    assert field in reject.body["errors"]
    assert call(state, "GET", f"/guilds/{GUILD}/auto-moderation/rules") == []


def test_the_limits_at_their_edge_are_accepted(state):
    body = rule(keywords=["k" * 60] + [f"w{n}" for n in range(999)], message="m" * 150,
                exempt_channels=[str(n) for n in range(50)])  # fmt: skip
    assert call(state, "POST", f"/guilds/{GUILD}/auto-moderation/rules", body)["id"]
