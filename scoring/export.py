"""The assessment as plain JSON: the shape of `assessment` in expected.json."""

from decimal import Decimal

from scoring.points import round_points
from scoring.result import Assessment, UnitAssessment
from scoring.rules import Ruleset


def assessment_json(assessment: Assessment) -> dict:
    """Return the assessment as the JSON-able dict the CLI and the fixtures use."""
    return {
        "year": assessment.year,
        "rules": rules_json(assessment.ruleset),
        "units": [unit_json(unit) for unit in assessment.units],
    }


def rules_json(rules: Ruleset) -> dict:
    """Return the ruleset's advanced-unit rules as the result shows them."""
    return {
        "advanced": rules.advanced,
        "tiers": [tier.size for tier in rules.tiers],
        "bonus": [str(tier.bonus) for tier in rules.tiers],
        "min_score": str(rules.min_score),
        "min_lead": rules.min_lead,
        "exclude_overdue": rules.exclude_overdue,
        "downgrade_overdue": rules.downgrade_overdue,
    }


def unit_json(unit: UnitAssessment) -> dict:
    """Return one unit's figures, decimals as strings."""
    return {
        "rank": unit.rank,
        "unit": unit.unit,
        "lead": unit.lead_count,
        "co": unit.co_count,
        "lead_score": _text(unit.lead_score),
        "co_score": _text(unit.co_score),
        # A component with nothing to measure dropped out, so it is not listed.
        "components": {c.label: str(c.points) for c in unit.components if c.points is not None},
        "base": str(unit.base),
        "adjustments": {a.label: str(round_points(a.points)) for a in unit.adjustments},
        "final": str(unit.final),
        "overdue": unit.overdue,
        "liaison_changes": unit.liaison_changes,
        "tier": unit.tier,
        "bonus": _text(unit.bonus),
    }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
