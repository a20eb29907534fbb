"""What-if: a year's ranking under candidate rules beside the ranking under its stored rules.

Nothing is written: the facts are read once and assessed twice.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import orm

import scoring
from backoffice.assessment.changes import Change, UnitRow, compare_results, rule_changes
from backoffice.assessment.facts import year_facts
from backoffice.assessment.rulesets import ruleset_for_year
from backoffice.assessment.snapshots import Snapshot, snapshot


@dataclass(frozen=True, slots=True)
class WhatIf:
    """The current and the candidate result, unit by unit, and the rules that differ."""

    current: Snapshot
    candidate: Snapshot
    units: tuple[UnitRow, ...]  # in the candidate's rank order
    rules: tuple[Change, ...]

    @property
    def moved(self) -> tuple[UnitRow, ...]:
        """Return the units whose rank, tier or bonus the candidate rules change."""
        keys = ("rank", "tier", "bonus")
        return tuple(
            row
            for row in self.units
            if any((row.before or {}).get(key) != (row.after or {}).get(key) for key in keys)
        )


def what_if(
    db_session: orm.Session, year: int, as_of: date, candidate: scoring.Ruleset
) -> WhatIf:
    """Assess the year on as_of under its stored rules and under candidate rules."""
    facts = year_facts(db_session, year, as_of)
    current = snapshot(scoring.assess(facts, ruleset_for_year(db_session, year)))
    trial = snapshot(scoring.assess(facts, candidate))
    return WhatIf(
        current,
        trial,
        tuple(compare_results(current.result, trial.result)),
        tuple(rule_changes(current.rules, trial.rules)),
    )
