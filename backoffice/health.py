"""`/healthz`: whether this app server can serve, for a load balancer or a monitor.

No sign-in (access.PUBLIC_ENDPOINTS) and nothing secret in the answer: each check's
name and whether it passed. 200 when every required check (`CHECKS`) passes, 503
otherwise; a reported check (`REPORTED`: the job queue's worker) that fails makes the
answer "degraded", still 200. A check is a name and a function returning whether it
passed.
"""

from collections.abc import Callable
from functools import cache

import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, jsonify
from werkzeug.wrappers import Response

from backoffice import MIGRATIONS
from backoffice.extensions import db

bp = Blueprint("health", __name__)


def database_reachable() -> bool:
    """Return whether the database answers a query."""
    return db.session.execute(sa.text("SELECT 1")).scalar() == 1


@cache
def _newest_migrations() -> frozenset[str]:
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory(MIGRATIONS).get_heads())


def migrations_at_head() -> bool:
    """Return whether the database's schema is at the newest migration."""
    from alembic.runtime.migration import MigrationContext

    context = MigrationContext.configure(db.session.connection())
    return frozenset(context.get_current_heads()) == _newest_migrations()


def queue_alive() -> bool:
    """Return whether a worker runs the queue's jobs (with SQLite, the app itself does)."""
    from backoffice.jobs import queue_alive as alive  # the queue's engine, when asked

    return alive()


CHECKS: list[tuple[str, Callable[[], bool]]] = [
    ("database", database_reachable),
    ("migrations", migrations_at_head),
]
# Reported, not required: with no worker, jobs wait but every page still serves, so a load
# balancer must not take the server out; the answer says "degraded" for the monitor.
REPORTED: list[tuple[str, Callable[[], bool]]] = [("queue", queue_alive)]


def _passes(check: Callable[[], bool]) -> bool:
    try:
        return bool(check())
    except Exception as error:  # a failing check is an answer, not an error page
        # One line: a monitor asks every few seconds while the database is down.
        current_app.logger.warning("Health check %s failed: %s", check.__name__, error)
        return False
    finally:
        db.session.rollback()


@bp.get("/healthz")
def healthz() -> Response:
    results: dict[str, bool] = {}
    for name, check in CHECKS:
        # After a failure the rest would only wait on the same database again.
        results[name] = all(results.values()) and _passes(check)
    healthy = all(results.values())
    for name, check in REPORTED:
        results[name] = healthy and _passes(check)
    status = "ok" if all(results.values()) else "degraded" if healthy else "unavailable"
    response = jsonify(status=status, checks=results)
    response.status_code = 200 if healthy else 503
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
