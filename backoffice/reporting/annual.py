"""The annual report's figures (the seed's section 一、基本情况), from plain facts.

Pure: facts of one session in, `AnnualReport` out; no Flask, no database. Percentages
are whole numbers by the largest-remainder method (each breakdown sums to 100; ties go
to the first in the listed order); 办结率 rounds half up (docs/domain.md, "The report").
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from importers.vocabulary import ANSWER_TYPE_LABELS, AnswerType, Category, Grade

# A and D conclude on reply; B and C when the work is done.
CONCLUDED_ON_REPLY = frozenset({AnswerType.SOLVED.value, AnswerType.REFERENCE.value})


@dataclass(frozen=True)
class Feedback:
    """A deputy's feedback on the reply (the latest one as of the date counts)."""

    on: date
    grade: str | None = None
    praised: bool = False


@dataclass(frozen=True)
class OpinionFacts:
    """What the report reads of one opinion."""

    number: str
    category: str
    lead_unit: str
    assigned_on: date
    co_units: tuple[str, ...] = ()
    replied_on: date | None = None
    answer_type: str | None = None
    concluded_on: date | None = None
    feedback: tuple[Feedback, ...] = ()
    supervised: bool = False


@dataclass(frozen=True)
class Share:
    count: int
    percent: int


@dataclass(frozen=True)
class AnnualReport:
    """Every figure of section 一 as of a date."""

    session: str
    as_of: date
    total: int
    units: int
    by_category: dict[str, Share]
    answered: int
    answering: int
    by_answer_type: dict[str, Share]  # by label, e.g. 已经解决
    in_progress_concluded: int  # B concluded
    planned_concluded: int  # C concluded early
    concluded: int
    conclusion_rate: int
    evaluated: int
    by_satisfaction: dict[str, Share]
    praised_opinions: int
    praised_units: int
    supervised: int
    supervised_concluded: int
    # Not in the JSON: lead units by praised opinions, most first (the prose names three).
    praised_by_unit: tuple[tuple[str, int], ...] = field(default=(), compare=False)

    def share(self, answer_type: AnswerType) -> Share:
        return self.by_answer_type[ANSWER_TYPE_LABELS[answer_type]]

    def to_json(self) -> dict[str, Any]:
        """Return the report as `report` in tests/fixtures/expected/*.json."""

        def shares(breakdown: Mapping[str, Share]) -> dict[str, dict[str, int]]:
            return {k: {"count": s.count, "percent": s.percent} for k, s in breakdown.items()}

        return {
            "session": self.session,
            "as_of": self.as_of.isoformat(),
            "total": self.total,
            "units": self.units,
            "by_category": shares(self.by_category),
            "answered": self.answered,
            "answering": self.answering,
            "by_answer_type": shares(self.by_answer_type),
            "in_progress_concluded": self.in_progress_concluded,
            "planned_concluded": self.planned_concluded,
            "concluded": self.concluded,
            "conclusion_rate": self.conclusion_rate,
            "evaluated": self.evaluated,
            "by_satisfaction": shares(self.by_satisfaction),
            "praised_opinions": self.praised_opinions,
            "praised_units": self.praised_units,
            "supervised": self.supervised,
            "supervised_concluded": self.supervised_concluded,
        }


def largest_remainder(counts: Sequence[int]) -> list[int]:
    """Return whole percentages of counts summing to 100 (all 0 when the total is 0).

    Each gets the floor of its exact share; the points left go one each to the largest
    remainders, ties to the earlier count.
    """
    total = sum(counts)
    if total == 0:
        return [0] * len(counts)
    exact = [Fraction(100 * count, total) for count in counts]
    percents = [int(share) for share in exact]
    left = 100 - sum(percents)
    by_remainder = sorted(range(len(counts)), key=lambda i: (-(exact[i] - percents[i]), i))
    for index in by_remainder[:left]:
        percents[index] += 1
    return percents


def half_up_percent(part: int, whole: int) -> int:
    """Return part/whole as a whole percentage rounded half up (0 when whole is 0)."""
    if whole == 0:
        return 0
    exact = Decimal(100 * part) / Decimal(whole)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _breakdown(counter: Counter, keys: Sequence[str], labels: Sequence[str]) -> dict[str, Share]:
    counts = [counter[key] for key in keys]
    return {
        label: Share(count, percent)
        for label, count, percent in zip(labels, counts, largest_remainder(counts), strict=True)
    }


def _done(day: date | None, as_of: date) -> bool:
    return day is not None and day <= as_of


def latest_feedback(opinion: OpinionFacts, as_of: date) -> Feedback | None:
    """Return the last feedback given on or before as_of."""
    given = [f for f in opinion.feedback if f.on <= as_of]
    return max(given, key=lambda f: f.on) if given else None


def is_concluded(opinion: OpinionFacts, as_of: date) -> bool:
    """Tell whether the opinion was concluded on as_of (A and D on their reply)."""
    if not _done(opinion.replied_on, as_of):
        return False
    return opinion.answer_type in CONCLUDED_ON_REPLY or _done(opinion.concluded_on, as_of)


def annual_report(session: str, as_of: date, opinions: Sequence[OpinionFacts]) -> AnnualReport:
    """Return the report of a session's opinions as of a date."""
    assigned = [o for o in opinions if o.assigned_on <= as_of]
    answered = [o for o in assigned if _done(o.replied_on, as_of) and o.answer_type]
    concluded = [o for o in answered if is_concluded(o, as_of)]
    concluded_types = Counter(o.answer_type for o in concluded)
    graded = [f for f in (latest_feedback(o, as_of) for o in assigned) if f and f.grade]
    praised = [o for o in assigned if (f := latest_feedback(o, as_of)) and f.praised]
    praised_by_unit = Counter(o.lead_unit for o in praised)
    supervised = [o for o in assigned if o.supervised]
    units = {o.lead_unit for o in assigned} | {u for o in assigned for u in o.co_units}
    categories = [c.value for c in Category]
    answer_types = [t.value for t in AnswerType]
    grades = [g.value for g in Grade]
    return AnnualReport(
        session=session,
        as_of=as_of,
        total=len(assigned),
        units=len(units),
        by_category=_breakdown(Counter(o.category for o in assigned), categories, categories),
        answered=len(answered),
        answering=len(assigned) - len(answered),
        by_answer_type=_breakdown(
            Counter(o.answer_type for o in answered),
            answer_types,
            [ANSWER_TYPE_LABELS[AnswerType(t)] for t in answer_types],
        ),
        in_progress_concluded=concluded_types[AnswerType.SOLVING.value],
        planned_concluded=concluded_types[AnswerType.PLANNED.value],
        concluded=len(concluded),
        conclusion_rate=half_up_percent(len(concluded), len(answered)),
        evaluated=len(graded),
        by_satisfaction=_breakdown(Counter(f.grade for f in graded), grades, grades),
        praised_opinions=len(praised),
        praised_units=len(praised_by_unit),
        supervised=len(supervised),
        supervised_concluded=sum(1 for o in supervised if is_concluded(o, as_of)),
        praised_by_unit=tuple(sorted(praised_by_unit.items(), key=lambda kv: (-kv[1], kv[0]))),
    )
