"""Plan an import: records read from sheets against the state they would change."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

from importers.planning.context import Context
from importers.planning.directory import plan_deputies, plan_liaisons, plan_notices, plan_units
from importers.planning.follow_up import (
    plan_co_evaluations,
    plan_contacts,
    plan_evaluations,
    plan_progress,
)
from importers.planning.opinions import plan_handling, plan_opinions, plan_signoffs
from importers.planning.plan import Plan, RowId, RowPlan
from importers.planning.state import State
from importers.problems import Problem
from importers.records import Record
from importers.schemas import KINDS

KindPlanner = Callable[[Sequence[Record], Context], list[RowPlan]]

PLANNERS: dict[str, KindPlanner] = {
    "units": plan_units,
    "deputies": plan_deputies,
    "liaisons": plan_liaisons,
    "opinions": plan_opinions,
    "handling": plan_handling,
    "signoffs": plan_signoffs,
    "contacts": plan_contacts,
    "progress": plan_progress,
    "evaluations": plan_evaluations,
    "co-evaluations": plan_co_evaluations,
    "notices": plan_notices,
}
assert tuple(PLANNERS) == KINDS, "plan every kind, in dependency order"


def plan_import(records: Iterable[Record], state: State, *, problems: Iterable[Problem] = (),
                extra: Mapping[RowId, Sequence[Problem]] | None = None,
                creates_session: bool = False) -> Plan:
    """Return what importing the records would do to the state, row by row.

    Kinds are planned in dependency order, each against the state the kinds before it
    leave, so a handling report may name an opinion the same import creates. `state`
    itself is not changed; the state the plan leads to is `plan.after`. `problems` are
    the file-level problems of the reading; `extra` adds problems to rows (the
    back-office's domain checks), an error making the row's outcome an error.
    """
    by_kind: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        by_kind[record.kind].append(record)
    context = Context(state, extra or {})
    rows: list[RowPlan] = []
    for kind, planner in PLANNERS.items():
        if by_kind.get(kind):
            rows.extend(planner(by_kind[kind], context))
    # Row problems travel with their records; the rest are about files and headers.
    attached = {id(p) for kind_records in by_kind.values() for record in kind_records
                for p in record.problems or ()}
    file_problems = [p for p in problems if id(p) not in attached]
    return Plan(rows, file_problems, state.session, state.year, creates_session,
                after=context.state)
