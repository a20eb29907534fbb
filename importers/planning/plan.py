"""What an import will do: per row create, update, unchanged or error, with old -> new."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple

from importers.problems import Problem
from importers.records import Record
from importers.schemas import SCHEMAS, FieldType
from importers.values import UnitGrade, as_text


class Outcome(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.CREATE: "新增",
    Outcome.UPDATE: "修改",
    Outcome.UNCHANGED: "无变化",
    Outcome.ERROR: "有错误",
}

RowId = tuple[str, str, int]  # file, sheet, 0-based row


class Change(NamedTuple):
    """One field's old and new value; a new record's fields all have old None."""

    field: str
    old: Any
    new: Any


_FIELD_TUPLES: dict[tuple[str, ...], tuple[str, ...]] = {}


class RowPlan:
    """What one sheet row does.

    `refs` names the rows it points at when a name alone would be ambiguous
    (a deputy is a name and a delegation); the code applying the plan uses them.
    Changes are kept as a shared tuple of field names and tuples of values: a plan of
    100,000 rows then costs a third of the memory Change objects would.
    """

    __slots__ = ("_fields", "_new", "_old", "outcome", "problems", "record", "refs")

    def __init__(self, record: Record, outcome: Outcome, changes: Iterable[Change] = (),
                 problems: list[Problem] | None = None,
                 refs: dict[str, Any] | None = None) -> None:
        changes = tuple(changes)
        fields, old, new = zip(*changes, strict=True) if changes else ((), (), ())
        self._fields = _FIELD_TUPLES.setdefault(fields, fields)
        self._new = new
        self._old = old if any(value is not None for value in old) else None
        self.record = record
        self.outcome = outcome
        self.problems = [] if problems is None else problems
        self.refs = refs

    @property
    def changes(self) -> tuple[Change, ...]:
        old = self._old or (None,) * len(self._fields)
        return tuple(map(Change, self._fields, old, self._new))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RowPlan):
            return NotImplemented
        return (self.record is other.record and self.outcome == other.outcome
                and self.changes == other.changes and self.problems == other.problems
                and self.refs == other.refs)

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __setstate__(self, state: tuple) -> None:
        for name, value in zip(self.__slots__, state, strict=True):
            setattr(self, name, value)

    def __repr__(self) -> str:
        return f"RowPlan({self.kind}, {self.key}, {self.outcome.value}, {self.changes})"

    @property
    def kind(self) -> str:
        return self.record.kind

    @property
    def key(self) -> tuple[Any, ...]:
        return self.record.key

    @property
    def row_id(self) -> RowId:
        return row_id(self.record)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def changed(self) -> dict[str, Change]:
        return {change.field: change for change in self.changes}

    def change(self, field: str) -> Change | None:
        """Return the change of one field, if the row changes it (without building the
        others, as `changed` does)."""
        if field not in self._fields:
            return None
        index = self._fields.index(field)
        return Change(field, self._old[index] if self._old else None, self._new[index])

    @property
    def values(self) -> dict[str, Any]:
        """Return field -> new value of every change (a new row's values)."""
        return dict(zip(self._fields, self._new, strict=True))

    @property
    def writes(self) -> bool:
        return self.outcome in (Outcome.CREATE, Outcome.UPDATE)

    def label(self) -> str:
        """Return how the row is named on screen: its key, e.g. 0003."""
        schema = SCHEMAS[self.kind]
        return " ".join(show(self.record.get(name), self.kind, name) for name in schema.key)


def row_id(record: Record) -> RowId:
    return (record.file, record.sheet, record.row)


@dataclass
class Plan:
    """The rows of every file read, in the order they apply, and the file-level problems."""

    rows: list[RowPlan]
    problems: list[Problem] = field(default_factory=list)  # not tied to a row: files, headers
    session: str | None = None
    year: int | None = None
    creates_session: bool = False
    # The state the plan leads to; set by the planner for checks, never stored.
    after: Any = field(default=None, compare=False, repr=False)

    def counts(self) -> Counter[Outcome]:
        counts: Counter[Outcome] = Counter({outcome: 0 for outcome in Outcome})
        counts.update(row.outcome for row in self.rows)
        return counts

    @property
    def all_problems(self) -> list[Problem]:
        """Return file-level problems, then each row's, in row order."""
        return [*self.problems, *(p for row in self.rows for p in row.problems)]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.all_problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.all_problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        """Tell whether applying writes anything (a new session alone is not worth it)."""
        return any(row.writes for row in self.rows)

    def writing_rows(self) -> Iterator[RowPlan]:
        return (row for row in self.rows if row.writes)

    def fingerprint(self) -> str:
        """Return a digest of every row's outcome and changes, to tell two plans apart."""
        digest = hashlib.sha256()
        digest.update(repr((self.session, self.year, self.creates_session)).encode())
        for row in self.rows:
            parts = (row.row_id, row.outcome.value,
                     [(c.field, show(c.old), show(c.new)) for c in row.changes],
                     [p.message for p in row.problems])
            digest.update(repr(parts).encode())
        return digest.hexdigest()

    def without_state(self) -> Plan:
        """Return the plan without the after-state, ready to be stored."""
        self.after = None
        return self


def show(value: Any, kind: str | None = None, field_name: str | None = None) -> str:
    """Return a value as the office reads it: 2017-03-05, 0003, 是, a、b, （空）."""
    if value is None or value == "" or value == [] or value == {}:
        return "（空）"
    if field_name == "number" and isinstance(value, int):
        return f"{value:04d}"
    if isinstance(value, bool):
        if kind and field_name:
            spec = SCHEMAS[kind].by_name.get(field_name)
            if spec is not None and spec.type is FieldType.BOOL:
                return spec.yes_no[0] if value else spec.yes_no[1]
        return "是" if value else "否"
    if isinstance(value, UnitGrade):
        return f"{value.unit}:{value.grade}"
    if isinstance(value, dict):
        return "；".join(f"{k}:{show(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "、".join(show(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    return as_text(value)
