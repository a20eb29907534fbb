"""Weigh a column's header and values into candidates, then give each column one field.

A column is matched only when its best candidate reaches `THRESHOLD` and leads the
runner-up by `MARGIN`; otherwise it stays unmatched and its two best candidates are
reported. A field is fed by one column at most: columns are served best first.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from importers.columns import How

THRESHOLD = 0.6  # the least confidence a proposed match may have
MARGIN = 0.1  # how far ahead of the runner-up it must be
SIMILAR_FLOOR = 0.4  # header similarity below this is no evidence at all
# Values: a column whose header says nothing is matched by its cells only when nearly all
# sampled cells read as the field's values; it is then less sure than a header.
VALUES_FIT = 0.9
VALUES_WEIGHT = 0.7
# Values and a similar header: most cells fitting confirms it (a bonus that keeps the gaps
# between candidates the values confirm alike), few fitting contradicts it.
CONFIRMS, CONFIRM_BONUS = 0.8, 0.1
CONTRADICTS, CONTRADICTION_FACTOR = 0.3, 0.5
_ROUNDING = 1e-9  # 0.95 - 0.85 is a hair under 0.1 in floating point
CERTAINTY_CAP = 0.99  # only an equal header or the user's mapping is certain


@dataclass(frozen=True)
class Candidate:
    """A field a column may feed, how that was found, and how sure it is."""

    field: str
    how: How
    confidence: float


@dataclass
class Resolution:
    """The columns given a field, and those left unmatched with their best candidates."""

    chosen: dict[int, Candidate] = field(default_factory=dict)
    unclear: dict[int, list[Candidate]] = field(default_factory=dict)


def candidates_for(similarities: Mapping[str, float],
                   fits: Mapping[str, float | None],
                   weighing: Mapping[str, float | None] | None = None) -> list[Candidate]:
    """Return the fields a column may feed, best first, from its header's similarity to
    each field and the share of its sampled cells that read as each field's values.

    A header close enough to some field decides among the fields it resembles, its values
    confirming or contradicting each; only a header that says too little lets the values
    alone propose fields (then several fields of one type are a tie, and stay unmatched).
    `weighing` are the fits that confirm or contradict a header, if on fewer cells than
    values alone need: a single date under 办结 says it is no yes-or-no.
    """
    weighing = fits if weighing is None else weighing
    by_header = {name: _weighed(similar, weighing.get(name))
                 for name, similar in similarities.items() if similar >= SIMILAR_FLOOR}
    found = [Candidate(name, How.SIMILAR, confidence) for name, confidence in by_header.items()]
    if max(by_header.values(), default=0.0) < THRESHOLD:
        by_values = {name: VALUES_WEIGHT * fit for name, fit in fits.items()
                     if fit is not None and fit >= VALUES_FIT}
        found = [c for c in found if by_values.get(c.field, 0.0) <= c.confidence]
        found += [Candidate(name, How.VALUES, confidence) for name, confidence in by_values.items()
                  if confidence > by_header.get(name, 0.0)]
    return sorted(found, key=lambda c: -c.confidence)


def _weighed(similar: float, fit: float | None) -> float:
    if fit is None:
        return similar
    if fit >= CONFIRMS:
        return min(CERTAINTY_CAP, similar + CONFIRM_BONUS)
    if fit < CONTRADICTS:
        return similar * CONTRADICTION_FACTOR
    return similar


def assign(columns: Mapping[int, list[Candidate]], taken: Collection[str] = ()) -> Resolution:
    """Give columns fields not `taken`, surest first, each only when clearly ahead.

    A column torn between two fields is tried again once another column has clearly
    taken one of them: beside 任职结束时间, 任职时间 is the start.
    """
    taken = set(taken)
    resolution = Resolution()
    waiting = sorted(columns, key=lambda c: (-columns[c][0].confidence if columns[c] else 0, c))
    while waiting:
        resolution.unclear = {}
        for column in waiting:
            options = [c for c in columns[column] if c.field not in taken]
            if not options:
                continue
            best = options[0]
            runner = options[1].confidence if len(options) > 1 else 0.0
            if best.confidence >= THRESHOLD and best.confidence - runner >= MARGIN - _ROUNDING:
                resolution.chosen[column] = best
                taken.add(best.field)
            else:
                resolution.unclear[column] = options[:2]
        if len(resolution.unclear) == len(waiting):
            break
        waiting = list(resolution.unclear)
    return resolution
