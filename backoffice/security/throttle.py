"""Failed sign-ins, counted per account name and per client address, and the locks they set.

An account name is counted whether it exists or not, so that a lock says nothing about
who has an account. A success clears its account's count, never its address's: one good
account must not buy an address more guesses at the others.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql, sqlite

from backoffice.models.base import utcnow
from backoffice.models.security import SecurityEventKind, SignInThrottle, ThrottleScope
from backoffice.security import log


@dataclass(frozen=True)
class Limit:
    failures: int  # this many failures within the window lock
    window: timedelta
    lock: timedelta


def limit(scope: ThrottleScope) -> Limit:
    """Return the configured limit of scope."""
    config = current_app.config
    prefix = "LOGIN_ACCOUNT" if scope is ThrottleScope.ACCOUNT else "LOGIN_ADDRESS"
    return Limit(
        failures=int(config[f"{prefix}_MAX_FAILURES"]),
        window=timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"]),
        lock=timedelta(minutes=config["LOGIN_LOCK_MINUTES"]),
    )


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo:
        return moment
    return moment.replace(tzinfo=utcnow().tzinfo)


def _row(db_session: orm.Session, scope: ThrottleScope, key: str) -> SignInThrottle | None:
    # Read afresh: `fail` counts in place, behind the ORM's back.
    return db_session.scalar(sa.select(SignInThrottle).where(*_where(scope, key))
                             .with_for_update().execution_options(populate_existing=True))


def locked_until(db_session: orm.Session, scope: ThrottleScope, key: str) -> datetime | None:
    """Return until when key is locked, or None."""
    row = _row(db_session, scope, key)
    until = _aware(row.locked_until) if row is not None else None
    return until if until is not None and until > utcnow() else None


def _where(scope: ThrottleScope, key: str) -> tuple[sa.ColumnElement[bool], ...]:
    return SignInThrottle.scope == scope.value, SignInThrottle.key == key[:128]


def _insert(db_session: orm.Session) -> sa.Insert:
    dialect = db_session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(SignInThrottle)


def fail(db_session: orm.Session, scope: ThrottleScope, key: str) -> datetime | None:
    """Count a failure of key; return until when it is locked if this failure locks it.

    Counted by the database in place (never read, add one, write back), so that failures
    sent together to several workers are each counted, the first ones of a key included.
    """
    rule, now = limit(scope), utcnow()
    db_session.execute(
        _insert(db_session)
        .values(scope=scope.value, key=key[:128], failures=0, window_started_at=now)
        .on_conflict_do_nothing(index_elements=["scope", "key"]))
    # A window that has passed starts again with this failure.
    restart = SignInThrottle.window_started_at < now - rule.window
    db_session.execute(
        sa.update(SignInThrottle).where(*_where(scope, key))
        .values(failures=sa.case((restart, 1), else_=SignInThrottle.failures + 1),
                window_started_at=sa.case((restart, now),
                                          else_=SignInThrottle.window_started_at))
        .execution_options(synchronize_session=False))
    # The row is this transaction's to write until it ends: the count read is its own.
    failures = db_session.scalar(sa.select(SignInThrottle.failures).where(*_where(scope, key)))
    if failures < rule.failures:
        return None
    until = now + rule.lock
    db_session.execute(
        sa.update(SignInThrottle).where(*_where(scope, key))
        .values(failures=0, window_started_at=now, locked_until=until)
        .execution_options(synchronize_session=False))
    return until


def clear(db_session: orm.Session, scope: ThrottleScope, key: str) -> bool:
    """Forget key's failures and lock; return whether it was locked."""
    row = _row(db_session, scope, key)
    if row is None:
        return False
    was_locked = _aware(row.locked_until) is not None and _aware(row.locked_until) > utcnow()
    row.failures, row.locked_until = 0, None
    return was_locked


def unlock(db_session: orm.Session, scope: ThrottleScope, key: str) -> bool:
    """Lift key's lock before its time (an administrator's act, logged); return whether
    it was locked."""
    if not clear(db_session, scope, key):
        return False
    log.record(db_session, SecurityEventKind.UNLOCKED, object=f"{scope.value} {key}")
    return True
