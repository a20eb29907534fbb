"""Rank every assessed unit and pick the advanced units (先进单位) by tier."""

from collections.abc import Iterable
from dataclasses import replace

from scoring import wording
from scoring.result import Note, UnitAssessment
from scoring.rules import Ruleset, tier_name

ADVANCED = "先进单位"


def ranking_key(unit: UnitAssessment) -> tuple:
    """Order units: final desc, mean grade desc, overdue events asc, name by code point."""
    return (-unit.final, -unit.mean_grade, unit.overdue, unit.unit)


def rank(units: Iterable[UnitAssessment], rules: Ruleset) -> tuple[UnitAssessment, ...]:
    """Return the units in rank order with rank, tier, bonus and the reasons for them."""
    ordered = sorted(units, key=ranking_key)
    total = len(ordered)
    ranked = []
    position = 0  # among the candidates
    for number, unit in enumerate(ordered, start=1):
        notes = [Note(ADVANCED, f"综合排名第{number}名（共{total}个单位）。")]
        reasons = exclusions(unit, rules)
        tier = None
        if reasons:
            notes.extend(Note(ADVANCED, reason) for reason in reasons)
        else:
            position += 1
            tier, tier_notes = place(unit, position, rules)
            notes.extend(tier_notes)
        bonus = rules.tiers[tier - 1].bonus if tier else None
        if bonus is not None:
            notes.append(
                Note(
                    ADVANCED,
                    f"评为{tier_name(tier)}先进单位，绩效考核综合分加{wording.amount(bonus)}分。",
                )
            )
        ranked.append(
            replace(unit, rank=number, tier=tier, bonus=bonus, notes=unit.notes + tuple(notes))
        )
    return tuple(ranked)


def exclusions(unit: UnitAssessment, rules: Ruleset) -> list[str]:
    """Return why a unit cannot be a candidate for advanced unit; empty if it can."""
    reasons = []
    if unit.final < rules.min_score:
        reasons.append(
            f"最终得分{wording.score(unit.final)}分，低于{wording.amount(rules.min_score)}分，不能评为先进单位。"
        )
    if unit.lead_count < rules.min_lead:
        reasons.append(f"主办意见{unit.lead_count}件，少于{rules.min_lead}件，不能评为先进单位。")
    if unit.overdue >= rules.exclude_overdue:
        reasons.append(f"超期{unit.overdue}次，满{rules.exclude_overdue}次即不能评为先进单位。")
    return reasons


def place(unit: UnitAssessment, position: int, rules: Ruleset) -> tuple[int | None, list[Note]]:
    """Return the tier a candidate's position gives after any downgrade, with the reasons."""
    lead_in = f"在先进候选单位中列第{position}名"
    tier = tier_at(position, rules)
    if tier is None:
        text = f"{lead_in}，超出{rules.advanced}个先进名额，未评为先进单位。"
        return None, [Note(ADVANCED, text)]
    notes = [Note(ADVANCED, f"{lead_in}，按名次列{tier_name(tier)}。")]
    if rules.downgrade_overdue is not None and unit.overdue >= rules.downgrade_overdue:
        lower = tier + 1 if tier < len(rules.tiers) else None
        outcome = f"降为{tier_name(lower)}" if lower else "降档后不再评为先进单位，名额不递补"
        notes.append(
            Note(
                ADVANCED,
                f"超期{unit.overdue}次（满{rules.downgrade_overdue}次降一档），由{tier_name(tier)}{outcome}。",
            )
        )
        tier = lower
    return tier, notes


def tier_at(position: int, rules: Ruleset) -> int | None:
    """Return the 1-based tier of a candidate's 1-based position; None past the places."""
    if position > rules.advanced:
        return None
    reached = 0
    for number, tier in enumerate(rules.tiers, start=1):
        reached += tier.size
        if position <= reached:
            return number
    return None
