"""Column mappings remembered from the import preview.

A mapping the user confirms when applying an import is kept by the sheet's header
signature (`importers.columns.header_signature`); the next sheet laid out alike, on the
web or from the command line, is read with it (`Memory`, given to `read_paths`), under
any mapping given for that import, which wins. Each sheet read is described by a
`SheetColumns`: shown on the preview, printed by the CLI, recorded on the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice.formatting import local_time
from backoffice.models import RememberedMapping
from backoffice.models.base import utcnow
from importers import SCHEMAS, ReadResult
from importers.columns import ColumnMatch, How, header_signature
from importers.headers import normalise_header

# What applying an import remembers: the columns the user changed, or the whole sheet.
Remember = Literal["changes", "sheet"]
ColumnMapping = Mapping[str, str | None]


def field_label(kind: str, field: str | None) -> str:
    """Return what a column feeds, in Chinese: the field's header, or 不导入."""
    spec = SCHEMAS[kind].by_name.get(field or "") if kind in SCHEMAS else None
    return spec.header if spec else "不导入"


def confidence_text(how: str, confidence: float) -> str:
    """Return how sure a column's match is, as a percentage (a dash when unmatched)."""
    return "—" if how == How.UNMATCHED else f"{round(confidence * 100)}%"


@dataclass(frozen=True)
class Recalled:
    """A remembered mapping as it was when an import used it."""

    id: int
    confirmed_by: str
    confirmed_at: str  # Beijing time, as shown

    def describe(self) -> str:
        return f"{self.confirmed_by} 于 {self.confirmed_at} 确认"


@dataclass(frozen=True)
class SheetColumns:
    """How one sheet of one file was read, column by column."""

    file: str  # the path read
    sheet: str
    kind: str
    signature: str
    columns: tuple[ColumnMatch, ...]
    recalled: Recalled | None = None  # the remembered mapping the sheet was read with
    from_memory: frozenset[int] = frozenset()  # the columns whose field it gave

    def resolved(self) -> dict[str, str | None]:
        """Return every column's header and the field it feeds (None: not imported)."""
        return {c.header: c.field for c in self.columns}

    def changed(self, mapping: ColumnMapping) -> dict[str, str | None]:
        """Return the columns the import's own mapping set, with the fields they feed."""
        keys = {normalise_header(source) for source in mapping}
        return {c.header: c.field for c in self.columns
                if c.how is How.MAPPED and normalise_header(c.header) in keys}

    def to_json(self, name: str) -> dict[str, Any]:
        """Return the sheet's columns as an import run records them (file by its name)."""
        recalled = self.recalled
        return {
            "file": name, "sheet": self.sheet, "kind": self.kind, "signature": self.signature,
            "recalled": None if recalled is None else {
                "id": recalled.id, "confirmed_by": recalled.confirmed_by,
                "confirmed_at": recalled.confirmed_at},
            "columns": [{"column": c.column, "header": c.header, "field": c.field,
                         "how": c.how.value, "confidence": c.confidence,
                         "from_memory": c.column in self.from_memory}
                        for c in self.columns],
        }


@dataclass(frozen=True)
class Stored:
    """A remembered mapping as the reader uses it."""

    recalled: Recalled
    kind: str
    mapping: dict[str, str | None]


class Memory:
    """The remembered mappings, asked by the reader for each sheet's header signature."""

    def __init__(self, db_session: orm.Session) -> None:
        rows = db_session.execute(sa.select(
            RememberedMapping.id, RememberedMapping.signature, RememberedMapping.kind,
            RememberedMapping.mapping, RememberedMapping.confirmed_by,
            RememberedMapping.confirmed_at))
        self._stored = {
            row.signature: Stored(Recalled(row.id, row.confirmed_by,
                                            local_time(row.confirmed_at)),
                                   row.kind, dict(row.mapping))
            for row in rows}

    def __call__(self, kind: str, signature: str) -> dict[str, str | None] | None:
        """Return the mapping remembered for a sheet of the kind and signature, if any."""
        found = self.get(kind, signature)
        return reading_mapping(found.mapping) if found else None

    def get(self, kind: str, signature: str) -> Stored | None:
        found = self._stored.get(signature)
        return found if found is not None and found.kind == kind else None


def reading_mapping(mapping: ColumnMapping) -> dict[str, str | None]:
    """Return a mapping the reader applies to two-level headers too.

    A two-level column is shown as "上层/下层" but matched by its joined text "上层下层".
    """
    readable = dict(mapping)
    for source, target in mapping.items():
        if "/" in source:
            readable.setdefault(source.replace("/", ""), target)
    return readable


def sheets_read(result: ReadResult, memory: Memory | None,
                mapping: ColumnMapping) -> list[SheetColumns]:
    """Describe each sheet read: its columns, and the remembered mapping it was read with."""
    own = {normalise_header(source) for source in reading_mapping(mapping)}
    sheets = []
    for file in result.files:
        by_sheet: dict[str, list[ColumnMatch]] = {}
        for match in file.columns:
            by_sheet.setdefault(match.sheet, []).append(match)
        for sheet, columns in by_sheet.items():
            signature = header_signature(c.header for c in columns)
            stored = memory.get(file.kind, signature) if memory and file.kind else None
            remembered = ({normalise_header(s) for s in reading_mapping(stored.mapping)}
                          if stored else set())
            from_memory = frozenset(
                c.column for c in columns if c.how is How.MAPPED
                and normalise_header(c.header) in remembered - own)
            sheets.append(SheetColumns(
                str(file.path), sheet, file.kind or "", signature, tuple(columns),
                stored.recalled if stored else None, from_memory))
    return sheets


def remember(db_session: orm.Session, sheets: Iterable[SheetColumns],
             mapping: ColumnMapping, what: Remember, actor: str) -> None:
    """Store the mapping confirmed for each sheet by its header signature.

    `changes`: the columns the import's own mapping set, added to what was remembered;
    `sheet`: every column of the sheet as it was read, replacing what was remembered.
    """
    chosen: dict[str, tuple[SheetColumns, dict[str, str | None]]] = {}
    for sheet in sheets:
        confirmed = sheet.resolved() if what == "sheet" else sheet.changed(mapping)
        if confirmed and sheet.kind:
            chosen.setdefault(sheet.signature, (sheet, confirmed))
    for signature, (sheet, confirmed) in chosen.items():
        found = db_session.scalar(
            sa.select(RememberedMapping).where(RememberedMapping.signature == signature))
        if found is None:
            db_session.add(RememberedMapping(
                signature=signature, kind=sheet.kind, headers=[c.header for c in sheet.columns],
                mapping=confirmed, confirmed_by=actor, confirmed_at=utcnow()))
            continue
        merged = confirmed if what == "sheet" or found.kind != sheet.kind else {
            **found.mapping, **confirmed}
        if merged != found.mapping or found.kind != sheet.kind:
            found.kind, found.mapping = sheet.kind, merged
            found.confirmed_by, found.confirmed_at = actor, utcnow()
    db_session.flush()


def note_used(db_session: orm.Session, sheets: Iterable[SheetColumns]) -> None:
    """Note when the remembered mappings an import used were last used (bookkeeping)."""
    used = {sheet.recalled.id for sheet in sheets if sheet.recalled}
    if used:
        db_session.execute(sa.update(RememberedMapping)
                           .where(RememberedMapping.id.in_(used))
                           .values(last_used_at=utcnow())
                           .execution_options(synchronize_session=False))


def forget(db_session: orm.Session, signature: str,
           version: int | None) -> RememberedMapping | None:
    """Delete the remembered mapping of a signature, as shown at version; return it, or
    None when there is none such (deleted since, changed since, or never stored)."""
    found = db_session.scalar(
        sa.select(RememberedMapping).where(RememberedMapping.signature == signature))
    if found is None or found.version != version:
        return None
    db_session.delete(found)
    db_session.flush()
    return found


def remembered_mappings(db_session: orm.Session) -> list[RememberedMapping]:
    """Return every remembered mapping, the latest confirmed first."""
    return list(db_session.scalars(sa.select(RememberedMapping).order_by(
        RememberedMapping.confirmed_at.desc(), RememberedMapping.id.desc())))
