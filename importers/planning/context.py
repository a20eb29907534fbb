"""What planning one row needs: the working state, problems at the right cell, diffs."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from importers.planning.people import DeputyIndex
from importers.planning.plan import Change, Outcome, RowId, RowPlan, row_id, show
from importers.planning.state import OpinionFacts, State
from importers.planning.titles import names_same_opinion
from importers.problems import Level, Problem, cell_ref
from importers.records import Record
from importers.schemas import SCHEMAS
from importers.values import UnitGrade

_NO_VALUE = object()


_PLAIN = frozenset({str, int, bool, date, type(None)})


def plain(value: Any) -> Any:
    """Return a record's value in the state's vocabulary: enums as their text."""
    if value.__class__ in _PLAIN:
        return value
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, UnitGrade):
        return UnitGrade(value.unit, value.grade.value)
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def same(old: Any, new: Any) -> bool:
    """Tell whether a stored and a read value are the same fact (lists in any order)."""
    if old in (None, "", []) and new in (None, "", []):
        return True
    if isinstance(old, list) and isinstance(new, list):
        return sorted(map(show, old)) == sorted(map(show, new))
    return old == new


def where(record: Record) -> str:
    """Return e.g. `交办清单.xlsx 城市建设和管理!5:5` for messages naming another row."""
    return f"{Path(record.file).name} {cell_ref(record.sheet, record.row, None)}"


class Row:
    """The problems of one row as it is planned, and the plan row it ends as."""

    def __init__(self, context: Context, record: Record) -> None:
        self.context = context
        self.record = record
        self.problems: list[Problem] = [*(record.problems or ()),
                                        *context.extra.get(row_id(record), ())]
        self.refs: dict[str, Any] | None = None

    @property
    def failed(self) -> bool:
        return any(p.is_error for p in self.problems)

    def error(self, field: str | None, message: str, value: Any = _NO_VALUE) -> None:
        self._add(field, message, value, "error")

    def warn(self, field: str | None, message: str, value: Any = _NO_VALUE) -> None:
        self._add(field, message, value, "warning")

    def _add(self, field: str | None, message: str, value: Any, level: Level) -> None:
        record = self.record
        cell = record.cell(field) if field else None
        cell = cell or cell_ref(record.sheet, record.row, None)
        if value is _NO_VALUE:
            value = show(record.get(field), record.kind, field) if field else None
        if field:
            message = f"{SCHEMAS[record.kind].by_name[field].header}：{message}"
        self.problems.append(Problem(record.file, record.sheet, cell, field, value, message,
                                     level))

    def ended(self, outcome: Outcome, changes: Sequence[Change] = ()) -> RowPlan:
        if self.failed:
            outcome, changes = Outcome.ERROR, ()
        return RowPlan(self.record, outcome, tuple(changes), self.problems, self.refs)

    def erred(self) -> RowPlan:
        return self.ended(Outcome.ERROR)


class Context:
    """The working state the rows are planned against, in dependency order."""

    def __init__(self, state: State, extra: Mapping[RowId, Sequence[Problem]]) -> None:
        self.state = state.working_copy()
        self.extra = extra
        self.deputies = DeputyIndex(state.deputies)
        self._own: set[tuple[str, Any]] = set()
        # Rows that failed, by what they would have created, so that dependants say so.
        self.failed: dict[tuple[str, Any], Record] = {}

    def row(self, record: Record) -> Row:
        return Row(self, record)

    def mine(self, collection: str, key: Any) -> Any:
        """Return the working state's facts under key, copied before their first change."""
        facts = getattr(self.state, collection)
        if (collection, key) not in self._own:
            facts[key] = copy.deepcopy(facts[key])
            self._own.add((collection, key))
        return facts[key]

    def created(self, collection: str, key: Any, facts: Any) -> None:
        getattr(self.state, collection)[key] = facts
        self._own.add((collection, key))

    def failing(self, collection: str, key: Any, record: Record) -> None:
        self.failed.setdefault((collection, key), record)

    # -- references -----------------------------------------------------------------------
    def unit(self, row: Row, field: str, name: str | None) -> None:
        """Check that a unit named by the row exists (it may come from this import)."""
        if name is None or name in self.state.units:
            return
        failed = self.failed.get(("units", name))
        if failed is not None:
            row.error(field, f"单位“{name}”所在行（{where(failed)}）有错误，未导入", name)
        else:
            row.error(field, f"未知单位“{name}”，请先在承办单位名录中登记", name)

    def opinion(self, row: Row, *, lead_unit_field: str | None = "lead_unit") -> (
            OpinionFacts | None):
        """Return the facts of the opinion a row names by number, or say why there is none."""
        record = row.record
        number = record.get("number")
        if number is None:
            return None
        facts = self.state.opinions.get(number)
        if facts is None:
            failed = self.failed.get(("opinions", number))
            if failed is not None:
                row.error("number", f"第{number:04d}号意见所在行（{where(failed)}）有错误，未导入")
            else:
                session = self.state.session or "本届次会议"
                row.error("number", f"{session}没有编号为{number:04d}的意见，"
                                    "请核对编号或先导入交办清单")
            return None
        unit = record.get(lead_unit_field) if lead_unit_field else None
        if unit is not None and facts.lead_unit is not None and unit != facts.lead_unit:
            row.error(lead_unit_field, f"第{number:04d}号意见的主办单位是“{facts.lead_unit}”，"
                                       f"不是“{unit}”，请核对编号")
        # A number mistyped for another of the unit's own opinions shows in its title only;
        # a warning, since a title may be reworded or a summary written in its place.
        title = record.get("title")
        if title and facts.title and not names_same_opinion(title, facts.title):
            row.warn("title", f"第{number:04d}号意见的标题是“{facts.title}”，"
                              "与本行所写的不同，请核对编号")
        return facts


def provided(record: Record, names: Sequence[str]) -> list[str]:
    """Return the names a sheet gave: a column held them, or the sheet's name did."""
    schema = SCHEMAS[record.kind]
    columns = record.origin.columns
    return [name for name in names
            if name in columns or (name == schema.sheet_field and record.get(name) is not None)]


def wanted(record: Record, names: Sequence[str]) -> dict[str, Any]:
    """Return field -> value for the named fields the sheet gave."""
    return {name: plain(record[name]) for name in provided(record, names)}


def differences(facts: Any, values: Mapping[str, Any]) -> list[Change]:
    """Return the changes that would bring facts to values."""
    return [Change(name, getattr(facts, name), new) for name, new in values.items()
            if not same(getattr(facts, name), new)]


def creation(values: Mapping[str, Any]) -> list[Change]:
    """Return a new row's values as changes from nothing (blank ones left out)."""
    return [Change(name, None, new) for name, new in values.items()
            if new not in (None, "", [], {})]


def assign(facts: Any, changes: Sequence[Change]) -> None:
    for change in changes:
        setattr(facts, change.field, change.new)


def updated(row: Row, facts: Any, values: Mapping[str, Any],
            target: Callable[[], Any]) -> RowPlan:
    """End the row as an update of existing facts to values, or as unchanged.

    `target` returns the facts the plan owns (a copy on first change) to write them to.
    """
    changes = differences(facts, values)
    if changes:
        assign(target(), changes)
    return row.ended(Outcome.UPDATE if changes else Outcome.UNCHANGED, changes)
