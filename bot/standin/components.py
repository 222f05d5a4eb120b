"""Driving message components as a member does: buttons, selects and modals, on the message that carries
them (found in the state, or synthesised for a DynamicItem clicked directly). Mixed into
:class:`~bot.standin.Harness`."""

from __future__ import annotations

import copy
from typing import Any

from discord import Interaction, Permissions

from . import assertions
from . import payloads as p
from .commands import CommandData
from .payloads import Payload
from .state import InteractionRecord, find_component
from .transport import Recorder

__all__ = ["ComponentDriving", "modal_submit_components"]


def modal_submit_components(sent: Payload | None, fields: dict[str, Any]) -> list[Payload]:
    """The components of a modal submit: the modal the bot sent, filled with ``fields`` by custom id (text
    inputs get text, selects a list of values); fields the modal did not have are sent as plain text inputs."""
    remaining = dict(fields)

    def convert(comp: Payload) -> Payload | None:
        t = comp.get("type")
        if t == 1:
            return {"type": 1, "components": [c for c in map(convert, comp.get("components", [])) if c]}
        if t == 18:
            inner = convert(comp["component"])
            return {"type": 18, "id": comp.get("id", 0), "component": inner} if inner else None
        cid = comp.get("custom_id")
        if cid is None:
            return {"type": t, "id": comp.get("id", 0)}
        value = remaining.pop(cid, None)
        if t == 4:
            text = "" if value is None else str(value)
            return {"type": 4, "id": comp.get("id", 0), "custom_id": cid, "value": text}
        if value is None:
            values = []
        elif isinstance(value, list | tuple):
            values = [str(v) for v in value]
        else:
            values = [str(value)]
        return {"type": t, "id": comp.get("id", 0), "custom_id": cid, "values": values}

    components = [c for c in map(convert, (sent or {}).get("components", [])) if c]
    for cid, value in remaining.items():  # not found in the sent modal: plain text inputs
        components.append({"type": 1, "components": [{"type": 4, "custom_id": cid, "value": str(value)}]})
    return components


class ComponentDriving(CommandData):
    """Component and modal interactions (what :class:`~bot.standin.Harness` adds them to); option values of
    select menus resolve as command options do."""

    recorder: Recorder

    async def _ensure_ready(self) -> Any:
        raise NotImplementedError

    def _base_payload(
        self,
        itype: int,
        data: Payload,
        *,
        user: Payload | None,
        guild_id: int | None,
        channel_id: int | None,
        app_permissions: Permissions | int | None,
        locale: str,
        name: str | None = None,
        message: Payload | None = None,
        origin: InteractionRecord | None = None,
    ) -> tuple[Payload, InteractionRecord]:
        raise NotImplementedError

    async def _dispatch(self, payload: Payload, info: InteractionRecord) -> Interaction:
        raise NotImplementedError

    def _component_message(
        self,
        custom_id: str,
        message: Payload | None,
        ephemeral_message: bool,
        synth: Payload,
        channel_id: int | None,
    ) -> Payload:
        if message is None:
            found = self.discord.last_message_with(custom_id)
            if found is not None:
                message = copy.deepcopy(found)
            else:
                message = self.discord.create_message(
                    channel_id or self.channel_id, {"components": [{"type": 1, "components": [synth]}]}
                )
                message = copy.deepcopy(message)
        else:
            message = copy.deepcopy(message)
            message.setdefault("id", str(self.discord.next_id()))
            message.setdefault("channel_id", str(channel_id or self.channel_id))
            message.setdefault("type", 0)
            message.setdefault("content", "")
            message.setdefault("author", self.discord.user(self.discord.bot_user_id))
            message.setdefault("timestamp", p.iso())
            message.setdefault("components", [])
            message.setdefault("flags", 0)
            message.setdefault("attachments", [])
            message.setdefault("embeds", [])
            message.setdefault("mentions", [])
            if int(message["id"]) not in self.discord.messages:
                self.discord.touch(copy.deepcopy(message))
        if ephemeral_message:
            message["flags"] = int(message.get("flags") or 0) | p.EPHEMERAL
            stored = self.discord.messages.get(int(message["id"]))
            if stored is not None:
                stored["flags"] = message["flags"]
        return message

    def _channel_context(self, channel_id: int) -> int | None:
        """Guild id of a known channel, None for DM channels."""
        raw = self.discord.channels.get(channel_id)
        if raw is None:
            return self.guild_id
        if raw.get("type") in (1, 3):
            return None
        return int(raw["guild_id"]) if raw.get("guild_id") else self.guild_id

    async def _component(
        self,
        custom_id: str,
        extra: Payload,
        synth: Payload,
        *,
        message: Payload | None,
        user: Payload | None,
        channel_id: int | None,
        ephemeral_message: bool,
        locale: str = "en-US",
    ) -> Interaction:
        await self._ensure_ready()
        shown = self._component_message(custom_id, message, ephemeral_message, synth, channel_id)
        component = find_component(shown, custom_id) or synth
        cid = channel_id or int(shown["channel_id"])
        gid = self._channel_context(cid)
        data: Payload = {"custom_id": custom_id, "component_type": int(component.get("type") or synth["type"])}
        data.update(extra)
        if data["component_type"] in (5, 6, 7, 8) and "values" in data:
            resolved: Payload = {}
            for v in data["values"]:
                sf = int(v)
                if data["component_type"] == 8:
                    self._resolve_channel(sf, resolved)
                elif data["component_type"] == 6 or (
                    data["component_type"] == 7 and gid is not None and self.discord.role(gid, sf) is not None
                ):
                    self._resolve_role(sf, resolved, gid)
                else:
                    self._resolve_user(sf, None, resolved, gid)
            data["values"] = [str(v) for v in data["values"]]
            data["resolved"] = resolved
        payload, info = self._base_payload(
            3,
            data,
            user=user,
            guild_id=gid,
            channel_id=cid,
            app_permissions=None,
            locale=locale,
            message=shown,
        )
        return await self._dispatch(payload, info)

    async def click(
        self,
        custom_id: str,
        *,
        message: Payload | None = None,
        user: Payload | None = None,
        channel_id: int | None = None,
        ephemeral_message: bool = False,
        locale: str = "en-US",
    ) -> Interaction:
        """Press a button. ``message`` defaults to the latest known message carrying ``custom_id``
        (one is synthesised if none exists, so DynamicItems can be clicked directly)."""
        synth = {"type": 2, "style": 1, "label": "button", "custom_id": custom_id}
        return await self._component(
            custom_id,
            {},
            synth,
            message=message,
            user=user,
            channel_id=channel_id,
            ephemeral_message=ephemeral_message,
            locale=locale,
        )

    async def select(
        self,
        custom_id: str,
        values: list[str],
        *,
        message: Payload | None = None,
        user: Payload | None = None,
        channel_id: int | None = None,
        ephemeral_message: bool = False,
        locale: str = "en-US",
    ) -> Interaction:
        """Choose ``values`` in a select menu (string, user, role, mentionable or channel select)."""
        synth = {"type": 3, "custom_id": custom_id, "options": [{"label": str(v), "value": str(v)} for v in values]}
        return await self._component(
            custom_id,
            {"values": list(values)},
            synth,
            message=message,
            user=user,
            channel_id=channel_id,
            ephemeral_message=ephemeral_message,
            locale=locale,
        )

    async def submit_modal(
        self, custom_id: str, fields: Payload, *, user: Payload | None = None, locale: str = "en-US"
    ) -> Interaction:
        """Submit the modal ``custom_id`` (as last sent by the bot) with text-input values by custom_id."""
        await self._ensure_ready()
        sent: Payload | None = None
        origin: InteractionRecord | None = None
        if (found := assertions.sent_modal(self.recorder.calls, custom_id)) is not None:
            sent, origin = found[0], self.discord.interactions.get(found[1])
        components = modal_submit_components(sent, fields)

        message = None
        if origin is not None and origin.message_id is not None:
            message = copy.deepcopy(self.discord.messages.get(origin.message_id))
        channel_id = origin.channel_id if origin else self.channel_id
        gid = origin.guild_id if origin else self.guild_id
        if user is None and origin is not None:
            user = copy.deepcopy(self.discord.members.get(int(origin.user["id"]))) or {"user": origin.user}
        payload, info = self._base_payload(
            5,
            {"custom_id": custom_id, "components": components},
            user=user,
            guild_id=gid,
            channel_id=channel_id,
            app_permissions=None,
            locale=locale,
            message=message,
            origin=origin,
        )
        return await self._dispatch(payload, info)
