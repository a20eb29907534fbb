"""How the app waits on its database: connect and statement timeouts, per backend.

A database that does not answer must not hold a web worker until gunicorn kills it:
connecting gives up after `DATABASE_CONNECT_TIMEOUT` seconds, and in the web app a
PostgreSQL statement is cancelled after `DATABASE_STATEMENT_TIMEOUT` seconds (below
gunicorn's worker timeout), and one waiting for another transaction's lock (an import
holds the tables it writes until it commits) gives up after `DATABASE_LOCK_TIMEOUT`
seconds, so that a save during a long import frees its worker soon and keeps its form to
post again. SQLite has no statement timeout; a statement waits at most
`DATABASE_BUSY_TIMEOUT` seconds for another connection's lock. Commands (imports,
exports, the job worker) run without a statement timeout: their long statements are
their work. Either way the failure is an `OperationalError`, answered with the 503 page.
"""

from typing import Any

import sqlalchemy as sa

# The errors PEP 249 calls operational: the database went away, refused, timed out or
# is locked; not the program's fault, and gone when the database is back.
UNAVAILABLE = (sa.exc.OperationalError, sa.exc.TimeoutError)


def engine_options(config: dict[str, Any], *, statement_timeout: bool) -> dict[str, Any]:
    """Return the engine options with the configured timeouts added to its connect_args.

    What `SQLALCHEMY_ENGINE_OPTIONS` sets itself in connect_args wins.
    """
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    url = sa.make_url(config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "postgresql":
        ours = _postgresql_args(config, statement_timeout)
    elif url.get_backend_name() == "sqlite":
        ours = {"timeout": float(config["DATABASE_BUSY_TIMEOUT"])}
    else:
        ours = {}
    options["connect_args"] = {**ours, **options.get("connect_args", {})}
    return options


def _postgresql_args(config: dict[str, Any], statement_timeout: bool) -> dict[str, Any]:
    # libpq counts whole seconds (and at least 2); the statement timeout is in milliseconds.
    args: dict[str, Any] = {"connect_timeout": max(2, round(config["DATABASE_CONNECT_TIMEOUT"]))}
    if statement_timeout:
        settings = {name: config.get(key) for name, key in (
            ("statement_timeout", "DATABASE_STATEMENT_TIMEOUT"),
            ("lock_timeout", "DATABASE_LOCK_TIMEOUT"))}
        options = [f"-c {name}={round(seconds * 1000)}"
                   for name, seconds in settings.items() if seconds]
        if options:
            args["options"] = " ".join(options)
    return args


def busy(error: Exception) -> bool:
    """Tell whether the database refused because another transaction held a lock too long
    (PostgreSQL's lock timeout, SQLite's busy database), rather than being unreachable."""
    original = getattr(error, "orig", None)
    return (getattr(original, "sqlstate", None) == "55P03"
            or "database is locked" in str(original or ""))
