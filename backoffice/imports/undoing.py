"""Undo a whole import from its row images: every row as it was before, or nothing.

Undo refuses when a row the import wrote has changed since (a later edit or
import would be lost) or when rows added since point at rows it would delete; it says
which fields, by whom and when. A row's version and update time move on with any write,
an undo's too, so they are not compared: a row put back as the import left it undoes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice import spans
from backoffice.audit import Recorded, acting_as, actor_name, record_bulk
from backoffice.formatting import local_time
from backoffice.imports.images import decode_row, encode, encode_row
from backoffice.labels import FIELD_LABELS, TABLE_LABELS
from backoffice.models import (
    AuditAction,
    AuditEntry,
    Base,
    ChangeAction,
    ImportChange,
    ImportRun,
    ImportStatus,
)
from backoffice.models.base import utcnow
from backoffice.models.security import SecurityEventKind
from backoffice.security import log
from backoffice.writing import rules
from backoffice.writing.bulk import BATCH, READ_BATCH, chunks, named
from backoffice.writing.exclusive import keep_writers_out

_SHOWN_CONFLICTS = 10
# Columns that move on with every write, an undo's included: no edit of anyone's.
_COUNTERS = frozenset({"version", "updated_at"})


class UndoRefused(Exception):
    """The import cannot be undone; the message says why, in Chinese."""


@dataclass
class _Row:
    """One row the import touched, from its images in order."""

    table: str
    key: dict[str, Any]  # primary key column -> value
    order: tuple[int, int]  # its first image: the batch's id, its place in the batch
    created: bool = False
    before: dict[str, Any] | None = None  # first image's whole row (JSON data)
    expected: dict[str, Any] = field(default_factory=dict)  # columns as the import left them
    deleted: bool = False  # absent when the import ended


@dataclass(frozen=True)
class UndoResult:
    run_id: int
    restored: int
    deleted: int
    reinserted: int


def undo_import(db_session: orm.Session, run_id: int, actor: str) -> UndoResult:
    """Put back every row the import changed, in the caller's transaction."""
    keep_writers_out(db_session)
    run = db_session.get(ImportRun, run_id)
    if run is None:
        raise UndoRefused(f"没有编号为{run_id}的导入记录")
    if run.status == ImportStatus.UNDONE:
        raise UndoRefused(f"导入 #{run_id} 已于{local_time(run.undone_at)}撤销")
    tables = Base.metadata.tables
    rows = _rows(db_session, run_id, tables)
    connection = db_session.connection()
    current = _current(connection, tables, rows)
    _refuse_conflicts(connection, tables, rows, current, run)
    audit: list[Recorded] = []
    recount = spans.Recount(db_session)
    recount.before(_counted_opinions(tables, rows, current))
    restored = _restore(connection, tables, rows, current, audit)
    deleted = _delete_created(connection, tables, rows, current, audit)
    reinserted = _reinsert(connection, tables, rows, audit)
    _raise_wholes(connection, tables, rows)
    recount.apply()
    with acting_as(actor, "import"):
        record_bulk(db_session, named(db_session, audit))
    runs = ImportRun.__table__
    connection.execute(sa.update(runs).where(runs.c.id == run_id).values(
        status=ImportStatus.UNDONE.value, undone_at=utcnow(), undone_by=actor))
    log.record(db_session, SecurityEventKind.IMPORT_UNDONE, username=actor,
               object=f"导入 #{run_id}",
               detail=f"恢复 {restored} 行，删除 {deleted} 行，重新加入 {reinserted} 行")
    db_session.expire_all()
    return UndoResult(run_id, restored, deleted, reinserted)


def _rows(db_session: orm.Session, run_id: int, tables: dict[str, sa.Table]) -> list[_Row]:
    """Return every row the run touched, each from its images in the order written."""
    images = ImportChange.__table__
    query = (sa.select(images.c.id, images.c.table_name, images.c.action, images.c.row_keys,
                       images.c.before, images.c.after)
             .where(images.c.run_id == run_id).order_by(images.c.id))
    rows: dict[tuple[str, Any], _Row] = {}
    for image_id, table, action, keys, befores, afters in db_session.execute(query):
        for index, key in enumerate(keys):
            flat = (table, tuple(key) if isinstance(key, list) else key)
            before = befores[index] if befores else None
            after = afters[index] if afters else None
            row = rows.get(flat)
            if row is None:
                row = rows[flat] = _Row(table, _key(tables[table], key), (image_id, index),
                                        created=action == ChangeAction.CREATE, before=before)
            if action == ChangeAction.DELETE:
                row.deleted = True
            else:
                row.deleted = False
                row.expected.update(after or {})
    return list(rows.values())


def _raise_wholes(connection: sa.Connection, tables: dict[str, sa.Table],
                  rows: list[_Row]) -> None:
    """Raise the version of each whole (an opinion, a unit) whose parts the undo changes,
    as every write does (backoffice.writing)."""
    parents = rules.version_parents()
    wholes: dict[str, set[Any]] = defaultdict(set)
    for row in rows:
        if row.table in parents:
            _name, whole, column = parents[row.table]
            key = (row.before or {}).get(column, row.expected.get(column))
            if key is not None:
                wholes[whole].add(key)
    for name, keys in wholes.items():
        table = tables[name]
        for batch in chunks(sorted(keys), BATCH):
            connection.execute(sa.update(table).where(table.c.id.in_(batch))
                               .values(version=table.c.version + 1))


def _key(table: sa.Table, key: Any) -> dict[str, Any]:
    """Turn an image's key (a value, or values for a composite key) into column -> value."""
    columns = [column.name for column in table.primary_key.columns]
    return dict(zip(columns, key if isinstance(key, list) else [key], strict=True))


def _flat(table: sa.Table, values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(encode(values[column.name]) for column in table.primary_key.columns)


def _current(connection: sa.Connection, tables: dict[str, sa.Table],
             rows: Iterable[_Row]) -> dict[tuple[str, tuple], dict[str, Any]]:
    """Return the rows as they are now, by (table, key), a few hundred per query."""
    by_table: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        by_table[row.table].append(row)
    current: dict[tuple[str, tuple], dict[str, Any]] = {}
    for name, table_rows in by_table.items():
        table = tables[name]
        columns = list(table.primary_key.columns)
        for batch in chunks(table_rows, READ_BATCH):
            keys = [tuple(decode_row(table, row.key)[c.name] for c in columns) for row in batch]
            condition = (columns[0].in_([key[0] for key in keys]) if len(columns) == 1 else
                         sa.tuple_(*columns).in_(keys))
            for found in connection.execute(sa.select(table).where(condition)):
                data = dict(found._mapping)
                current[name, _flat(table, data)] = data
    return current


def _counted_opinions(tables: dict[str, sa.Table], rows: list[_Row], current: dict) -> set[int]:
    """Return the ids of the opinions whose counted facts the undo changes: of the rows as
    they are now and as they are put back."""
    ids = set()
    for row in rows:
        column = spans.COUNTED_TABLES.get(row.table)
        if column is not None:
            now = current.get(_key_of(tables, row))
            back = decode_row(tables[row.table], row.before) if row.before else None
            ids.update(values[column] for values in (now, back) if values)
    return ids


def _key_of(tables: dict[str, sa.Table], row: _Row) -> tuple[str, tuple]:
    table = tables[row.table]
    return row.table, tuple(row.key[column.name] for column in table.primary_key.columns)


def _refuse_conflicts(connection: sa.Connection, tables: dict[str, sa.Table], rows: list[_Row],
                      current: dict, run: ImportRun) -> None:
    conflicts = []
    edited: list[tuple[_Row, dict[str, Any], list[str]]] = []
    for row in rows:
        now = current.get(_key_of(tables, row))
        if row.deleted:
            if now is not None:
                conflicts.append(f"{_label(row.table, now)}：导入时删除后又被重新添加")
            continue
        if now is None:
            conflicts.append(f"{_label(row.table, row.expected)}：导入后已被删除")
            continue
        encoded = encode_row(now)
        left = {**(row.before or {}), **row.expected}  # the whole row as the import left it
        changed = [name for name, value in left.items()
                   if name not in _COUNTERS and encoded.get(name) != value]
        if changed:
            edited.append((row, now, changed))
    edits = _last_edits(connection, [(row.table, _record_id(row)) for row, _, _ in edited], run)
    for row, now, changed in edited:
        fields = "、".join(dict.fromkeys(_field(name) for name in changed))
        last = edits.get((row.table, _record_id(row)))
        by = f"；{actor_name(last[0])}于{local_time(last[1])}" if last else ""
        conflicts.append(f"{_label(row.table, now)}：导入后已被修改（{fields}{by}）")
    conflicts += _changed_since(connection, tables, rows, run)
    conflicts += _added_back(connection, tables, rows, current)
    conflicts += _references(connection, tables, rows)
    if conflicts:
        shown = "；".join(conflicts[:_SHOWN_CONFLICTS])
        more = f"等{len(conflicts)}处" if len(conflicts) > _SHOWN_CONFLICTS else ""
        raise UndoRefused(f"无法撤销：导入之后数据又有变动——{shown}{more}。"
                          "请先撤销之后的导入，或恢复这些修改后再撤销。")


def _field(name: str) -> str:
    """Name a column in Chinese (a key by the record it names)."""
    return FIELD_LABELS.get(name) or FIELD_LABELS.get(name.removesuffix("_id"), "其他内容")


def _record_id(row: _Row) -> str:
    """Return the row's key as the audit log writes it."""
    return ",".join(str(value) for value in row.key.values())


def _last_edits(connection: sa.Connection, records: list[tuple[str, str]],
                run: ImportRun) -> dict[tuple[str, str], tuple[str, Any]]:
    """Return who last changed each of the records (table, record id) since the import,
    and when, by the audit log: (table, record id) -> (actor, time)."""
    if run.audit_through is None:
        return {}
    entries = AuditEntry.__table__.c
    found: dict[tuple[str, str], tuple[str, Any]] = {}
    for batch in chunks(records, READ_BATCH):
        query = (sa.select(entries.table_name, entries.record_id, entries.actor, entries.at)
                 .where(entries.id > run.audit_through,
                        entries.table_name.in_({table for table, _ in batch}),
                        entries.record_id.in_({record for _, record in batch}))
                 .order_by(entries.id))
        found.update(((table, record_id), (actor, at))
                     for table, record_id, actor, at in connection.execute(query))
    return found


def _changed_since(connection: sa.Connection, tables: dict[str, sa.Table], rows: list[_Row],
                   run: ImportRun) -> list[str]:
    """Say which rows the import created have been changed since, by the audit log."""
    created = {(row.table, _record_id(row)): row
               for row in rows if row.created and not row.deleted}
    if not created or run.audit_through is None:
        return []
    entries = AuditEntry.__table__.c
    query = (sa.select(entries.table_name, entries.record_id, entries.actor)
             .where(entries.id > run.audit_through,
                    entries.table_name.in_({table for table, _id in created})))
    found = []
    for table, record_id, actor in connection.execute(query):
        row = created.get((table, record_id))
        if row is not None:
            label = TABLE_LABELS.get(table, table)
            found.append(f"{label} #{record_id}：导入后已被修改（{actor}）")
            created.pop((table, record_id))
    return found


def _added_back(connection: sa.Connection, tables: dict[str, sa.Table], rows: list[_Row],
                current: dict) -> list[str]:
    """Say which rows the import deleted have been added back since as new rows (a
    co-handler given back to its opinion): the undo would put them back beside those.
    One query per table and unique key, a batch of rows at a time."""
    # (table, unique key) -> the deleted rows' values of that key -> the row as it was
    wanted: dict[tuple[str, sa.UniqueConstraint], dict[tuple, dict[str, Any]]] = \
        defaultdict(dict)
    for row in rows:
        if not row.deleted or row.created or not row.before or \
                _key_of(tables, row) in current:
            continue
        table = tables[row.table]
        before = decode_row(table, row.before)
        for unique in table.constraints:
            if isinstance(unique, sa.UniqueConstraint):
                values = tuple(before[column.name] for column in unique.columns)
                if None not in values:
                    wanted[row.table, unique][values] = before
    found: dict[int, str] = {}  # each row said once, whichever of its keys is taken
    for (name, unique), befores in wanted.items():
        columns = list(unique.columns)
        for batch in chunks(list(befores), READ_BATCH):
            for taken in connection.execute(sa.select(*columns)
                                            .where(sa.tuple_(*columns).in_(batch))):
                before = befores[tuple(taken)]
                found.setdefault(id(before), f"{_label(name, before)}：导入时删除后又被重新添加")
    return list(found.values())


def _references(connection: sa.Connection, tables: dict[str, sa.Table],
                rows: list[_Row]) -> list[str]:
    """Say which rows added since point at rows the undo would delete."""
    created: dict[str, set[tuple]] = defaultdict(set)
    for row in rows:
        if row.created and not row.deleted:
            created[row.table].add(_key_of(tables, row)[1])
    found = []
    for name, keys in created.items():
        target = tables[name]
        if [c.name for c in target.primary_key.columns] != ["id"]:
            continue
        ids = [decode_row(target, {"id": key[0]})["id"] for key in keys]
        for referring in tables.values():
            for foreign in referring.foreign_keys:
                if foreign.column.table is not target or referring.name.startswith("import_") \
                        or referring.info.get("derived"):  # moved by the undo itself
                    continue
                mine = created.get(referring.name, set())
                for batch in chunks(ids, READ_BATCH):
                    query = sa.select(referring).where(foreign.parent.in_(batch))
                    for other in connection.execute(query):
                        data = dict(other._mapping)
                        if _flat(referring, data) not in mine:
                            found.append(f"{_label(referring.name, data)}：在导入之后添加，"
                                         f"引用了本次导入新增的数据")
    return found


def _restore(connection: sa.Connection, tables: dict[str, sa.Table], rows: list[_Row],
             current: dict, audit: list[Recorded]) -> int:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row.created or row.deleted or row.before is None:
            continue
        table = tables[row.table]
        before = decode_row(table, row.before)
        now = current[_key_of(tables, row)]
        if "version" in before:
            # Putting old values back is a change too: the version goes on up, so that a
            # form opened before the undo cannot save over it.
            before["version"] = now["version"] + 1
        groups[row.table].append(before)
        changes = {name: [now[name], value] for name, value in before.items()
                   if now[name] != value}
        audit.append(_recorded(AuditAction.UPDATE, row.table, before, changes))
    for name, befores in groups.items():
        table = tables[name]
        keys = [c.name for c in table.primary_key.columns]
        others = [c.name for c in table.columns if c.name not in keys]
        statement = (sa.update(table)
                     .where(*(table.c[k] == sa.bindparam(f"k_{k}") for k in keys))
                     .values({c: sa.bindparam(f"v_{c}") for c in others}))
        for batch in chunks(befores, BATCH):
            connection.execute(statement, [{**{f"k_{k}": b[k] for k in keys},
                                            **{f"v_{c}": b[c] for c in others}} for b in batch])
    return sum(len(befores) for befores in groups.values())


def _delete_created(connection: sa.Connection, tables: dict[str, sa.Table], rows: list[_Row],
                    current: dict, audit: list[Recorded]) -> int:
    """Delete the rows the import created, newest first, so children go before parents."""
    doomed = sorted((row for row in rows if row.created and not row.deleted),
                    key=lambda row: row.order, reverse=True)
    count = 0
    start = 0
    while start < len(doomed):
        name = doomed[start].table
        end = start
        while end < len(doomed) and doomed[end].table == name:
            end += 1
        table = tables[name]
        keys = [c.name for c in table.primary_key.columns]
        statement = sa.delete(table).where(*(table.c[k] == sa.bindparam(f"k_{k}") for k in keys))
        run = doomed[start:end]
        for batch in chunks(run, BATCH):
            connection.execute(statement, [
                {f"k_{k}": v for k, v in decode_row(table, row.key).items()} for row in batch])
        for row in run:
            now = current[_key_of(tables, row)]
            if not name.startswith("opinion_cosigners"):
                audit.append(_recorded(AuditAction.DELETE, name, now,
                                       {k: [v, None] for k, v in now.items()}))
        count += len(run)
        start = end
    return count


def _reinsert(connection: sa.Connection, tables: dict[str, sa.Table], rows: list[_Row],
              audit: list[Recorded]) -> int:
    """Put back the rows the import deleted, as they were."""
    back = sorted((row for row in rows if row.deleted and not row.created and row.before),
                  key=lambda row: row.order)
    for row in back:
        table = tables[row.table]
        before = decode_row(table, row.before)
        connection.execute(sa.insert(table), [before])
        if row.table != "opinion_cosigners":
            audit.append(_recorded(AuditAction.CREATE, row.table, before,
                                   {k: [None, v] for k, v in before.items()}))
    return len(back)


def _recorded(action: AuditAction, table: str, row: dict[str, Any],
              changes: dict[str, list[Any]]) -> Recorded:
    keys = [c.name for c in Base.metadata.tables[table].primary_key.columns]
    opinion_id = row.get("id") if table == "opinions" else row.get("opinion_id")
    return Recorded(action, table, ",".join(str(row[k]) for k in keys), _label(table, row),
                    changes, opinion_id)


def _label(table: str, row: dict[str, Any]) -> str:
    """Name a row for messages and the audit log."""
    if table == "opinions" and "number" in row:
        return f"第{row['number']}号 {row.get('title', '')}".strip()
    for column in ("name", "alias", "person"):
        if row.get(column):
            return str(row[column])
    if "opinion_id" in row:
        return f"{TABLE_LABELS.get(table, table)}（意见 #{row['opinion_id']}）"
    return f"{TABLE_LABELS.get(table, table)} #{row.get('id', '')}"


