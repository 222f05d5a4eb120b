"""Slash-command and context-menu interaction data, built from the bot's own command tree the way Discord's
client builds it: options by name, values checked against the declared types, choices and ranges, resolved
users, members, roles, channels and attachments, and the rules under which Discord would not send the
interaction at all (:class:`CommandUnavailable`)."""

from __future__ import annotations

import copy
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from .payloads import DEFAULT_MEMBER_PERMISSIONS, Payload
from .state import DiscordState

__all__ = ["CommandData", "CommandUnavailable"]

#: The command a path names, the chain of groups down to it, and the guild it is registered for (None: global).
Found = tuple[app_commands.Command[Any, ..., Any], list[Any], int | None]


class CommandUnavailable(Exception):
    """Discord would never send this interaction (unknown command, default_permissions the member
    lacks, context not allowed, NSFW command outside an NSFW channel, missing required option or
    a value outside the declared choices/range)."""


class CommandData:
    """Builds the ``data`` of command and autocomplete interactions (mixed into :class:`~bot.standin.Harness`)."""

    bot: commands.Bot
    discord: DiscordState
    guild_id: int
    channel_id: int
    enforce_discord_rules: bool
    _command_ids: dict[tuple[str, int | None], int]

    def add_channel(self, channel_id: int, *, guild_id: int | None = None) -> Any:
        raise NotImplementedError

    def add_role(self, role_id: int, *, guild_id: int | None = None) -> Any:
        raise NotImplementedError

    def _find_command(self, path: str, guild_id: int | None) -> Found:
        parts = path.split()
        if not parts:
            raise ValueError("empty command path")
        tree = self.bot.tree
        root = None
        scoped_guild: int | None = None
        if guild_id is not None:
            root = tree.get_command(parts[0], guild=discord.Object(guild_id))
            scoped_guild = guild_id if root is not None else None
        if root is None:
            root = tree.get_command(parts[0])
        if root is None:
            raise CommandUnavailable(f"no slash command {parts[0]!r} is registered for guild {guild_id}")
        chain: list[Any] = [root]
        node: Any = root
        for part in parts[1:]:
            if not isinstance(node, app_commands.Group):
                raise CommandUnavailable(f"{node.qualified_name!r} has no subcommand {part!r}")
            child = node.get_command(part)
            if child is None:
                raise CommandUnavailable(f"{node.qualified_name!r} has no subcommand {part!r}")
            chain.append(child)
            node = child
        if isinstance(node, app_commands.Group):
            raise CommandUnavailable(f"{path!r} is a group; name a subcommand")
        return node, chain, scoped_guild

    def _check_available(
        self, root: Any, guild_id: int | None, scoped_guild: int | None, member: Payload, channel_id: int | None
    ) -> None:
        if not self.enforce_discord_rules:
            return
        spec = root.to_dict(self.bot.tree)
        if guild_id is None:
            if scoped_guild is not None:
                raise CommandUnavailable(f"/{root.name} is a guild command")
            contexts = spec.get("contexts")
            if spec.get("dm_permission") is False or (contexts is not None and 1 not in contexts):
                raise CommandUnavailable(f"/{root.name} cannot be used in DMs")
            return
        contexts = spec.get("contexts")
        if scoped_guild is None and contexts is not None and 0 not in contexts:
            raise CommandUnavailable(f"/{root.name} cannot be used in guilds")
        required = spec.get("default_member_permissions")
        if required is not None:
            have = int(member.get("permissions", 0))
            if not have & discord.Permissions.administrator.flag and (int(required) & ~have):
                raise CommandUnavailable(
                    f"/{root.name} requires default_member_permissions={required}; member has {have}"
                )
        if spec.get("nsfw"):
            channel = self.discord.channels.get(channel_id or self.channel_id) or {}
            if not channel.get("nsfw"):
                raise CommandUnavailable(f"/{root.name} is NSFW and the channel is not")

    def _option_value(self, param: app_commands.Parameter, value: Any, resolved: Payload, guild_id: int | None) -> Any:
        t = param.type
        if isinstance(value, app_commands.Choice):
            value = value.value
        if t is discord.AppCommandOptionType.string:
            return str(value)
        if t is discord.AppCommandOptionType.integer:
            return int(value)
        if t is discord.AppCommandOptionType.boolean:
            return bool(value)
        if t is discord.AppCommandOptionType.number:
            return float(value)
        if t is discord.AppCommandOptionType.attachment:
            return self._resolve_attachment(value, resolved)
        snowflake = self._snowflake(value)
        if t is discord.AppCommandOptionType.user:
            self._resolve_user(snowflake, value, resolved, guild_id)
        elif t is discord.AppCommandOptionType.channel:
            self._resolve_channel(snowflake, resolved)
        elif t is discord.AppCommandOptionType.role:
            self._resolve_role(snowflake, resolved, guild_id)
        elif t is discord.AppCommandOptionType.mentionable:
            if guild_id is not None and self.discord.role(guild_id, snowflake) is not None:
                self._resolve_role(snowflake, resolved, guild_id)
            else:
                self._resolve_user(snowflake, value, resolved, guild_id)
        return str(snowflake)

    @staticmethod
    def _snowflake(value: Any) -> int:
        if isinstance(value, dict):
            return int(value["user"]["id"] if "user" in value else value["id"])
        if hasattr(value, "id"):
            return int(value.id)
        return int(value)

    def _resolve_user(self, user_id: int, value: Any, resolved: Payload, guild_id: int | None) -> None:
        spec = value if isinstance(value, dict) and "user" in value else self.discord.members.get(user_id)
        user = copy.deepcopy(spec["user"]) if spec else self.discord.user(user_id)
        resolved.setdefault("users", {})[str(user_id)] = user
        if spec is not None and guild_id is not None:
            member = {k: copy.deepcopy(v) for k, v in spec.items() if k != "user"}
            resolved.setdefault("members", {})[str(user_id)] = member

    def _resolve_channel(self, channel_id: int, resolved: Payload) -> None:
        if channel_id not in self.discord.channels:
            self.add_channel(channel_id)
        raw = self.discord.channels[channel_id]
        data: Payload = {
            k: raw[k]
            for k in (
                "id",
                "type",
                "name",
                "parent_id",
                "guild_id",
                "nsfw",
                "topic",
                "rate_limit_per_user",
                "last_message_id",
                "flags",
                "position",
                "thread_metadata",
            )
            if k in raw
        }
        data["permissions"] = str(DEFAULT_MEMBER_PERMISSIONS.value)
        resolved.setdefault("channels", {})[str(channel_id)] = data

    def _resolve_role(self, role_id: int, resolved: Payload, guild_id: int | None) -> None:
        gid = guild_id or self.guild_id
        data = self.discord.role(gid, role_id)
        if data is None:
            self.add_role(role_id, guild_id=gid)
            data = self.discord.role(gid, role_id)
        resolved.setdefault("roles", {})[str(role_id)] = copy.deepcopy(data)

    def _resolve_attachment(self, value: Any, resolved: Payload) -> str:
        if isinstance(value, dict):
            data = dict(value)
        else:
            filename = getattr(value, "filename", None) or str(value)
            data = {"filename": filename, "size": 0}
        att_id = int(data.get("id") or self.discord.next_id())
        url = f"https://cdn.discordapp.com/ephemeral-attachments/{self.channel_id}/{att_id}/{data['filename']}"
        data.setdefault("url", url)
        data.setdefault("proxy_url", url)
        data.setdefault("size", 0)
        data["id"] = str(att_id)
        data["ephemeral"] = True
        resolved.setdefault("attachments", {})[str(att_id)] = data
        return str(att_id)

    def _build_command_data(
        self,
        command: str,
        options: Payload,
        *,
        guild_id: int | None,
        member: Payload,
        channel_id: int | None,
        focused: tuple[str, str] | None = None,
    ) -> tuple[Payload, app_commands.Command[Any, ..., Any]]:
        leaf, chain, scoped_guild = self._find_command(command, guild_id)
        self._check_available(chain[0], guild_id, scoped_guild, member, channel_id)
        params = leaf.parameters
        by_name: dict[str, app_commands.Parameter] = {}
        for param in params:
            by_name[param.display_name] = param
            by_name.setdefault(param.name, param)

        given: Payload = {}
        for key, value in options.items():
            if key not in by_name and key.endswith("_") and key[:-1] in by_name:
                key = key[:-1]  # `user_=` addresses an option called "user"
            if key not in by_name:
                raise TypeError(f"/{leaf.qualified_name} has no option {key!r} (has {sorted(by_name)})")
            given[by_name[key].display_name] = value
        if focused is not None:
            focused_name = by_name[focused[0]].display_name if focused[0] in by_name else None
            if focused_name is None:
                raise TypeError(f"/{leaf.qualified_name} has no option {focused[0]!r}")
            given[focused_name] = focused[1]
        else:
            focused_name = None

        resolved: Payload = {}
        opts: list[Payload] = []
        for param in params:
            name = param.display_name
            if name not in given:
                if param.required and focused is None and self.enforce_discord_rules:
                    raise CommandUnavailable(f"/{leaf.qualified_name}: required option {name!r} missing")
                continue
            value = given[name]
            if value is None:
                continue
            if name == focused_name:
                opts.append({"type": param.type.value, "name": name, "value": str(value), "focused": True})
                continue
            wire = self._option_value(param, value, resolved, guild_id)
            self._check_value(leaf, param, wire)
            opts.append({"type": param.type.value, "name": name, "value": wire})

        node_options: list[Payload] = opts
        for cmd in reversed(chain[1:]):
            kind = 2 if isinstance(cmd, app_commands.Group) else 1
            node_options = [{"type": kind, "name": cmd.name, "options": node_options}]
        root = chain[0]
        cmd_id = self._command_ids.setdefault((root.name, scoped_guild), self.discord.next_id())
        data: Payload = {"id": str(cmd_id), "name": root.name, "type": 1, "options": node_options}
        if resolved:
            data["resolved"] = resolved
        if scoped_guild is not None:
            data["guild_id"] = str(scoped_guild)
        return data, leaf

    def _check_value(self, leaf: Any, param: app_commands.Parameter, wire: Any) -> None:
        if not self.enforce_discord_rules:
            return
        if param.choices and wire not in [c.value for c in param.choices]:
            raise CommandUnavailable(f"/{leaf.qualified_name}: {wire!r} is not a choice of {param.display_name!r}")
        t = param.type
        if t in (discord.AppCommandOptionType.integer, discord.AppCommandOptionType.number):
            measure = wire
        elif t is discord.AppCommandOptionType.string:
            measure = len(wire)
        else:
            return
        if param.min_value is not None and measure < param.min_value:
            raise CommandUnavailable(f"/{leaf.qualified_name}: {param.display_name}={wire!r} below minimum")
        if param.max_value is not None and measure > param.max_value:
            raise CommandUnavailable(f"/{leaf.qualified_name}: {param.display_name}={wire!r} above maximum")
