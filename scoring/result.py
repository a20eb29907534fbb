"""What an assessment gives: every figure of every unit, with the sentences behind it."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scoring.rules import Ruleset


@dataclass(frozen=True, slots=True)
class Note:
    """One sentence of a unit's explanation, about one figure.

    `topic` names the figure (a component, an adjustment, 基础分, 超期, 先进...);
    `opinions` holds the numbers of the opinions behind it, for links.
    """

    topic: str
    text: str
    opinions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Component:
    """One component of the lead or co-handling score.

    `part` out of `whole` is what was measured; `full` is its weight. `whole` is 0 when
    there was nothing to measure: then `points` is None and the score was rescaled.
    """

    label: str
    full: Decimal
    part: Decimal
    whole: int
    points: Decimal | None


@dataclass(frozen=True, slots=True)
class Adjustment:
    """Points added to or taken from the base score, with the opinions behind them."""

    label: str
    points: Decimal
    opinions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OverdueEvent:
    """A step done after its due date, or still not done after it at `as_of`."""

    kind: str  # 超期签收, 超期面商, 超期答复, 超期会办
    unit: str
    opinion: str
    due: date
    done_on: date | None
    # Set when the unit led the opinion only until then (改派): a step of its own schedule.
    reassigned_on: date | None = None


@dataclass(frozen=True, slots=True)
class UnitAssessment:
    """Everything the assessment says about one unit."""

    unit: str
    lead_count: int
    co_count: int
    lead_components: tuple[Component, ...]
    co_components: tuple[Component, ...]
    lead_score: Decimal | None
    co_score: Decimal | None
    base: Decimal
    adjustments: tuple[Adjustment, ...]
    final: Decimal
    overdue_events: tuple[OverdueEvent, ...]
    liaison_changes: int
    # Unrounded mean grade of the evaluated lead opinions (0 when none): first tiebreak.
    mean_grade: Decimal
    notes: tuple[Note, ...]
    rank: int = 0
    tier: int | None = None
    bonus: Decimal | None = None

    @property
    def overdue(self) -> int:
        """Return the number of overdue events."""
        return len(self.overdue_events)

    @property
    def components(self) -> tuple[Component, ...]:
        """Return the lead components followed by the co-handling ones."""
        return self.lead_components + self.co_components


@dataclass(frozen=True, slots=True)
class Assessment:
    """A year's assessment: the units in rank order, and the rules that gave it."""

    year: int
    as_of: date
    ruleset: Ruleset
    units: tuple[UnitAssessment, ...]

    def unit(self, name: str) -> UnitAssessment:
        """Return one unit's assessment; raise KeyError when it was not assessed."""
        for unit in self.units:
            if unit.unit == name:
                return unit
        raise KeyError(name)

    @property
    def advanced(self) -> tuple[UnitAssessment, ...]:
        """Return the advanced units, best first."""
        return tuple(unit for unit in self.units if unit.tier is not None)
