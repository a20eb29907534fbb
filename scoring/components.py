"""Score components: measure, rescale when one has nothing to measure, and explain.

A score is the sum of its components already rounded. A component with nothing to
measure drops out and the others are scaled up so the score keeps its full points.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from scoring import wording
from scoring.points import ZERO, quotient, round_points, scaled_points
from scoring.result import Component, Note
from scoring.rules import GRADE_FIELDS


@dataclass(frozen=True, slots=True)
class Measure:
    """What a component measured: `part` out of `whole` (0: nothing to measure)."""

    label: str
    weight: Decimal
    part: Decimal
    whole: int


@dataclass(frozen=True, slots=True)
class Part:
    """A lead or co-handling score with its components and their explanation."""

    components: tuple[Component, ...]
    score: Decimal | None
    notes: tuple[Note, ...]


def rescale(measures: Sequence[Measure]) -> tuple[tuple[Component, ...], Decimal | None]:
    """Return the components and their sum; the sum is None when nothing was measured."""
    total = sum((measure.weight for measure in measures), ZERO)
    measured = sum((measure.weight for measure in measures if measure.whole), ZERO)
    components = tuple(_component(measure, total, measured) for measure in measures)
    if not measured:
        return components, None
    return components, sum((c.points for c in components if c.points is not None), ZERO)


def _component(measure: Measure, total: Decimal, measured: Decimal) -> Component:
    if not measure.whole:
        return Component(measure.label, ZERO, measure.part, 0, None)
    # weight × total / measured is the component's rescaled worth; multiply before dividing.
    points = scaled_points(measure.weight * total, measure.part, measured * measure.whole)
    full = round_points(quotient(measure.weight * total, measured))
    return Component(measure.label, full, measure.part, measure.whole, points)


def summary(component: Component, body: str, nothing: str) -> Note:
    """Say what a component measured and what it gave, or why it dropped out."""
    if component.points is None:
        text = f"{component.label}：{nothing}，此项不计，其余各项按比例折算。"
    else:
        text = (
            f"{component.label}：{body}，得{wording.score(component.points)}分"
            f"（满分{wording.amount(component.full)}分）。"
        )
    return Note(component.label, text)


def listing(component: Component, lead_in: str, items: Sequence[tuple[str, str]]) -> list[Note]:
    """Name the opinions behind a component, each with a short reason; nothing if none."""
    if not items:
        return []
    text = lead_in + "、".join(f"{wording.numbers([number])}（{why}）" for number, why in items)
    return [Note(component.label, text + "。", tuple(number for number, _ in items))]


def grade_notes(
    component: Component, graded: Sequence[tuple[str, str]], subject: str
) -> list[Note]:
    """Explain a component that averages grades: the mix, the mean, who lost points."""
    counts = Counter(grade for _, grade in graded)
    mix = "、".join(f"{grade}{counts[grade]}件" for grade in GRADE_FIELDS if counts[grade])
    body = f"{subject}{len(graded)}件（{mix}），平均{wording.mean(_mean(component))}"
    notes = [summary(component, body, f"没有{subject}")]
    notes.extend(
        Note(component.label, f"评为“{grade}”的：{wording.numbers(numbers)}。", tuple(numbers))
        for grade, numbers in _below_best(graded)
    )
    return notes


def _mean(component: Component) -> Decimal:
    return quotient(component.part, component.whole) if component.whole else ZERO


def _below_best(graded: Iterable[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    best = next(iter(GRADE_FIELDS))
    by_grade: dict[str, list[str]] = {}
    for number, grade in graded:
        if grade != best:
            by_grade.setdefault(grade, []).append(number)
    return [(grade, by_grade[grade]) for grade in GRADE_FIELDS if grade in by_grade]


def score_note(topic: str, components: Sequence[Component], score: Decimal) -> Note:
    """Show a score as the sum of its rounded components."""
    terms = "＋".join(wording.score(c.points) for c in components if c.points is not None)
    return Note(topic, f"{topic}＝{terms}＝{wording.score(score)}分。")
