"""Cogs see services' own types, never the store's rows: what each service hands out is its own frozen record
(``PartyView``, ``Poll``, ``Rewatch``...) with status enums, built from rows inside the service."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import types
import typing
from collections.abc import Iterator

import msgspec

import bot.services
import bot.store
import cogs


def _modules(package: types.ModuleType) -> Iterator[types.ModuleType]:
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        yield importlib.import_module(info.name)


def _from_store(value: object) -> bool:
    return (inspect.isclass(value) or inspect.ismodule(value)) and getattr(
        value, "__module__" if inspect.isclass(value) else "__name__", ""
    ).startswith(bot.store.__name__)


def _types_in(hint: object) -> Iterator[object]:
    """Every class a type hint names (``list[tuple[PartyView, int]] | None`` -> list, tuple, PartyView, int...)."""
    yield typing.get_origin(hint) or hint
    for arg in typing.get_args(hint):
        yield from _types_in(arg)


def _service_classes() -> Iterator[type]:
    for module in _modules(bot.services):
        for value in vars(module).values():
            if inspect.isclass(value) and value.__module__ == module.__name__:
                yield value


def test_no_cog_holds_a_store_row_or_module() -> None:
    found = [
        f"{module.__name__}.{name}"
        for module in _modules(cogs)
        for name, value in vars(module).items()
        if _from_store(value)
    ]
    assert found == []


def test_services_export_no_store_type() -> None:
    exported = [
        f"{module.__name__}.{name}"
        for module in _modules(bot.services)
        for name in getattr(module, "__all__", ())
        if _from_store(getattr(module, name))
    ]
    assert exported == []


def test_service_methods_take_and_return_their_own_types() -> None:
    """Public methods of every service class, and the fields of the records they hand out, name no store type
    (a repository's ``Tx`` is the one store type a service method takes: planners run inside a unit of work)."""
    leaks = []
    for cls in _service_classes():
        members: list[tuple[str, object]] = [
            (name, member)
            for name, member in vars(cls).items()
            if not name.startswith("_") and (callable(member) or isinstance(member, (classmethod, staticmethod)))
        ]
        hints: dict[str, object] = {}
        for name, member in members:
            function = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
            for arg, hint in typing.get_type_hints(function).items():
                hints[f"{name}({arg})"] = hint
        if issubclass(cls, msgspec.Struct) or dataclasses.is_dataclass(cls):
            hints.update({f"field {k}": v for k, v in typing.get_type_hints(cls).items()})
        for where, hint in hints.items():
            named = [t for t in _types_in(hint) if _from_store(t) and t is not bot.store.Tx]
            leaks += [f"{cls.__module__}.{cls.__name__}.{where}: {t}" for t in named]
    assert leaks == []
