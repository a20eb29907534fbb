"""Hand-made facts for the rule tests: a well-handled opinion unless a test says otherwise."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from scoring import (
    CoHandling,
    LiaisonTerm,
    Notice,
    Opinion,
    Ruleset,
    Tier,
    Unit,
    UnitAssessment,
    YearFacts,
)
from scoring.result import OverdueEvent

YEAR = 2017
AS_OF = date(2017, 12, 15)
ASSIGNED = date(2017, 2, 20)
ACCEPTANCE_DUE = date(2017, 3, 1)
CONSULTATION_DUE = date(2017, 3, 20)
REPLY_DUE = date(2017, 5, 20)
CO_OPINION_DUE = date(2017, 3, 20)
ALL_STAGES = frozenset({"办前", "办中", "办后"})

_PERFECT = Opinion(
    number="0000",
    lead_unit="",
    assigned_on=ASSIGNED,
    acceptance_due=ACCEPTANCE_DUE,
    consultation_due=CONSULTATION_DUE,
    reply_due=REPLY_DUE,
    accepted_on=date(2017, 2, 22),
    consulted_on=date(2017, 3, 1),
    replied_on=date(2017, 4, 10),
    answer_type="A",
    concluded_on=date(2017, 4, 10),
    grade="好",
    contact_stages=ALL_STAGES,
)


def opinion(number: str, unit: str, **changes) -> Opinion:
    """Return an opinion handled on time, solved, fully contacted and graded 好."""
    return replace(_PERFECT, number=number, lead_unit=unit, **changes)


def co_handling(unit: str, number: str, **changes) -> CoHandling:
    """Return a co-handling submitted on time and graded 好 by lead unit and deputies."""
    values = {
        "due": CO_OPINION_DUE,
        "submitted_on": date(2017, 3, 10),
        "lead_grade": "好",
        "deputy_grade": "好",
    }
    return CoHandling(unit=unit, opinion=number, **(values | changes))


def year_facts(
    opinions: tuple[Opinion, ...] = (),
    co_handlings: tuple[CoHandling, ...] = (),
    notices: tuple[Notice, ...] = (),
    liaison_terms: tuple[LiaisonTerm, ...] = (),
    as_of: date = AS_OF,
    year: int = YEAR,
) -> YearFacts:
    """Return a year's facts; the unit list is every unit the facts name."""
    names = (
        [o.lead_unit for o in opinions]
        + [c.unit for c in co_handlings]
        + [n.unit for n in notices]
        + [t.unit for t in liaison_terms]
    )
    return YearFacts(
        year=year,
        as_of=as_of,
        units=tuple(Unit(name) for name in dict.fromkeys(names)),
        opinions=opinions,
        co_handlings=co_handlings,
        notices=notices,
        liaison_terms=liaison_terms,
    )


def numbered(unit: str, count: int, start: int = 1, **changes) -> tuple[Opinion, ...]:
    """Return `count` opinions of a unit numbered from `start`, all alike."""
    return tuple(opinion(f"{n:04d}", unit, **changes) for n in range(start, start + count))


def scored(
    name: str,
    final: str,
    mean_grade: str = "1",
    overdue: int = 0,
    lead_count: int = 3,
) -> UnitAssessment:
    """Return an unranked unit with the figures the ranking reads, for ranking tests."""
    events = tuple(
        OverdueEvent("超期答复", name, f"{n:04d}", REPLY_DUE, None) for n in range(overdue)
    )
    return UnitAssessment(
        unit=name,
        lead_count=lead_count,
        co_count=0,
        lead_components=(),
        co_components=(),
        lead_score=None,
        co_score=None,
        base=Decimal(final),
        adjustments=(),
        final=Decimal(final),
        overdue_events=events,
        liaison_changes=0,
        mean_grade=Decimal(mean_grade),
        notes=(),
    )


def three_single_tiers(**changes) -> Ruleset:
    """Return 2017-like rules with three tiers of one place each (+0.3, +0.2, +0.1)."""
    tiers = (Tier(1, Decimal("0.3")), Tier(1, Decimal("0.2")), Tier(1, Decimal("0.1")))
    return Ruleset(year=YEAR, advanced=3, tiers=tiers, **changes)
