"""``invite``: the invite URL with exactly the permissions the bot needs, and what each feature needs."""

from __future__ import annotations

import argparse
import base64
import binascii
import sys

from bot.client import invite_url, required_permissions
from bot.permissions import FEATURES, humanize, required_permission_names
from bot.settings import Settings, SettingsError

from .common import EXIT_OK


def application_id_from_token(token: str) -> int | None:
    """A bot token's first part is the bot user's id in base64; for bots that is the application id."""
    head = token.split(".", 1)[0]
    try:
        decoded = base64.b64decode(head + "=" * (-len(head) % 4), validate=False).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return int(decoded) if decoded.isdigit() else None


def _invite(settings: Settings, client_id: int | None) -> int:
    app_id = client_id or settings.application_id or (settings.token and application_id_from_token(settings.token))
    if not app_id:
        raise SettingsError("DISCORD_APPLICATION_ID", "is needed for the invite URL (or pass --client-id)")
    perms = required_permissions()
    print(invite_url(app_id))
    names = ", ".join(sorted(humanize(name) for name in required_permission_names()))
    print(f"Permissions ({perms.value}): {names}", file=sys.stderr)
    for feature in FEATURES:
        needed = ", ".join(sorted(humanize(name) for name in feature.permissions))
        asked = "" if feature.invite else f" [not in the invite: {feature.grant}]"
        print(f"  {feature.name}: {needed}{asked}", file=sys.stderr)
    return EXIT_OK


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--client-id", type=int, help="the application id (default: DISCORD_APPLICATION_ID or the token)"
    )


def invite(settings: Settings, args: argparse.Namespace) -> int:
    return _invite(settings, args.client_id)
