"""Time the year-end assessment on a synthetic year of 10,000 opinions and 200 units.

Run: .venv/bin/python bench/bench_scoring.py [--opinions N] [--units N] [--runs N]
Target: assess() under one second (the facts are built once, outside the timing).
"""

import argparse
import random
import time
from datetime import date, timedelta

from scoring import (
    CoHandling,
    LiaisonTerm,
    Notice,
    Opinion,
    Unit,
    YearFacts,
    assess,
    ruleset_for,
)

YEAR = 2017
ASSIGNED = date(YEAR, 2, 20)
ACCEPTANCE_DUE = date(YEAR, 3, 1)
CONSULTATION_DUE = date(YEAR, 3, 20)
REPLY_DUE = date(YEAR, 5, 20)
CO_OPINION_DUE = date(YEAR, 3, 20)
AS_OF = date(YEAR, 12, 15)
GRADES = ("好", "较好", "一般", "较差", "差")
GRADE_WEIGHTS = (70, 20, 7, 2, 1)
STAGES = ("办前", "办中", "办后")


def around(rng: random.Random, due: date, late_share: float) -> date:
    """Return a day before due, or after it for about `late_share` of the calls."""
    if rng.random() < late_share:
        return due + timedelta(days=rng.randint(1, 40))
    return due - timedelta(days=rng.randint(0, 10))


def synthetic_opinion(rng: random.Random, number: int, unit: str) -> Opinion:
    """Return one opinion with realistic shares of late, unanswered and returned ones."""
    answered = rng.random() > 0.01
    answer_type = rng.choices("ABCD", weights=(43, 29, 14, 14))[0] if answered else None
    replied_on = around(rng, REPLY_DUE, 0.01) if answered else None
    concluded = answer_type in ("A", "D") or (answer_type is not None and rng.random() < 0.7)
    return Opinion(
        number=f"{number:05d}",
        lead_unit=unit,
        assigned_on=ASSIGNED,
        acceptance_due=ACCEPTANCE_DUE,
        consultation_due=CONSULTATION_DUE,
        reply_due=REPLY_DUE,
        accepted_on=around(rng, ACCEPTANCE_DUE, 0.005),
        consulted_on=around(rng, CONSULTATION_DUE, 0.01),
        replied_on=replied_on,
        answer_type=answer_type,
        concluded_on=replied_on if concluded else None,
        grade=rng.choices(GRADES, GRADE_WEIGHTS)[0] if answered and rng.random() < 0.97 else None,
        praised=rng.random() < 0.28,
        returned=rng.random() < 0.03,
        signed_off_on=(
            replied_on - timedelta(days=2)
            if answer_type == "D" and replied_on and rng.random() < 0.95
            else None
        ),
        contact_stages=frozenset(stage for stage in STAGES if rng.random() < 0.93),
    )


def synthetic_year(opinions: int, units: int, seed: int = 2017) -> YearFacts:
    """Return a year of facts drawn from a seeded generator."""
    rng = random.Random(seed)
    names = [f"单位{n:03d}" for n in range(units)]
    lead = [synthetic_opinion(rng, n, rng.choice(names)) for n in range(1, opinions + 1)]
    co_handlings = tuple(
        CoHandling(
            unit=unit,
            opinion=item.number,
            due=CO_OPINION_DUE,
            submitted_on=around(rng, CO_OPINION_DUE, 0.01),
            lead_grade=rng.choices(GRADES, GRADE_WEIGHTS)[0],
            deputy_grade=rng.choices(GRADES, GRADE_WEIGHTS)[0] if rng.random() < 0.95 else None,
        )
        for item in lead
        for unit in rng.sample([n for n in names if n != item.lead_unit], rng.choice((0, 0, 1, 2)))
    )
    notices = tuple(
        Notice(rng.choice(names), date(YEAR, month, 20), "通报批评", "超期答复")
        for month in (4, 7, 11)
        for _ in range(units // 20)
    )
    terms = []
    for name in names:
        start = date(YEAR - 1, rng.randint(1, 12), 1)
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            end = start + timedelta(days=rng.randint(60, 400))
            terms.append(LiaisonTerm(name, start, end))
            start = end + timedelta(days=1)
        terms.append(LiaisonTerm(name, start, None))
    return YearFacts(
        year=YEAR,
        as_of=AS_OF,
        units=tuple(Unit(name) for name in names),
        opinions=tuple(lead),
        co_handlings=co_handlings,
        notices=notices,
        liaison_terms=tuple(terms),
    )


def main() -> None:
    """Build the synthetic year once, then time assess() and print the best run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opinions", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    facts = synthetic_year(args.opinions, args.units)
    rules = ruleset_for(YEAR)
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        assessment = assess(facts, rules)
        timings.append(time.perf_counter() - started)
    notes = sum(len(unit.notes) for unit in assessment.units)
    print(
        f"scoring: {len(facts.opinions)} opinions, {len(facts.co_handlings)} co-handlings, "
        f"{len(assessment.units)} units assessed, {len(assessment.advanced)} advanced, "
        f"{notes} explanation notes"
    )
    print(
        f"assess(): best {min(timings):.3f} s, median {sorted(timings)[len(timings) // 2]:.3f} s "
        f"over {args.runs} runs (target < 1 s)"
    )


if __name__ == "__main__":
    main()
