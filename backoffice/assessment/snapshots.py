"""An assessment in plain JSON form: what pages and sheets show and what publishing freezes.

Live results and published versions both become a `Snapshot`, so one template and one
sheet writer serve both, and a frozen version never depends on today's code or data.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import scoring


@dataclass(frozen=True, slots=True)
class Section:
    """The sentences of a unit's explanation about one figure (a topic)."""

    topic: str
    notes: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A year's result: `result` in the CLI's JSON shape, `rules` as Ruleset.to_dict(),
    `explanations` each unit's notes as {"topic", "text", "opinions"}."""

    year: int
    as_of: date
    rules: dict[str, Any]
    result: dict[str, Any]
    explanations: dict[str, list[dict[str, Any]]]

    def unit(self, name: str) -> dict[str, Any] | None:
        """Return one unit's figures, or None when it was not assessed."""
        return next((unit for unit in self.result["units"] if unit["unit"] == name), None)

    def sections(self, name: str) -> list[Section]:
        """Return a unit's explanation grouped by topic, topics in the order first met."""
        grouped: dict[str, list[dict[str, Any]]] = {}
        for note in self.explanations.get(name, []):
            grouped.setdefault(note["topic"], []).append(note)
        return [Section(topic, tuple(notes)) for topic, notes in grouped.items()]

    def opinion_numbers(self) -> set[str]:
        """Return the numbers of every opinion the explanations name."""
        return {
            number
            for notes in self.explanations.values()
            for note in notes
            for number in note["opinions"]
        }


def snapshot(assessment: scoring.Assessment) -> Snapshot:
    """Return an assessment's plain form."""
    return Snapshot(
        year=assessment.year,
        as_of=assessment.as_of,
        rules=assessment.ruleset.to_dict(),
        result=scoring.assessment_json(assessment),
        explanations={
            unit.unit: [
                {"topic": note.topic, "text": note.text, "opinions": list(note.opinions)}
                for note in unit.notes
            ]
            for unit in assessment.units
        },
    )
