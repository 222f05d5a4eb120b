"""The composition root builds one set of services for one client, each with every collaborator passed to its
constructor: a second client cannot be attached to the same root, and nothing is attached by a feature later."""

from __future__ import annotations

import inspect
import typing

import msgspec
import pytest

from bot.app import App, Services
from bot.client import RunOnBot
from bot.store import Database


async def test_a_second_client_is_refused_and_the_first_keeps_its_services(catalog, clock):
    db = await Database.open(":memory:")
    try:
        app = App(catalog, db, clock)
        first = RunOnBot(app)
        services = first.services
        with pytest.raises(RuntimeError, match="already called"):
            RunOnBot(app)
        with pytest.raises(RuntimeError, match="already called"):
            app.attach_discord(first)
        assert first.services is services
    finally:
        await db.close()


def test_no_service_takes_an_optional_collaborator():
    """Every service's constructor takes what it works with, never ``X | None`` "until attached" (options and plain
    values may default)."""
    optional = []
    for field in typing.get_type_hints(Services).values():
        if not inspect.isclass(field):
            continue
        for name, hint in typing.get_type_hints(field.__init__).items():
            args = typing.get_args(hint)
            collaborators = [
                a
                for a in args
                if inspect.isclass(a) and a.__module__.startswith("bot.") and not issubclass(a, msgspec.Struct)
            ]
            if type(None) in args and collaborators:
                optional.append(f"{field.__name__}({name})")
    assert optional == []
