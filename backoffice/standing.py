"""Each opinion's standing at a glance: its stage in words, its next due step and date, and
what is overdue now (the lists, their exports and the units' worklists show these)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import orm

from backoffice import deadlines
from backoffice.deadlines import UNDONE, Deadline, Status, Step
from backoffice.models import CoHandling, Opinion


class Handled(Protocol):
    id: int
    assigned_on: date
    replied_on: date | None
    concluded_on: date | None


@dataclass(frozen=True)
class Standing:
    stage: str  # 待签收, 已签收，待面商 … 已办结
    next_due: str  # e.g. 答复 2017-06-30; empty when nothing is due
    overdue: str  # e.g. 答复（超期12天）; empty when nothing is overdue now


def _stage(opinion: Handled, found: Iterable[Deadline], as_of: date) -> str:
    done = {d.step for d in found if d.status not in UNDONE}
    waiting = {d.step for d in found if d.status in UNDONE}
    if opinion.assigned_on > as_of:
        return "未交办"
    # A 不同意 reopens a concluded opinion until its second reply.
    if Step.SECOND_REPLY in waiting:
        return "不同意退回，待二次答复"
    if opinion.concluded_on is not None and opinion.concluded_on <= as_of:
        return "已办结"
    if Step.REPLY in done:
        return "已答复，落实中" if Step.PROGRESS in waiting else "已答复"
    if Step.CONSULTATION in done:
        return "已面商，待答复"
    if Step.ACCEPTANCE in done:
        return "已签收，待面商"
    return "待签收"


def standing(opinion: Handled, found: Iterable[Deadline], as_of: date,
             unit_names: Mapping[int, str]) -> Standing:
    """Return an opinion's standing from its deadlines as of a date."""
    found = tuple(found)
    undone = sorted((d for d in found if d.status in UNDONE), key=lambda d: d.due_on)
    late = [d for d in undone if d.status is Status.OVERDUE]
    first = undone[0] if undone else None
    next_due = f"{first.named(unit_names)} {first.due_on.isoformat()}" if first else ""
    overdue = "、".join(f"{d.named(unit_names)}（{days_late(d, as_of)}）" for d in late)
    return Standing(_stage(opinion, found, as_of), next_due, overdue)


def own_deadlines(db_session: orm.Session, co_handlings: Iterable[CoHandling],
                  as_of: date) -> dict[int, Deadline]:
    """Return each co-handling's own 会办意见 deadline as of a date, by co-handling id."""
    co_handlings = list(co_handlings)
    found = {
        (schedule.opinion_id, deadline.co_handler): deadline
        for schedule in deadlines.load_deadlines(
            db_session, as_of, Opinion.id.in_({co.opinion_id for co in co_handlings}))
        for deadline in schedule.deadlines if deadline.step is Step.CO_OPINION
    }
    return {co.id: found[co.opinion_id, co.unit_id] for co in co_handlings
            if (co.opinion_id, co.unit_id) in found}


def days_late(deadline: Deadline, as_of: date) -> str:
    """Return how late an overdue deadline is on a day, in words: 超期12天."""
    return f"超期{(as_of - deadline.due_on).days}天"


def in_words(deadline: Deadline | None, as_of: date) -> str:
    """Return how a deadline stands, in words: 已超期12天, 7天内到期, 按时完成 …"""
    if deadline is None:
        return ""
    if deadline.status is Status.OVERDUE:
        return f"已{days_late(deadline, as_of)}"
    return str(deadline.status)


def standings(db_session: orm.Session, opinions: Iterable[Opinion],
              as_of: date) -> dict[int, Standing]:
    """Return the standing of each of the opinions (with their co-handlings loaded)."""
    opinions = list(opinions)
    schedules = {
        schedule.opinion_id: schedule.deadlines
        for schedule in deadlines.load_deadlines(
            db_session, as_of, Opinion.id.in_([o.id for o in opinions]))
    }
    return {
        o.id: standing(o, schedules.get(o.id, ()), as_of,
                       {co.unit_id: co.unit.name for co in o.co_handlings})
        for o in opinions
    }
