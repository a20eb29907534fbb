"""What changed between two assessments of a year, or between two rulesets.

Works on the plain JSON forms (`scoring.assessment_json`, `Ruleset.to_dict`), so a
published version frozen years ago compares with today's result the same way as the
what-if compares the current rules with a candidate.
"""

from dataclasses import dataclass
from typing import Any

from scoring.rules import LABELS, TIMELINESS_LABELS, CoWeights, LeadWeights, tier_name

# The figures of a unit in the result JSON, in the order a change list reads them.
FIGURE_LABELS = {
    "rank": "名次",
    "lead": "主办件数",
    "co": "会办件数",
    "lead_score": "主办得分",
    "co_score": "会办得分",
    "base": "基础分",
    "final": "最终得分",
    "overdue": "超期次数",
    "liaison_changes": "联络员调整次数",
    "tier": "档次",
    "bonus": "加分",
}
_NESTED = ("components", "adjustments")
NOTHING = "—"
_GROUP_LABELS = {
    "lead_weights": {"timeliness": TIMELINESS_LABELS[LeadWeights]},
    "co_weights": {"timeliness": TIMELINESS_LABELS[CoWeights]},
}


@dataclass(frozen=True, slots=True)
class Change:
    """One figure or rule that differs: what it is called, before and after, as text."""

    label: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class UnitRow:
    """A unit's standing before and after, for a side-by-side table."""

    unit: str
    before: dict[str, Any] | None  # the unit's JSON in the earlier result; None if absent
    after: dict[str, Any] | None
    changes: tuple[Change, ...]

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def tier_text(tier: int | None) -> str:
    """Return a tier as the result shows it: 一档, or — when not advanced."""
    return tier_name(tier) if tier else NOTHING


def _text(key: str, value: Any) -> str:
    if value is None:
        return NOTHING
    if key == "tier":
        return tier_text(value)
    return str(value)


def unit_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """List the figures of a unit that differ between two results (a missing unit: all)."""
    before, after = before or {}, after or {}
    changes = []
    for key, label in FIGURE_LABELS.items():
        old, new = before.get(key), after.get(key)
        if old != new:
            changes.append(Change(label, _text(key, old), _text(key, new)))
    for group in _NESTED:
        old_group, new_group = before.get(group) or {}, after.get(group) or {}
        for label in dict.fromkeys([*old_group, *new_group]):
            old, new = old_group.get(label), new_group.get(label)
            if old != new:
                changes.append(Change(label, _text(label, old), _text(label, new)))
    return changes


def compare_results(before: dict[str, Any], after: dict[str, Any]) -> list[UnitRow]:
    """Pair each unit's standing in two results, in the later result's rank order.

    Units only in the earlier result come last, in their earlier order.
    """
    old = {unit["unit"]: unit for unit in before["units"]}
    new = {unit["unit"]: unit for unit in after["units"]}
    names = [*new, *(name for name in old if name not in new)]
    return [
        UnitRow(
            name, old.get(name), new.get(name), tuple(unit_changes(old.get(name), new.get(name)))
        )
        for name in names
    ]


def rule_changes(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """List the rules that differ between two rulesets (as `Ruleset.to_dict` gives them)."""
    old, new = flat_rules(before), flat_rules(after)
    return [
        Change(label, old.get(label, NOTHING), new.get(label, NOTHING))
        for label in dict.fromkeys([*old, *new])
        if old.get(label) != new.get(label)
    ]


def flat_rules(rules: dict[str, Any]) -> dict[str, str]:
    """Return each rule by its Chinese label, as text; the tiers as one line."""
    flat: dict[str, str] = {}
    for key, value in rules.items():
        if key == "year":
            continue
        if key == "tiers":
            flat["档次（名额／加分）"] = "、".join(
                f"{tier_name(number)}{tier['size']}名／{tier['bonus']}分"
                for number, tier in enumerate(value, start=1)
            )
        elif isinstance(value, dict):
            labels = _GROUP_LABELS.get(key, {})
            for name, item in value.items():
                flat[labels.get(name) or LABELS.get(name, name)] = str(item)
        elif key == "downgrade_overdue" and value is None:
            flat[LABELS[key]] = "不降档"
        else:
            flat[LABELS.get(key, key)] = _text(key, value)
    return flat
