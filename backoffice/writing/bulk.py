"""The bulk entry of the one write path: inserts, updates and deletes with Core
statements, many rows at a time inside the caller's transaction (the ORM would cost a
Python object and a flush per row), keeping the same rules as the ORM entry.

Each row written gets an audit entry (through `audit.record_bulk`) and, within an import
(a run), an `ImportChange` (its image before and the values written, so that the import
can be undone). An opinion's due dates follow its inputs, a new lead unit leaves a
reassignment, versioned rows go up a version and so do the wholes of changed parts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice import spans
from backoffice.audit import Recorded, current_actor, record_bulk
from backoffice.imports.images import encode_row
from backoffice.models import (
    AuditAction,
    AuditEntry,
    Base,
    ChangeAction,
    ImportChange,
    ImportRun,
)
from backoffice.models.base import utcnow
from backoffice.writing import rules
from backoffice.writing.exclusive import keep_writers_out

BATCH = 1000
READ_BATCH = 500
_IMAGES = ImportChange.__table__


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@dataclass(frozen=True, slots=True)
class Described:
    """How a row is named in the audit log: its label and the opinion it belongs to."""

    label: str
    opinion_id: int | None = None


class Writer:
    """Write rows of any table in bulk, imaging and auditing each one."""

    def __init__(self, db_session: orm.Session, run_id: int | None) -> None:
        self.connection = db_session.connection()
        self.db_session = db_session
        self.run_id = run_id
        self.now = utcnow()
        # Rows that were here before and have their first image (the before-image) written;
        # a row created here needs none: undo deletes it.
        self._imaged: set[tuple[str, Any]] = set()
        # (table, action, key, before, after) of each row written, in order, until flushed
        self._images: list[tuple[str, str, Any, Any, Any]] = []
        self._audit: list[Recorded] = []
        self._next_id: dict[str, int] = {}
        self._statements: dict[tuple[str, tuple[str, ...]], tuple] = {}
        self.due_dates = rules.DueDateBook(db_session)
        self.recount = spans.Recount(db_session)
        self.tables = Base.metadata.tables
        # Rows whose version this writer raised, and wholes whose parts it changed.
        self._raised: set[tuple[str, Any]] = set()
        self._wholes: dict[str, set[Any]] = defaultdict(set)
        # The names of the records the audit entries refer to (model -> id -> name).
        self._names: dict[type, dict[Any, str]] = {}

    # -- inserts ----------------------------------------------------------------------------
    def insert(self, table: sa.Table, rows: Sequence[dict[str, Any]],
               described: Sequence[Described] | None, audit: bool = True,
               also: Sequence[dict[str, list[Any]]] | None = None) -> list[Any]:
        """Insert rows; return their ids (None for a table keyed otherwise).

        `also` adds changes to each row's audit entry that are not its columns (the
        co-handlers and co-signers of a new opinion, whose own rows are not logged apart).
        """
        rows = self._completed(table, rows)
        self._note_wholes(table, rows)
        keyed_by_id = _has_id(table)
        ids: list[Any] = []
        extra = also or [None] * len(rows)
        key_names = [column.name for column in table.primary_key.columns]
        described = described if audit else [None] * len(rows)  # not logged: not named
        create = ChangeAction.CREATE.value
        for batch, about, more in zip(chunks(rows, BATCH), chunks(described, BATCH),
                                      chunks(extra, BATCH), strict=True):
            if keyed_by_id:
                new_ids = self._reserve(table, len(batch))
                batch = [{"id": new_id, **row} for new_id, row in zip(new_ids, batch,
                                                                        strict=True)]
            else:
                new_ids = [None] * len(batch)
            self.recount.rows(table.name, batch, created=True)
            self._insert_many(table, batch)
            for row, description, added in zip(batch, about, more, strict=True):
                if keyed_by_id:
                    key, flat = {"id": row["id"]}, row["id"]
                else:
                    flat = tuple(row[name] for name in key_names)
                    key = dict(zip(key_names, flat, strict=True))
                if self.run_id is not None:
                    # Undo deletes a new row: its key is all it needs (the audit log tells
                    # whether someone changed the row since).
                    self._images.append((table.name, create, flat, None, None))
                if audit:
                    # A new row's blank columns say nothing: only its values are logged.
                    changes = {name: [None, value] for name, value in row.items()
                               if value is not None and name != "id"}
                    if added:
                        changes.update(added)
                    self._audit_row(AuditAction.CREATE, table, key, description, changes)
            ids.extend(new_ids)
            self._flush_if_full()
        return ids

    def _completed(self, table: sa.Table,
                   rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """Return new rows with what the rules give them: version, times, due dates."""
        versioned = rules.is_versioned(table)
        stamps = [stamp for stamp in ("created_at", "updated_at") if stamp in table.c]
        due = table.name == "opinions"
        completed = []
        for row in rows:
            given = {}
            if versioned and row.get("version") is None:
                given["version"] = 1
            for stamp in stamps:
                if row.get(stamp) is None:
                    given[stamp] = self.now
            if due and not all(c in row for c in rules.DUE_COLUMNS):
                given.update(self.due_dates.columns(row["session_id"], row["assigned_on"],
                                                    row.get("reply_extension_months")))
            completed.append({**row, **given} if given else row)
        return completed

    def _note_wholes(self, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
        whole = rules.version_parents().get(table.name)
        if whole is not None:
            _name, whole_table, column = whole
            self._wholes[whole_table].update(row[column] for row in rows
                                             if row.get(column) is not None)

    def _insert_many(self, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
        """Insert rows of the same columns in one go, each value prepared by its column
        type's own bind processor: SQLAlchemy's bookkeeping per row would cost more than
        the database's work.

        SQLite's driver takes the rows straight in one executemany; PostgreSQL takes them
        in one COPY, which it parses several times faster than a thousand-row INSERT.
        """
        sql, take, processors = self._prepared(table, tuple(rows[0]))
        values: list[Any] = list(map(take, rows))
        if processors:
            values = [list(row) for row in values]
            for row in values:
                for position, process in processors:
                    if (value := row[position]) is not None:
                        row[position] = process(value)
        cursor = self.connection.connection.cursor()  # the driver's own, in our transaction
        try:
            if self.connection.dialect.name != "postgresql":
                cursor.executemany(sql, values)
                return
            with cursor.copy(sql) as copy:
                for row in values:
                    copy.write_row(row)
        finally:
            cursor.close()

    def _prepared(self, table: sa.Table, names: tuple[str, ...]
                  ) -> tuple[str, Callable[[dict[str, Any]], tuple], list[tuple[int, Any]]]:
        """Return the statement that inserts these columns, what takes a row's values in
        its order, and the processor of each position that has one."""
        prepared = self._statements.get((table.name, names))
        if prepared is not None:
            return prepared
        dialect = self.connection.dialect
        if dialect.name == "postgresql":
            quote = dialect.identifier_preparer.quote
            sql = (f"COPY {dialect.identifier_preparer.format_table(table)} "
                   f"({', '.join(quote(name) for name in names)}) FROM STDIN")
            order: Sequence[str] = names
        else:
            compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(names))
            sql, order = str(compiled), compiled.positiontup or names
        processors = [(position, process) for position, name in enumerate(order)
                      if (process := table.c[name].type.dialect_impl(dialect)
                          .bind_processor(dialect)) is not None]
        take = itemgetter(*order) if len(order) > 1 else lambda row: (row[order[0]],)
        prepared = self._statements[table.name, names] = (sql, take, processors)
        return prepared

    def _reserve(self, table: sa.Table, count: int) -> list[int]:
        """Return ids for new rows, so that many rows go in one statement without RETURNING.

        PostgreSQL hands them out from the table's sequence; SQLite's writer holds the
        database lock for the whole transaction, so the ids after the largest are ours.
        """
        if self.connection.dialect.name == "postgresql":
            query = sa.text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                            "FROM generate_series(1, :count)")
            return list(self.connection.execute(query, {"table": table.name, "count": count})
                        .scalars())
        start = self._next_id.get(table.name)
        if start is None:
            start = (self.connection.execute(sa.select(sa.func.max(table.c.id))).scalar()
                     or 0) + 1
        self._next_id[table.name] = start + count
        return list(range(start, start + count))

    # -- updates ----------------------------------------------------------------------------
    def update(self, table: sa.Table, updates: Sequence[tuple[int, dict[str, Any]]],
               described: Sequence[Described], *,
               also: dict[int, dict[str, list[Any]]] | None = None) -> None:
        """Set columns of rows by id, with what the rules add (a version, due dates, a
        reassignment).

        `also` adds changes to a row's audit entry that are not its columns (co-signers).
        """
        merged: dict[int, dict[str, Any]] = {}
        about: dict[int, Described] = {}
        for (row_id, values), description in zip(updates, described, strict=True):
            merged.setdefault(row_id, {}).update(values)
            about[row_id] = description
        current = self.read(table, list(merged))
        self._note_wholes(table, list(current.values()))
        self.recount.rows(table.name, [*current.values(), *merged.values()])
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        reassigned: list[tuple[dict[str, Any], Described]] = []
        for row_id, values in merged.items():
            before = current[row_id]
            if table.name == "opinions" and values.get("lead_unit_id", before["lead_unit_id"]) \
                    != before["lead_unit_id"]:
                row = rules.reassignment(row_id, before["lead_unit_id"], values["lead_unit_id"],
                                         current_actor().name, rules.IMPORT_REASON)
                reassigned.append((row, Described(f"{about[row_id].label} 改派", row_id)))
                values = {**values, "restarted_on": row["reassigned_on"]}
            values = {**values, **self._follows(table, before, values)}
            key = {"id": row_id}
            first = (table.name, row_id) not in self._imaged
            self._imaged.add((table.name, row_id))
            self._image(table, key, ChangeAction.UPDATE,
                        encode_row(before) if first else None, encode_row(values))
            changes = {name: [before[name], value] for name, value in values.items()
                       if before[name] != value}
            changes.update((also or {}).get(row_id, {}))
            self._audit_row(AuditAction.UPDATE, table, key, about[row_id], changes)
            groups[tuple(sorted(values))].append({"_id": row_id, **{f"v_{k}": v for k, v in
                                                                    values.items()}})
        for columns, parameters in groups.items():
            statement = (sa.update(table).where(table.c.id == sa.bindparam("_id"))
                         .values({name: sa.bindparam(f"v_{name}") for name in columns}))
            for batch in chunks(parameters, BATCH):
                self.connection.execute(statement, list(batch))
        if reassigned:
            rows, labels = zip(*reassigned, strict=True)
            self.insert(self.tables["reassignments"], list(rows), list(labels))
        self._flush_if_full()

    def _follows(self, table: sa.Table, before: dict[str, Any],
                 values: dict[str, Any]) -> dict[str, Any]:
        """Return what a change of before to values brings with it: a version, a time,
        due dates when their inputs change."""
        follows: dict[str, Any] = {}
        if rules.is_versioned(table):
            follows["version"] = before["version"] + 1
            self._raised.add((table.name, before["id"]))
        if "updated_at" in table.c:
            follows["updated_at"] = self.now
        if table.name == "opinions" and any(
                name in values and values[name] != before[name] for name in rules.DUE_INPUTS):
            merged = {**before, **values}
            follows.update(self.due_dates.columns(merged["session_id"], merged["assigned_on"],
                                                  merged["reply_extension_months"],
                                                  merged["restarted_on"]))
        return follows

    # -- deletes ----------------------------------------------------------------------------
    def delete(self, table: sa.Table, keys: Sequence[dict[str, Any]],
               described: Sequence[Described] | None, audit: bool = True) -> None:
        """Delete rows by primary key, imaging each whole row first."""
        if not keys:
            return
        described = described if audit else [None] * len(keys)
        rows = self.read_keys(table, keys)
        self._note_wholes(table, list(rows.values()))
        self.recount.rows(table.name, rows.values())
        for key, description in zip(keys, described, strict=True):
            before = rows[_flat(key)]
            self._imaged.add((table.name, _flat(key)))
            self._image(table, key, ChangeAction.DELETE, encode_row(before), None)
            if audit:
                self._audit_row(AuditAction.DELETE, table, key, description,
                                {name: [value, None] for name, value in before.items()})
        names = list(keys[0])
        statement = sa.delete(table).where(*(table.c[n] == sa.bindparam(f"k_{n}") for n in names))
        for batch in chunks(keys, BATCH):
            self.connection.execute(statement, [{f"k_{n}": key[n] for n in names}
                                                for key in batch])
        self._flush_if_full()

    # -- reading ----------------------------------------------------------------------------
    def read(self, table: sa.Table, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Return whole rows by id, a few hundred per query."""
        rows: dict[int, dict[str, Any]] = {}
        for batch in chunks(ids, READ_BATCH):
            for row in self.connection.execute(sa.select(table).where(table.c.id.in_(batch))):
                rows[row.id] = dict(row._mapping)
        return rows

    def read_keys(self, table: sa.Table, keys: Sequence[dict[str, Any]]) -> dict[Any, dict]:
        if _has_id(table):
            by_id = self.read(table, [key["id"] for key in keys])
            return {row_id: row for row_id, row in by_id.items()}
        names = list(keys[0])
        rows: dict[Any, dict[str, Any]] = {}
        for batch in chunks(keys, READ_BATCH):
            condition = sa.tuple_(*(table.c[n] for n in names)).in_(
                [tuple(key[n] for n in names) for key in batch])
            for row in self.connection.execute(sa.select(table).where(condition)):
                data = dict(row._mapping)
                rows[_flat(_key(table, data))] = data
        return rows

    # -- images and audit -------------------------------------------------------------------
    def _image(self, table: sa.Table, key: dict[str, Any], action: ChangeAction,
               before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        if self.run_id is not None:
            self._images.append((table.name, action.value, _flat(key), before, after))

    def _audit_row(self, action: AuditAction, table: sa.Table, key: dict[str, Any],
                   description: Described, changes: dict[str, list[Any]]) -> None:
        record_id = ",".join(str(value) for value in key.values())
        opinion_id = description.opinion_id
        if table.name == "opinions":
            opinion_id = key["id"]
        self._audit.append(Recorded(action, table.name, record_id, description.label, changes,
                                    opinion_id))

    def _flush_if_full(self) -> None:
        if len(self._images) >= BATCH * 5 or len(self._audit) >= BATCH * 5:
            self.flush()

    def finish(self) -> None:
        """Write what is left, move the counts (once: an opinion written in parts is
        counted once) and note the run's last audit entry."""
        self.flush()
        self.recount.apply()
        if self.run_id is not None:
            last = self.connection.execute(sa.select(sa.func.max(AuditEntry.id))).scalar()
            self.connection.execute(sa.update(ImportRun.__table__)
                                    .where(ImportRun.__table__.c.id == self.run_id)
                                    .values(audit_through=last))

    def flush(self) -> None:
        """Write the images and audit entries gathered so far.

        Consecutive rows of one table and action share an `ImportChange`, so that a
        thousand rows cost one JSON document, not a thousand.
        """
        batches: list[dict[str, Any]] = []
        for image in self._images:
            table, action, key, before, after = image
            last = batches[-1] if batches else None
            if (last is None or (last["table_name"], last["action"]) != (table, action)
                    or len(last["row_keys"]) >= BATCH):
                last = {"run_id": self.run_id, "table_name": table, "action": action,
                        "row_keys": [], "before": [], "after": []}
                batches.append(last)
            last["row_keys"].append(key)
            last["before"].append(before)
            last["after"].append(after)
        for batch in batches:
            for side in ("before", "after"):
                if not any(batch[side]):
                    batch[side] = None
        if batches:
            self.connection.execute(sa.insert(_IMAGES), batches)
        self._images = []
        if self._audit:
            record_bulk(self.db_session, named(self.db_session, self._audit, self._names),
                        insert=self._insert_many)
            self._audit = []
        self._raise_wholes()

    def _raise_wholes(self) -> None:
        """Raise the version of each whole whose parts changed, unless this writer raised
        it already (once is enough for a stale form to fail)."""
        for name, ids in self._wholes.items():
            table = self.tables[name]
            fresh = sorted(i for i in ids if (name, i) not in self._raised)
            for batch in chunks(fresh, BATCH):
                self.connection.execute(sa.update(table).where(table.c.id.in_(batch))
                                        .values(version=table.c.version + 1))
            self._raised.update((name, i) for i in fresh)
        self._wholes.clear()


def named(db_session: orm.Session, recorded: list[Recorded],
          known: dict[type, dict[Any, str]] | None = None) -> list[Recorded]:
    """Return audit entries with references named as the ORM entry names them: a unit by
    its name under `lead_unit`, not its id under `lead_unit_id`.

    `known` keeps the names read so far (model -> id -> name) for the next call: a
    writer names the same units and deputies in each of its flushes.
    """
    references = rules.references()
    names = known if known is not None else {}
    wanted: dict[type, set[Any]] = defaultdict(set)
    for entry in recorded:
        for column, (_key, model) in references.get(entry.table_name, {}).items():
            if column in entry.changes:
                wanted[model].update(v for v in entry.changes[column] if v is not None)
    for model, ids in wanted.items():
        found = names.setdefault(model, {})
        for batch in chunks(sorted(ids.difference(found)), READ_BATCH):
            found.update((record.id, str(record)) for record in db_session
                         .scalars(sa.select(model).where(model.id.in_(batch))))
    if not wanted:
        return recorded
    renamed = []
    for entry in recorded:
        found = references.get(entry.table_name)
        if not found:
            renamed.append(entry)
            continue
        changes = {}
        for column, values in entry.changes.items():
            if column in found:
                key, model = found[column]
                of = names[model]
                changes[key] = [of.get(v, v) if v is not None else None for v in values]
            else:
                changes[column] = values
        renamed.append(Recorded(entry.action, entry.table_name, entry.record_id,
                                entry.record_label, changes, entry.opinion_id))
    return renamed


def refresh_due_dates(db_session: orm.Session, session_ids: Sequence[int]) -> int:
    """Recompute the stored due dates of the sessions' opinions after their periods or
    the working calendar changed, audited like any change; return how many moved."""
    keep_writers_out(db_session)
    opinions = Base.metadata.tables["opinions"]
    writer = Writer(db_session, None)
    updates, described = [], []
    query = sa.select(opinions.c.id, opinions.c.number, opinions.c.title, opinions.c.session_id,
                      opinions.c.assigned_on, opinions.c.reply_extension_months,
                      opinions.c.restarted_on,
                      *(opinions.c[name] for name in rules.DUE_COLUMNS)) \
        .where(opinions.c.session_id.in_(session_ids))
    for row in db_session.execute(query):
        due = writer.due_dates.columns(row.session_id, row.assigned_on,
                                       row.reply_extension_months, row.restarted_on)
        moved = {name: value for name, value in due.items() if row._mapping[name] != value}
        if moved:
            updates.append((row.id, moved))
            described.append(Described(f"第{row.number}号 {row.title}", row.id))
    writer.update(opinions, updates, described)
    moved = len(updates)
    # Co-handlers added later have their own 会办意见 deadline, which the periods move too.
    co_handlings = Base.metadata.tables["co_handlings"]
    updates, described = [], []
    query = sa.select(co_handlings.c.id, co_handlings.c.added_on, co_handlings.c.co_opinion_due_on,
                      opinions.c.id.label("opinion_id"), opinions.c.number, opinions.c.title,
                      opinions.c.session_id) \
        .join(opinions, opinions.c.id == co_handlings.c.opinion_id) \
        .where(opinions.c.session_id.in_(session_ids), co_handlings.c.added_on.is_not(None))
    for row in db_session.execute(query):
        due = writer.due_dates.co_handler_due(row.session_id, row.added_on)
        if due != row.co_opinion_due_on:
            updates.append((row.id, {"co_opinion_due_on": due}))
            described.append(Described(f"第{row.number}号 {row.title} 会办", row.opinion_id))
    writer.update(co_handlings, updates, described)
    writer.finish()
    return moved


def _has_id(table: sa.Table) -> bool:
    return [column.name for column in table.primary_key.columns] == ["id"]


def _key(table: sa.Table, row: dict[str, Any]) -> dict[str, Any]:
    return {column.name: row[column.name] for column in table.primary_key.columns}


def _flat(key: dict[str, Any]) -> Any:
    values = tuple(key.values())
    return values[0] if len(values) == 1 else values
