"""Which database a target names, and how to show it: a PostgreSQL URL is never shown with its secrets."""

from __future__ import annotations

from urllib.parse import quote


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://", "postgresql+asyncpg://"))


def asyncpg_url(target: str) -> str:
    """``postgresql://user:pw@host/db`` as SQLAlchemy's asyncpg driver wants it."""
    return "postgresql+asyncpg://" + target.split("://", 1)[1]


def libpq_url(target: str) -> str:
    return "postgresql://" + target.split("://", 1)[1]


def redact(target: str) -> str:
    """The database's name for messages and logs. A PostgreSQL URL is rebuilt from its user, host, port and database
    only, so nothing else it carries is ever shown: a password (``user:password@`` or ``?password=``), key files
    (``?sslkey=``), any other setting. One that cannot be read is not shown at all."""
    if not is_postgres(target):
        return target
    import sqlalchemy as sa  # its URL parser, the one that connects (only for a PostgreSQL target)

    unreadable = "postgresql://(a URL that cannot be read)"
    try:
        url = sa.engine.make_url(asyncpg_url(target))
        port = url.port
    except (sa.exc.ArgumentError, ValueError):
        return unreadable

    def first(name: str) -> str | None:
        value = url.query.get(name)
        return value if value is None or isinstance(value, str) else value[0]

    user = url.username or first("user")
    host = url.host or ""
    if "@" in host:  # an unencoded @ in the password: its tail would show as the host
        return unreadable
    if ":" in host:
        host = f"[{host}]"  # IPv6
    port_text = str(port) if port is not None else first("port")
    database = url.database or first("database") or ""
    shown = "postgresql://"
    if user:
        shown += quote(user, safe="") + "@"
    shown += quote(host, safe="[]:")
    if port_text and port_text.isdigit():
        shown += f":{port_text}"
    shown += "/" + quote(database, safe="")
    socket = None if url.host else first("host")
    if socket:  # a local socket's folder (postgresql://runon@/runon?host=/run/postgresql)
        shown += "?host=" + quote(socket, safe="/")
    return shown
