"""The one error the store raises for a database that cannot be used."""


class DatabaseProblem(Exception):
    """The database cannot be used. ``str(error)`` is one line for the admin."""
