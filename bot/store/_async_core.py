"""SQLAlchemy's asyncio extension without its ORM half.

``import sqlalchemy.ext.asyncio`` runs the package's ``__init__``, which also imports the asyncio *session*, and with
it all of ``sqlalchemy.orm`` (about 6 MiB of memory and 60 ms of every start, measured with ``bench.light`` and
``python -X importtime``). The bot on PostgreSQL uses only the Core half (``AsyncEngine``, ``AsyncConnection``,
results), whose modules import nothing of the ORM. Imported by :meth:`bot.store.Database.open` before the PostgreSQL
implementation (a bot on SQLite loads no SQLAlchemy at all), this registers the package with the Core names only;
the first use of any other name (``AsyncSession``, in a test or a tool) runs the package's own ``__init__`` then, so
every name stays importable.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from typing import Any

PACKAGE = "sqlalchemy.ext.asyncio"


def install() -> None:
    if PACKAGE in sys.modules:  # imported already (a tool, a test): nothing to save
        return
    import sqlalchemy.ext

    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:  # pragma: no cover
        return
    package = types.ModuleType(PACKAGE)
    package.__spec__ = spec
    package.__file__ = spec.origin
    package.__path__ = list(spec.submodule_search_locations)
    package.__package__ = PACKAGE
    loader = spec.loader
    ready = False  # while the Core modules load, a missing name is a submodule the import system loads itself

    def __getattr__(name: str) -> Any:  # PEP 562: a name the Core half does not have
        if not ready or name.startswith("__"):
            raise AttributeError(name)
        loader.exec_module(package)  # the real __init__: every name, the session and the ORM included
        return package.__dict__[name]

    package.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules[PACKAGE] = package
    sqlalchemy.ext.asyncio = package
    try:
        from sqlalchemy.ext.asyncio import engine, result
        from sqlalchemy.util import concurrency
    except BaseException:
        del sys.modules[PACKAGE]
        raise
    for module in (engine, result):
        for name in getattr(module, "__all__", None) or dir(module):
            if name.startswith(("Async", "async_", "create_async")):
                setattr(package, name, getattr(module, name))
    concurrency._concurrency_shim._initialize()  # what the package's __init__ does last
    ready = True


install()
