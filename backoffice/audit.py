"""Record every create, update and delete, whoever makes it (screens, imports, CLI).

The one write path (backoffice.writing) calls `collect` before each ORM flush and
`write` after it, and `record_bulk` for what it writes with Core statements.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import has_request_context
from flask_login import current_user
from sqlalchemy import orm

from backoffice.models import AuditAction, AuditEntry, Base
from backoffice.models.base import lock_counters, utcnow

# Columns that change on every save and would only add noise to the trail.
_NOISE = frozenset({"updated_at", "created_at"})
# And the optimistic-lock counter of a Versioned record.
_COUNTER = frozenset({"version"})
_NOISE_AND_COUNTER = _NOISE | _COUNTER


@dataclass(frozen=True)
class Actor:
    name: str
    source: str  # web, cli, import


_actor: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)


@contextmanager
def acting_as(name: str, source: str) -> Iterator[None]:
    """Attribute the changes made inside the block to name (for CLI commands and imports)."""
    token = _actor.set(Actor(name, source))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> Actor:
    actor = _actor.get()
    if actor is not None:
        return actor
    if has_request_context() and current_user.is_authenticated:
        return Actor(current_user.username, "web")
    return Actor(SYSTEM, "cli")


SYSTEM = "system"  # the actor of changes no signed-in user or named command made


def actor_name(actor: str) -> str:
    """Return how screens name an actor: its user name, or 系统."""
    return "系统" if actor == SYSTEM else actor


def _plain(value: Any) -> Any:
    """Return a JSON-safe form of a column value."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Base):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _references(mapper: orm.Mapper) -> dict[str, str]:
    """Map each foreign-key column to the many-to-one relationship that reads it."""
    return {
        column.key: relationship.key
        for relationship in mapper.relationships
        if relationship.direction is orm.MANYTOONE
        for column in relationship.local_columns
    }


def _skipped(obj: Base) -> frozenset[str]:
    """Return the columns left out of obj's trail: noise, its lock counter and what its
    model omits (`__audit_omit__`)."""
    return _left_out(obj.__tablename__) | getattr(type(obj), "__audit_omit__", frozenset())


def _left_out(table_name: str) -> frozenset[str]:
    return _NOISE_AND_COUNTER if table_name in lock_counters() else _NOISE


def _values(obj: Base) -> dict[str, Any]:
    """Return the record's values; a reference by its label when loaded, else its id."""
    state = sa.inspect(obj)
    references = _references(state.mapper)
    skipped = _skipped(obj)
    values = {}
    for attr in state.mapper.column_attrs:
        if attr.key in skipped:
            continue
        relationship = references.get(attr.key)
        if relationship and state.dict.get(relationship) is not None:
            values[relationship] = _plain(state.dict[relationship])
        else:
            values[attr.key] = _plain(getattr(obj, attr.key))
    return values


def _snapshot(obj: Base) -> dict[str, list[Any]]:
    return {key: [None, value] for key, value in _values(obj).items()}


def _deleted_snapshot(obj: Base) -> dict[str, list[Any]]:
    return {key: [value, None] for key, value in _values(obj).items()}


def _change(history: orm.attributes.History) -> tuple[Any, Any]:
    return (
        history.deleted[0] if history.deleted else None,
        history.added[0] if history.added else None,
    )


def _diff(obj: Base) -> dict[str, list[Any]]:
    state = sa.inspect(obj)
    references = _references(state.mapper)
    skipped = _skipped(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.attrs:
        if attr.key in skipped:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        if isinstance(attr, orm.ColumnProperty):
            # A foreign key set directly; when set through its relationship, that records it.
            key = references.get(attr.key, attr.key)
            if key in changes:
                continue
            old, new = _change(history)
        elif attr.direction is orm.MANYTOONE:
            key, (old, new) = attr.key, _change(history)
        elif attr.secondary is not None:
            key = attr.key
            old = [*history.unchanged, *history.deleted]
            new = [*history.unchanged, *history.added]
        else:
            continue
        if _plain(old) != _plain(new):
            changes[key] = [_plain(old), _plain(new)]
    return changes


def _opinion_id(obj: Base) -> int | None:
    if obj.__tablename__ == "opinions":
        return obj.id
    return getattr(obj, "opinion_id", None)


def _entry(obj: Base, action: AuditAction, changes: dict, actor: Actor) -> dict[str, Any]:
    # Read from the columns: a new row gets its identity only after this flush.
    identity = sa.inspect(obj).mapper.primary_key_from_instance(obj)
    return {
        "actor": actor.name,
        "source": actor.source,
        "action": action.value,
        "table_name": obj.__tablename__,
        "record_id": ",".join(str(part) for part in identity),
        "record_label": str(obj)[:300],
        "opinion_id": _opinion_id(obj),
        "changes": changes,
    }


def _audited(obj: object) -> bool:
    # Security bookkeeping (sessions, locks, second factors, the security log itself) is
    # not business data: the security log records what happens to it.
    return (isinstance(obj, Base) and not isinstance(obj, AuditEntry)
            and getattr(type(obj), "__audited__", True))


def collect(db_session: orm.Session) -> None:
    """Note the session's pending changes; diffs and deleted values must be read before
    the flush clears them."""
    pending = db_session.info.setdefault("audit_pending", [])
    for obj in db_session.dirty:
        if _audited(obj) and db_session.is_modified(obj, include_collections=True):
            changes = _diff(obj)
            if changes:
                pending.append((obj, AuditAction.UPDATE, changes))
    for obj in db_session.deleted:
        if _audited(obj):
            pending.append((obj, AuditAction.DELETE, _deleted_snapshot(obj)))
    for obj in db_session.new:
        if _audited(obj):
            pending.append((obj, AuditAction.CREATE, None))


def write(db_session: orm.Session) -> None:
    """Write the noted changes' entries, after the flush gave new rows their ids."""
    pending = db_session.info.pop("audit_pending", [])
    if not pending:
        return
    actor = current_actor()
    rows = [
        # A new record has its id only now, after the flush.
        _entry(obj, action, changes if changes is not None else _snapshot(obj), actor)
        for obj, action, changes in pending
    ]
    db_session.connection().execute(sa.insert(AuditEntry), rows)


@dataclass(frozen=True)
class Recorded:
    """A change made without the ORM (a bulk import), to be written to the audit log."""

    action: AuditAction
    table_name: str
    record_id: str
    record_label: str
    changes: dict[str, list[Any]]  # column -> [old, new]
    opinion_id: int | None = None


def record_bulk(db_session: orm.Session, changes: Iterable[Recorded], batch: int = 2000,
                insert: Callable[[sa.Table, list[dict[str, Any]]], None] | None = None) -> int:
    """Write audit entries for changes made with Core statements; return how many.

    The flush listener sees only ORM changes; bulk writers call this instead, inside the
    same transaction, so that their changes are attributed and logged like any other.
    `insert` writes a batch of entries the writer's own way (`bulk.Writer`'s COPY on
    PostgreSQL), in place of an INSERT statement.
    """
    actor = current_actor()
    at = utcnow()
    connection = db_session.connection()
    if insert is None:
        def insert(table: sa.Table, rows: list[dict[str, Any]]) -> None:
            connection.execute(sa.insert(table), rows)
    table = AuditEntry.__table__
    written = 0
    rows: list[dict[str, Any]] = []
    as_is, quick = _AS_IS, _quick_plain
    for change in changes:
        # Most values are plain already; the class test inline spares a call for each.
        left_out = _left_out(change.table_name)
        plain = {key: [old if old.__class__ in as_is else quick(old),
                       new if new.__class__ in as_is else quick(new)]
                 for key, (old, new) in change.changes.items() if key not in left_out}
        rows.append({
            "at": at,
            "actor": actor.name,
            "source": actor.source,
            "action": change.action.value,
            "table_name": change.table_name,
            "record_id": change.record_id,
            "record_label": change.record_label[:300],
            "opinion_id": change.opinion_id,
            "changes": plain,
        })
        if len(rows) >= batch:
            insert(table, rows)
            written += len(rows)
            rows = []
    if rows:
        insert(table, rows)
        written += len(rows)
    return written


_AS_IS = frozenset({str, int, bool, float, type(None)})


def _quick_plain(value: Any) -> Any:
    # _plain for bulk writes, which are hot: dates and lists of names first.
    kind = value.__class__
    if kind is date:
        return value.isoformat()
    if kind is list and all(item.__class__ is str for item in value):
        return value
    return _plain(value)


def forget(db_session: orm.Session) -> None:
    """Drop the noted changes of a rolled-back flush."""
    db_session.info.pop("audit_pending", None)
