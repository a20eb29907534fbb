"""The lead score (主办得分): how a unit handled the opinions it leads."""

from collections.abc import Sequence
from datetime import date

from scoring import wording
from scoring.components import (
    NOTHING,
    Measure,
    Part,
    grade_notes,
    listing,
    rescale,
    score_note,
    summary,
)
from scoring.facts import CONTACT_STAGES, REFERENCE, Opinion
from scoring.overdue import describe
from scoring.result import Note, OverdueEvent
from scoring.rules import Ruleset

SATISFACTION = "满意度"
RESOLUTION = "解决"
CONTACT = "沟通"
TIMELINESS = "时限"
LEAD_SCORE = "主办得分"
# Each lead opinion has three steps that can be late: acceptance, consultation, reply.
STEPS_PER_OPINION = 3


def is_solved(opinion: Opinion) -> bool:
    """Tell whether an answered opinion was concluded with an A, B or C reply."""
    return opinion.concluded_on is not None and opinion.answer_type in ("A", "B", "C")


def missing_stages(opinion: Opinion) -> list[str]:
    """Return the contact stages (办前, 办中, 办后) the opinion has no contact at."""
    return [stage for stage in CONTACT_STAGES if stage not in opinion.contact_stages]


def lead_part(
    opinions: Sequence[Opinion],
    events: Sequence[OverdueEvent],
    rules: Ruleset,
    as_of: date,
    handed_over_steps: int = 0,
) -> Part:
    """Score a unit's lead opinions, component by component, and explain each figure;
    handed_over_steps are the steps it answers for on opinions since reassigned away."""
    if not opinions:
        return NOTHING
    weights = rules.lead_weights
    evaluated = [opinion for opinion in opinions if opinion.grade is not None]
    answered = [opinion for opinion in opinions if opinion.answered]
    solved = [opinion for opinion in answered if is_solved(opinion)]
    contacted = [opinion for opinion in answered if not missing_stages(opinion)]
    led_steps = STEPS_PER_OPINION * len(opinions)
    steps = led_steps + handed_over_steps
    grades = rules.grade_values.total(o.grade for o in evaluated if o.grade)
    components, score = rescale(
        (
            Measure(SATISFACTION, weights.satisfaction, grades, len(evaluated)),
            Measure(RESOLUTION, weights.resolution, len(solved), len(answered)),
            Measure(CONTACT, weights.contact, len(contacted), len(answered)),
            Measure(TIMELINESS, weights.timeliness, max(0, steps - len(events)), steps),
        )
    )
    satisfaction, resolution, contact, timeliness = components
    notes = [
        *grade_notes(
            satisfaction, [(o.number, o.grade) for o in evaluated if o.grade], "已测评的主办意见"
        ),
        *_not_counted(
            SATISFACTION, "尚未测评、不计入满意度的", [o for o in opinions if not o.grade]
        ),
        summary(
            resolution,
            f"已答复的主办意见{len(answered)}件，其中以A、B、C类答复并已办结{len(solved)}件",
            "没有已答复的主办意见",
        ),
        *listing(
            resolution,
            "未计入解决的：",
            [(o.number, _unsolved(o)) for o in answered if not is_solved(o)],
        ),
        *_not_counted(
            RESOLUTION, "尚未答复、不计入解决和沟通的", [o for o in opinions if not o.answered]
        ),
        summary(
            contact,
            f"已答复的主办意见{len(answered)}件，其中办前、办中、办后均有沟通走访{len(contacted)}件",
            "没有已答复的主办意见",
        ),
        *listing(
            contact,
            "沟通走访不全的：",
            [
                (o.number, "缺" + "、".join(missing_stages(o)))
                for o in answered
                if missing_stages(o)
            ],
        ),
        summary(
            timeliness,
            f"主办意见{len(opinions)}件的签收、面商、答复共{led_steps}项"
            + (f"，另有改派前主办期间到期的{handed_over_steps}项" if handed_over_steps else "")
            + f"，其中超期{len(events)}项",
            "没有主办意见",
        ),
        *(describe(event, as_of, TIMELINESS) for event in events),
    ]
    if score is not None:
        notes.append(score_note(LEAD_SCORE, components, score))
    return Part(components, score, tuple(notes))


def _unsolved(opinion: Opinion) -> str:
    if opinion.answer_type == REFERENCE:
        return "D类留作参考"
    if opinion.answer_type is None:
        return "未注明答复类型"
    return f"{opinion.answer_type}类尚未办结"


def _not_counted(topic: str, lead_in: str, opinions: Sequence[Opinion]) -> list[Note]:
    if not opinions:
        return []
    numbers = tuple(opinion.number for opinion in opinions)
    return [Note(topic, f"{lead_in}：{wording.numbers(numbers)}。", numbers)]
