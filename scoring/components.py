"""Score components: measure, rescale when one has nothing to measure, and explain.

A score is the sum of its components already rounded. A component with nothing to
measure drops out, and that sum is rescaled from the weights still measured to the
full weight (100 with the default weights), then rounded again.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from scoring import wording
from scoring.points import ZERO, quotient, scaled_points
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

    def mean(self, label: str) -> Decimal:
        """Return the unrounded mean of the component with that label; 0 if there is none."""
        for component in self.components:
            if component.label == label:
                return mean(component)
        return ZERO


def mean(component: Component) -> Decimal:
    """Return what a component measured per item, unrounded; 0 when it measured nothing."""
    return quotient(component.part, component.whole) if component.whole else ZERO


NOTHING = Part((), None, ())


def rescale(measures: Sequence[Measure]) -> tuple[tuple[Component, ...], Decimal | None]:
    """Return the components and the score; the score is None when nothing was measured."""
    components = tuple(_component(measure) for measure in measures)
    total = sum((measure.weight for measure in measures), ZERO)
    measured = sum((measure.weight for measure in measures if measure.whole), ZERO)
    if not measured:
        return components, None
    points = sum((c.points for c in components if c.points is not None), ZERO)
    if measured == total:
        return components, points
    return components, scaled_points(total, points, measured)


def _component(measure: Measure) -> Component:
    if not measure.whole:
        return Component(measure.label, measure.weight, measure.part, 0, None)
    points = scaled_points(measure.weight, measure.part, measure.whole)
    return Component(measure.label, measure.weight, measure.part, measure.whole, points)


def summary(component: Component, body: str, nothing: str) -> Note:
    """Say what a component measured and what it gave, or why it dropped out."""
    if component.points is None:
        text = f"{component.label}：{nothing}，此项不计，得分按其余各项折算。"
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
    body = f"{subject}{len(graded)}件（{mix}），平均{wording.mean(mean(component))}"
    notes = [summary(component, body, f"没有{subject}")]
    notes.extend(
        Note(component.label, f"评为“{grade}”的：{wording.numbers(numbers)}。", tuple(numbers))
        for grade, numbers in _below_best(graded)
    )
    return notes


def _below_best(graded: Iterable[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    best = next(iter(GRADE_FIELDS))
    by_grade: dict[str, list[str]] = {}
    for number, grade in graded:
        if grade != best:
            by_grade.setdefault(grade, []).append(number)
    return [(grade, by_grade[grade]) for grade in GRADE_FIELDS if grade in by_grade]


def score_note(topic: str, components: Sequence[Component], score: Decimal) -> Note:
    """Show a score as the sum of its rounded components, rescaled if one dropped out."""
    measured = [c for c in components if c.points is not None]
    terms = "＋".join(wording.score(c.points) for c in measured if c.points is not None)
    if len(measured) == len(components):
        return Note(topic, f"{topic}＝{terms}＝{wording.score(score)}分。")
    full = wording.amount(sum((c.full for c in components), ZERO))
    weights = wording.amount(sum((c.full for c in measured), ZERO))
    text = f"{topic}＝（{terms}）×{full}÷{weights}＝{wording.score(score)}分。"
    return Note(topic, text)
