"""Overdue events (超期): steps done after their due date, or still undone after it.

After a reassignment (改派) the former lead unit keeps its lateness: it answers for the
steps of its own schedule that fell due before the reassignment date, the new lead unit
for the rest, on its restarted deadlines. Handing an opinion back erases nothing.
"""

from datetime import date

from scoring import wording
from scoring.facts import CoHandling, FormerLead, Opinion
from scoring.result import Note, OverdueEvent

ACCEPTANCE = "超期签收"
CONSULTATION = "超期面商"
REPLY = "超期答复"
CO_OPINION = "超期会办"
KINDS = (ACCEPTANCE, CONSULTATION, REPLY, CO_OPINION)

# The verb each kind of step is written with.
_STEPS = {ACCEPTANCE: "签收", CONSULTATION: "面商", REPLY: "答复", CO_OPINION: "提交会办意见"}


def is_late(done_on: date | None, due: date, as_of: date) -> bool:
    """Tell whether a step was done after its due date, or is undone past it at as_of."""
    # A step recorded after as_of had not happened yet on as_of.
    measured = done_on if done_on is not None and done_on <= as_of else as_of
    return measured > due


def lead_overdue(opinion: Opinion, as_of: date) -> list[OverdueEvent]:
    """Return the lead unit's overdue events on one opinion, at most one of each kind."""
    steps = (
        (ACCEPTANCE, opinion.accepted_on, opinion.acceptance_due),
        (CONSULTATION, opinion.consulted_on, opinion.consultation_due),
        (REPLY, opinion.replied_on, opinion.reply_due),
    )
    return [
        OverdueEvent(kind, opinion.lead_unit, opinion.number, due, done_on)
        for kind, done_on, due in steps
        if is_late(done_on, due, as_of)
    ]


def former_steps(former: FormerLead) -> list[tuple[str, date | None, date]]:
    """Return the steps a former lead unit answers for: those of its own schedule due
    before the reassignment, each with the day it was done by then (None if it was not)."""
    steps = (
        (ACCEPTANCE, former.accepted_on, former.acceptance_due),
        (CONSULTATION, former.consulted_on, former.consultation_due),
        (REPLY, former.replied_on, former.reply_due),
    )
    handed = former.reassigned_on
    return [
        (kind, done_on if done_on is not None and done_on <= handed else None, due)
        for kind, done_on, due in steps
        if due < handed
    ]


def former_lead_overdue(former: FormerLead, as_of: date) -> list[OverdueEvent]:
    """Return a former lead unit's overdue events: steps due before the reassignment done
    late, or not done by then (the new lead unit doing them later changes nothing)."""
    return [
        OverdueEvent(kind, former.unit, former.opinion, due, done_on, former.reassigned_on)
        for kind, done_on, due in former_steps(former)
        if is_late(done_on, due, as_of)
    ]


def co_overdue(co: CoHandling, as_of: date) -> list[OverdueEvent]:
    """Return the co-handler's overdue event on one opinion, if its 会办意见 is late."""
    if not is_late(co.submitted_on, co.due, as_of):
        return []
    return [OverdueEvent(CO_OPINION, co.unit, co.opinion, co.due, co.submitted_on)]


def describe(event: OverdueEvent, as_of: date, topic: str) -> Note:
    """Explain one overdue event in a sentence, under the figure it costs."""
    step = _STEPS[event.kind]
    handed = event.reassigned_on
    if event.done_on is not None and event.done_on <= as_of:
        done = f"实际于{wording.day(event.done_on)}{step}"
    elif handed is not None and handed <= as_of:
        done = f"至{wording.day(handed)}改派时尚未{step}"
    else:
        done = f"截至{wording.day(as_of)}尚未{step}"
    before = "（改派前由本单位主办）" if handed is not None else ""
    text = (
        f"{wording.numbers([event.opinion])}意见{event.kind}{before}："
        f"期限为{wording.day(event.due)}，{done}。"
    )
    return Note(topic, text, (event.opinion,))
