"""The co-handling score (会办得分): how a unit helped the lead units of other opinions."""

from collections.abc import Sequence
from datetime import date

from scoring.components import NOTHING, Measure, Part, grade_notes, rescale, score_note, summary
from scoring.facts import CoHandling
from scoring.overdue import describe
from scoring.result import OverdueEvent
from scoring.rules import Ruleset

LEAD_GRADE = "会办-主办评价"
DEPUTY_GRADE = "会办-代表评价"
TIMELINESS = "会办-时限"
CO_SCORE = "会办得分"


def co_part(
    co_handlings: Sequence[CoHandling],
    events: Sequence[OverdueEvent],
    rules: Ruleset,
    as_of: date,
) -> Part:
    """Score a unit's co-handlings, component by component, and explain each figure."""
    if not co_handlings:
        return NOTHING
    weights = rules.co_weights
    by_lead = [(co.opinion, co.lead_grade) for co in co_handlings if co.lead_grade]
    by_deputies = [(co.opinion, co.deputy_grade) for co in co_handlings if co.deputy_grade]
    values = rules.grade_values
    # Not yet submitted but not yet due is on time so far, as for the lead score's 时限.
    on_time = len(co_handlings) - len(events)
    components, score = rescale(
        (
            Measure(
                LEAD_GRADE, weights.lead_grade, values.total(g for _, g in by_lead), len(by_lead)
            ),
            Measure(
                DEPUTY_GRADE,
                weights.deputy_grade,
                values.total(g for _, g in by_deputies),
                len(by_deputies),
            ),
            Measure(TIMELINESS, weights.timeliness, on_time, len(co_handlings)),
        )
    )
    lead_grade, deputy_grade, timeliness = components
    notes = [
        *grade_notes(lead_grade, by_lead, "主办单位已评价的会办"),
        *grade_notes(deputy_grade, by_deputies, "代表已评价的会办"),
        summary(
            timeliness,
            f"会办{len(co_handlings)}件，其中会办意见未超期{on_time}件",
            "没有会办件",
        ),
        *(describe(event, as_of, TIMELINESS) for event in events),
    ]
    if score is not None:
        notes.append(score_note(CO_SCORE, components, score))
    return Part(components, score, tuple(notes))
