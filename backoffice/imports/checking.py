"""The back-office's own checks on a plan, as problems at the cell that causes them.

`checks.py` judges each opinion the plan touches as it would be after the import;
only problems the import brings are reported (an old one is not the sheet's fault).
Text too long for its column is refused here rather than by the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from backoffice.checks import MISSING_SIGNOFF, opinion_fact_problems
from backoffice.imports import bindings
from backoffice.imports.bindings import OPINION_KINDS
from backoffice.models import Opinion
from importers.planning import OpinionFacts, Plan, RowId, RowPlan, State, show
from importers.problems import Problem, cell_ref

# checks.py's field (an opinion's column) -> (sheet kind, field of that kind) that sets it:
# the first of the opinion's sheets whose field the column stores, and the references.
_SOURCES = {
    **{column: (kind, field) for kind in reversed(OPINION_KINDS)
       for field, column in bindings.columns(kind).items()},
    "co_handlings": ("opinions", "co_units"),
    "number": ("opinions", "number"),
}


def plan_problems(plan: Plan, before: State) -> dict[RowId, list[Problem]]:
    """Return the problems the back-office finds in the plan's rows, by row."""
    found: dict[RowId, list[Problem]] = defaultdict(list)
    for row in plan.writing_rows():
        for problem in _too_long(row):
            found[row.row_id].append(problem)
    for row, problem in _opinion_problems(plan, before):
        found[row.row_id].append(problem)
    return found


_NUMBER_WIDTH = Opinion.__table__.c.number.type.length


def _too_long(row: RowPlan) -> list[Problem]:
    columns = bindings.text_columns(row.kind)
    problems = []
    if row.kind == "opinions" and len(f"{row.key[0]:04d}") > _NUMBER_WIDTH:
        problems.append(_problem(row, "number", row.key[0],
                                 f"编号过大，最多{_NUMBER_WIDTH}位数字"))
    # The kind's few text fields, looked up: a row changes many more fields than that.
    for field, column in columns.items():
        change = row.change(field)
        if change is None:
            continue
        limit = column.type.length
        for value in change.new if isinstance(change.new, list) else [change.new]:
            if isinstance(value, str) and len(value) > limit:
                problems.append(_problem(row, field, value,
                                         f"内容过长（{len(value)}字），最多{limit}字"))
    return problems


def _opinion_problems(plan: Plan, before: State) -> list[tuple[RowPlan, Problem]]:
    touching: dict[int, list[RowPlan]] = defaultdict(list)
    for row in plan.writing_rows():
        if row.kind in OPINION_KINDS:
            touching[row.key[0]].append(row)
    found = []
    for number, rows in touching.items():
        after = plan.after.opinions.get(number)
        if after is None:
            continue
        old = before.opinions.get(number)
        known = set(_problems(old).items()) if old is not None else set()
        for field, message in _problems(after).items():
            if (field, message) not in known:
                found.append(_placed(rows, field, message))
    return found


def _problems(facts: OpinionFacts) -> dict[str, str]:
    """Return checks.py's problems with the opinion as the facts describe it."""
    lead = _Named(facts.lead_unit)
    candidate = SimpleNamespace(
        number=None, session=None, reply_extension_months=None,
        assigned_on=facts.assigned_on, accepted_on=facts.accepted_on,
        consulted_on=facts.consulted_on, replied_on=facts.replied_on,
        answer_type=facts.answer_type, concluded_on=facts.concluded_on,
        second_replied_on=facts.second_reply_on, signed_off_by=facts.approver,
        signed_off_on=facts.approved_on, lead_unit=lead, lead_unit_id=lead.id,
        co_handlings=[SimpleNamespace(unit=_Named(unit), unit_id=unit) for unit in facts.co_units],
    )
    return opinion_fact_problems(candidate)  # type: ignore[arg-type]


class _Named:
    """A unit as checks.py sees it: an id to compare and a name to print."""

    def __init__(self, name: str | None) -> None:
        self.id = name

    def __str__(self) -> str:
        return self.id or ""

    def __bool__(self) -> bool:
        return self.id is not None


def _placed(rows: list[RowPlan], field: str, message: str) -> tuple[RowPlan, Problem]:
    """Put a problem on the row and cell that set the field, else the first row touching it."""
    kind, sheet_field = _SOURCES.get(field, (None, None))
    for row in rows:
        if row.kind == kind and (sheet_field in row.changed or sheet_field == "number"):
            return row, _problem(row, sheet_field, None, message)
    row = rows[0]
    named = "assigned_on" if row.kind == "opinions" and "assigned_on" in row.changed else None
    return row, _problem(row, named, None, message)


def _problem(row: RowPlan, field: str | None, value: Any, message: str) -> Problem:
    record = row.record
    cell = (record.cell(field) if field else None) or cell_ref(record.sheet, record.row, None)
    level = "warning" if message == MISSING_SIGNOFF else "error"
    if value is None and field and field in row.changed:
        value = row.changed[field].new
    return Problem(record.file, record.sheet, cell, field, _shown(value), message, level)


def _shown(value: Any) -> Any:
    return None if value is None else show(value)


def merge(into: dict[RowId, list[Problem]], found: Mapping[RowId, list[Problem]]) -> bool:
    """Add found problems not yet known; return whether any of them is an error."""
    new_error = False
    for row, problems in found.items():
        known = {(p.cell, p.message) for p in into.get(row, ())}
        for problem in problems:
            if (problem.cell, problem.message) not in known:
                into.setdefault(row, []).append(problem)
                new_error = new_error or problem.is_error
    return new_error
