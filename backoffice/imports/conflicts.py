"""Round-trip conflicts: a returned sheet must not undo what was changed since its export.

A row of a stamped sheet (our export, `importers.stamps`) whose database value moved
since the export, and which the file sets to something else again, is a conflict for
that field: shown with the three values and held back unless the user overwrites it.
A row with no stamp (the office's own sheet) imports as before, with a warning when
the audit log shows the value was changed after the file was last saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice import stamp_signing
from backoffice.formatting import local_time
from backoffice.imports.bindings import MODELS, OPINION_KINDS, columns
from backoffice.models import AuditEntry, Opinion
from importers import SCHEMAS, Problem
from importers.limits import Limits
from importers.planning import Outcome, Plan, RowId, RowPlan, State, show
from importers.stamps import Stamp, StampReading, modified_at, read_stamps, row_key, stamp_text


@dataclass(frozen=True)
class Conflict:
    """One field of a row the database changed since the export, and the file changes."""

    row: RowId
    kind: str
    label: str  # the row's key as shown, e.g. 0003
    field: str
    cell: str | None
    exported: str
    database: str
    file: str
    exported_at: datetime

    @property
    def header(self) -> str:
        return SCHEMAS[self.kind].by_name[self.field].header

    def message(self, overwritten: bool) -> str:
        """Return what the conflict is, in Chinese, and what applying does with it."""
        what = "导入时将以表格中的值覆盖" if overwritten else "未选择覆盖，该行不导入"
        return (f"{self.header}：导出后数据库中已改为“{self.database}”（导出时为"
                f"“{self.exported}”），表格中为“{self.file}”；{what}")

    def problem(self, overwritten: bool) -> Problem:
        """Return the conflict as a warning at its cell (the run's record keeps it)."""
        return Problem(self.row[0], self.row[1], self.cell, self.field, self.file,
                       self.message(overwritten), level="warning")

    def to_json(self, name: str, overwritten: bool) -> dict[str, Any]:
        """Return the conflict as the CLI's JSON lists it: an error's fields and the values."""
        return {"file": name, "sheet": self.row[1], "cell": self.cell, "field": self.field,
                "value": self.file, "message": self.message(overwritten),
                "database": self.database, "exported": self.exported,
                "exported_at": local_time(self.exported_at, seconds=True),
                "overwrite": overwritten}


def stamps_of(sources: Mapping[str, str], limits: Limits) -> dict[str, StampReading]:
    """Return the stamps of each file read, by its path; `sources` maps a part split from
    a worklist to the worklist, whose hidden sheet holds them."""
    read: dict[str, StampReading | None] = {}
    found = {}
    verify = stamp_signing.verifier()
    for path, source in sources.items():
        if source not in read:
            read[source] = read_stamps(source, verify, limits)
        if read[source] is not None:
            found[path] = read[source]
    return found


def find_conflicts(plan: Plan, stamps: Mapping[str, StampReading]) -> list[Conflict]:
    """Return every field of a stamped row that the database and the file both moved."""
    found = []
    for row in plan.rows:
        stamp = _stamp(row, stamps)
        if stamp is None:
            continue
        for change in row.changes:
            exported = stamp.values.get(change.field)
            if exported is None:
                continue
            if stamp_text(change.old, row.kind, change.field) != exported:
                found.append(Conflict(row.row_id, row.kind, row.label(), change.field,
                                      row.record.cell(change.field), exported,
                                      show(change.old, row.kind, change.field),
                                      show(change.new, row.kind, change.field), stamp.at))
    return found


def _stamp(row: RowPlan, stamps: Mapping[str, StampReading]) -> Stamp | None:
    if row.outcome is not Outcome.UPDATE:
        return None
    reading = stamps.get(row.record.file)
    if reading is None:
        return None
    return reading.stamps.get((row.kind, row_key(row.kind, row.record.get)))


def late_edits(db_session: orm.Session, plan: Plan, state: State,
               stamps: Mapping[str, StampReading], sources: Mapping[str, str]) -> list[Problem]:
    """Warn of each value a row without a stamp changes that was edited after its file was
    last saved (as the workbook itself says; files that do not say are not warned of)."""
    saved = {path: modified_at(source) for path, source in sources.items()}
    rows = [row for row in plan.rows if row.outcome is Outcome.UPDATE
            and saved.get(row.record.file) and _stamp(row, stamps) is None]
    if not rows:
        return []
    since = min(saved[row.record.file] for row in rows).astimezone(UTC)
    tables = {MODELS[row.kind].__tablename__ for row in rows}
    edited = _edited_since(db_session, tables, since)
    warnings = []
    for row in rows:
        at_file = saved[row.record.file]
        for table, record, opinion in _targets(row, state):
            for change in row.changes:
                column = columns(row.kind).get(change.field)
                when = edited.get((table, record, opinion), {}).get(column)
                # A workbook's time has whole seconds: an edit within the second it was
                # saved in is not known to be the later one.
                if column and when and when.replace(microsecond=0) > at_file:
                    warnings.append(Problem(
                        row.record.file, row.record.sheet, row.record.cell(change.field),
                        change.field, show(change.new, row.kind, change.field),
                        f"{SCHEMAS[row.kind].by_name[change.field].header}在数据库中于"
                        f"{local_time(when)}修改过，晚于本表格最后保存的时间"
                        f"（{local_time(at_file)}），导入将覆盖该修改", level="warning"))
    return warnings


_Target = tuple[str, str | None, int | None]  # table, record id, opinion id


def _targets(row: RowPlan, state: State) -> list[_Target]:
    """Return how the audit log names the row's record: by its id, or by its opinion.

    Rows about an opinion's children (contacts, progress, …) are found by their opinion:
    a warning may then name a sibling's edit, never miss one.
    """
    table = MODELS[row.kind].__tablename__
    opinions = state.ids.get("opinions", {})
    if row.kind in OPINION_KINDS:
        opinion = opinions.get(row.key[0])
        return [(table, str(opinion), None)] if opinion else []
    if MODELS[row.kind] is not Opinion and "number" in SCHEMAS[row.kind].key:
        opinion = opinions.get(row.key[0])
        return [(table, None, opinion)] if opinion else []
    ids = state.ids.get(table, {})
    record = ids.get(row.key, ids.get(row.key[0]) if len(row.key) == 1 else None)
    return [(table, str(record), None)] if record else []


def _edited_since(db_session: orm.Session, tables: Iterable[str],
                  since: datetime) -> dict[_Target, dict[str, datetime]]:
    """Return when each record's columns were last changed after a moment, by the log."""
    query = (sa.select(AuditEntry.table_name, AuditEntry.record_id, AuditEntry.opinion_id,
                       AuditEntry.at, AuditEntry.changes)
             .where(AuditEntry.table_name.in_(sorted(tables)), AuditEntry.at > since)
             .order_by(AuditEntry.at))
    edited: dict[_Target, dict[str, datetime]] = {}
    for table, record, opinion, at, changes in db_session.execute(query):
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        for target in ((table, record, None), (table, None, opinion)):
            when = edited.setdefault(target, {})
            for column in changes or {}:
                when[column] = at
    return edited


def sources_of(paths: Iterable[str | Path], parts: Mapping[str, str]) -> dict[str, str]:
    """Return each path read with the file its stamps and saved time come from."""
    return {str(path): parts.get(str(path), str(path)) for path in paths}
