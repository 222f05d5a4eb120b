"""Discord's AutoMod rules, as the stand-in models them: a guild's rules, created, listed, edited and deleted through
``/guilds/{guild_id}/auto-moderation/rules``, with Discord's checks.

From Discord's API reference (Auto Moderation, https://discord.com/developers/docs/resources/auto-moderation):

* every route needs **Manage Server** (``403``, code ``50013`` without it);
* a guild has at most 6 keyword rules, and one rule of each other trigger type: one more is refused as Invalid Form
  Body (``400``, ``50035``) on ``trigger_type``, ``AUTO_MODERATION_MAX_RULES_OF_TYPE_EXCEEDED``;
* a keyword rule has at most 1000 keywords of at most 60 characters each;
* a Block Message action's ``custom_message`` is at most 150 characters;
* a rule exempts at most 50 channels and 20 roles; its name is 1 to 100 characters; its trigger type cannot change;
* the rule's ``creator_id`` is whoever created it (how a bot finds its own rules again).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import discord

from .payloads import Payload

if TYPE_CHECKING:
    from .state import DiscordState

KEYWORD = 1
#: Rules per trigger type and guild: keyword 6; spam, keyword preset, mention spam and member profile 1 each.
RULES_PER_TYPE = {1: 6, 3: 1, 4: 1, 5: 1, 6: 1}
MAX_KEYWORDS, MAX_KEYWORD = 1000, 60
MAX_CUSTOM_MESSAGE = 150
MAX_EXEMPT_CHANNELS, MAX_EXEMPT_ROLES = 50, 20
UNKNOWN_RULE = 10066  # the stand-in's code for a rule id the guild does not have (404)


class AutoModRules:
    """Every guild's AutoMod rules, by id (the route handlers' model; tests add staff's own rules)."""

    def __init__(self, state: DiscordState) -> None:
        self._state = state
        self.rules: dict[int, Payload] = {}

    # -- reading ------------------------------------------------------------------------------------

    def of(self, guild_id: int) -> list[Payload]:
        """The guild's rules, oldest first (what ``GET`` answers, without the permission check)."""
        return [copy.deepcopy(r) for r in self.rules.values() if int(r["guild_id"]) == guild_id]

    def _rule(self, guild_id: int, rule_id: int) -> Payload:
        rule = self.rules.get(rule_id)
        if rule is None or int(rule["guild_id"]) != guild_id:
            from .state import Reject

            raise Reject(404, UNKNOWN_RULE, "Unknown auto moderation rule")
        return rule

    # -- the routes ---------------------------------------------------------------------------------

    def list(self, guild_id: int) -> list[Payload]:
        self._may_manage(guild_id)
        return self.of(guild_id)

    def get(self, guild_id: int, rule_id: int) -> Payload:
        self._may_manage(guild_id)
        return copy.deepcopy(self._rule(guild_id, rule_id))

    def create(self, guild_id: int, body: Payload, *, creator_id: int | None = None) -> Payload:
        if creator_id is None:
            self._may_manage(guild_id)
        trigger = int(body.get("trigger_type") or 0)
        if trigger not in RULES_PER_TYPE:
            self._invalid("trigger_type", "BASE_TYPE_CHOICES", f"Value must be one of {sorted(RULES_PER_TYPE)}.")
        rule: Payload = {
            "id": str(self._state.next_id()),
            "guild_id": str(guild_id),
            "name": body.get("name", ""),
            "creator_id": str(creator_id if creator_id is not None else self._state.bot_user_id),
            "event_type": int(body.get("event_type") or 1),
            "trigger_type": trigger,
            "trigger_metadata": copy.deepcopy(body.get("trigger_metadata") or {}),
            "actions": copy.deepcopy(body.get("actions") or []),
            "enabled": bool(body.get("enabled", False)),
            "exempt_roles": [str(r) for r in body.get("exempt_roles") or []],
            "exempt_channels": [str(c) for c in body.get("exempt_channels") or []],
        }
        self._check(rule)
        same_type = [r for r in self.rules.values() if int(r["guild_id"]) == guild_id and r["trigger_type"] == trigger]
        if len(same_type) >= RULES_PER_TYPE[trigger]:
            self._invalid(
                "trigger_type",
                "AUTO_MODERATION_MAX_RULES_OF_TYPE_EXCEEDED",
                f"Maximum number of rules of this type reached ({RULES_PER_TYPE[trigger]}).",
            )
        self.rules[int(rule["id"])] = rule
        return copy.deepcopy(rule)

    def edit(self, guild_id: int, rule_id: int, body: Payload) -> Payload:
        self._may_manage(guild_id)
        rule = copy.deepcopy(self._rule(guild_id, rule_id))
        if "trigger_type" in body and int(body["trigger_type"]) != rule["trigger_type"]:
            self._invalid("trigger_type", "BASE_TYPE_CHOICES", "A rule's trigger type cannot change.")
        for key in ("name", "event_type", "trigger_metadata", "actions", "enabled"):
            if key in body and body[key] is not None:
                rule[key] = copy.deepcopy(body[key])
        for key in ("exempt_roles", "exempt_channels"):
            if key in body and body[key] is not None:
                rule[key] = [str(x) for x in body[key]]
        self._check(rule)
        self.rules[rule_id] = rule
        return copy.deepcopy(rule)

    def delete(self, guild_id: int, rule_id: int) -> None:
        self._may_manage(guild_id)
        self._rule(guild_id, rule_id)
        del self.rules[rule_id]

    # -- Discord's checks ---------------------------------------------------------------------------

    def _may_manage(self, guild_id: int) -> None:
        from .state import Reject

        perms = discord.Permissions(self._state.permissions(guild_id, self._state.bot_user_id))
        if not perms.manage_guild:
            raise Reject(403, 50013, "Missing Permissions")

    def _check(self, rule: Payload) -> None:
        if not 1 <= len(str(rule["name"])) <= 100:
            self._invalid("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        keywords = (rule["trigger_metadata"] or {}).get("keyword_filter") or []
        if len(keywords) > MAX_KEYWORDS:
            self._invalid("trigger_metadata.keyword_filter", "BASE_TYPE_MAX_LENGTH", "Must be 1000 or fewer in length.")
        for index, keyword in enumerate(keywords):
            if not 1 <= len(str(keyword)) <= MAX_KEYWORD:
                where = f"trigger_metadata.keyword_filter.{index}"
                self._invalid(where, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 60 in length.")
        for index, action in enumerate(rule["actions"]):
            message = (action.get("metadata") or {}).get("custom_message")
            if message is not None and len(str(message)) > MAX_CUSTOM_MESSAGE:
                where = f"actions.{index}.metadata.custom_message"
                self._invalid(where, "BASE_TYPE_MAX_LENGTH", "Must be 150 or fewer in length.")
        if len(rule["exempt_channels"]) > MAX_EXEMPT_CHANNELS:
            self._invalid("exempt_channels", "BASE_TYPE_MAX_LENGTH", "Must be 50 or fewer in length.")
        if len(rule["exempt_roles"]) > MAX_EXEMPT_ROLES:
            self._invalid("exempt_roles", "BASE_TYPE_MAX_LENGTH", "Must be 20 or fewer in length.")

    @staticmethod
    def _invalid(field: str, code: str, message: str) -> Any:
        from .state import Reject

        errors: Payload = {}
        node = errors
        for part in field.split("."):
            node = node.setdefault(part, {})
        node["_errors"] = [{"code": code, "message": message}]
        raise Reject(400, 50035, "Invalid Form Body", errors=errors)
