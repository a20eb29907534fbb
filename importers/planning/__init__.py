"""Plan an import: what the records read from sheets would change, row by row.

    from importers import read_paths
    from importers.planning import State, plan_import
    result = read_paths(paths, session=..., year=..., units=state.unit_lookup())
    plan = plan_import((r for f in result.files for r in f.records), state,
                       problems=result.problems)
    plan.counts(), plan.rows[0].outcome, plan.rows[0].changes, plan.errors

The state is plain data the back-office fills from its database (`State`), keyed
like the records; the plan is what the back-office applies, unchanged.
"""

from importers.planning.plan import OUTCOME_LABELS, Change, Outcome, Plan, RowId, RowPlan, show
from importers.planning.planner import PLANNERS, plan_import
from importers.planning.state import (
    CoFacts,
    ContactFacts,
    DeputyFacts,
    EvaluationFacts,
    LiaisonFacts,
    NoticeFacts,
    OpinionFacts,
    ProgressFacts,
    State,
    UnitFacts,
)

__all__ = [
    "OUTCOME_LABELS",
    "PLANNERS",
    "Change",
    "CoFacts",
    "ContactFacts",
    "DeputyFacts",
    "EvaluationFacts",
    "LiaisonFacts",
    "NoticeFacts",
    "OpinionFacts",
    "Outcome",
    "Plan",
    "ProgressFacts",
    "RowId",
    "RowPlan",
    "State",
    "UnitFacts",
    "plan_import",
    "show",
]
