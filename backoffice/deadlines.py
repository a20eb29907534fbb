"""Due dates on the Chinese working calendar: the one place that computes them.

Screens, reminders, notices, the report and the assessment all ask this module
when something is due. Opinions store their due dates (kept by the one write path,
backoffice.writing, on every write) so that lists can filter on them with an index.

Three layers, each used by the next:
- pure functions over plain values: `due_dates`, `status`, `next_progress_due`,
  and `opinion_deadlines` (every deadline of an opinion and its co-handlings, with its
  status as of a date), which applies `RULES`: each step's due and done facts, declared
  once here and read in SQL by `backoffice.deadline_queries` too;
- `load_deadlines`: the same for many opinions, read in a handful of queries;
- `backoffice.deadline_queries`: the rules over SQL columns, for lists and counts; tests
  hold them equal to the pure layer.

Every "as of" reading counts a step as done only if it was done on or before the
date, so a past date shows the state of that day. Deadlines counted in months are
calendar months and are not moved off weekends (only acceptance counts working days).
"""

from calendar import monthrange
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Protocol

import chinese_calendar
import sqlalchemy as sa
from sqlalchemy import orm

from backoffice.models import (
    CalendarOverride,
    CoHandling,
    CongressSession,
    Evaluation,
    Opinion,
    ProgressReport,
)


class WorkingCalendar:
    """China's official working days, with the office's overrides on top."""

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._overrides = dict(overrides or {})

    def is_workday(self, day: date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            # A year the package does not know yet: weekdays, until the office overrides.
            return day.weekday() < 5

    def add_workdays(self, start: date, count: int) -> date:
        """Return the count-th working day after start."""
        day = start
        while count > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                count -= 1
        return day


def add_months(start: date, months: int) -> date:
    """Return the same day months later, clamped to the month's last day."""
    years, month_index = divmod(start.month - 1 + months, 12)
    year, month = start.year + years, month_index + 1
    return date(year, month, min(start.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class DueDates:
    accept: date
    consult: date
    co_opinion: date
    reply: date


def due_dates(
    assigned_on: date,
    session: CongressSession,
    calendar: WorkingCalendar,
    extension_months: int | None = None,
) -> DueDates:
    """Return an opinion's due dates; an approved extension moves the reply's."""
    return DueDates(
        accept=calendar.add_workdays(assigned_on, session.accept_working_days),
        consult=add_months(assigned_on, session.consult_months),
        co_opinion=add_months(assigned_on, session.co_opinion_months),
        reply=add_months(assigned_on, session.reply_months + (extension_months or 0)),
    )


def counted_from(assigned_on: date, restarted_on: date | None) -> date:
    """Return the day an opinion's first-round deadlines count from: its assignment, or its
    last reassignment (the new lead unit starts afresh, as if assigned that day)."""
    return max(assigned_on, restarted_on) if restarted_on is not None else assigned_on


def co_handler_due(added_on: date, session: CongressSession) -> date:
    """Return the 会办意见 deadline of a co-handler added on added_on, after assignment."""
    return add_months(added_on, session.co_opinion_months)


def co_opinion_due(
    opinion: type[Opinion] = Opinion, co_handling: type[CoHandling] = CoHandling
) -> sa.ColumnElement[date]:
    """Return a co-handling's 会办意见 deadline in SQL: the opinion's, or the co-handler's
    own when it was added later (the later of the two, as `co_facts` reads it)."""
    own, shared = co_handling.co_opinion_due_on, opinion.co_opinion_due_on
    return sa.case((own > shared, own), else_=shared)


def second_reply_due(disagreed_on: date, session: CongressSession) -> date:
    """Return when the second reply after a 不同意 is due."""
    return add_months(disagreed_on, session.second_reply_months)


DUE_SOON_DAYS = 7
# How often a progress report (进展反馈) is due, by answer type: B monthly, C quarterly.
PROGRESS_MONTHS = {"B": 1, "C": 3}


class Step(StrEnum):
    """A step with a deadline, as the office names it."""

    ACCEPTANCE = "签收"
    CONSULTATION = "面商"
    CO_OPINION = "会办意见"
    REPLY = "答复"
    SECOND_REPLY = "二次答复"
    PROGRESS = "进展反馈"


class Status(StrEnum):
    """Where a deadline stands on a date."""

    MET = "按时完成"
    MET_LATE = "超期完成"
    OVERDUE = "已超期"
    DUE_SOON = "即将到期"
    NOT_DUE = "未到期"


ATTENTION = frozenset({Status.OVERDUE, Status.DUE_SOON})
# Undone statuses in the order of their due dates: before the date, the next days, later.
UNDONE = (Status.OVERDUE, Status.DUE_SOON, Status.NOT_DUE)


class DeadlineSettings(Protocol):
    """A session's deadline settings (CongressSession has them)."""

    accept_working_days: int
    consult_months: int
    co_opinion_months: int
    reply_months: int
    second_reply_months: int


def done_as_of(done_on: date | None, as_of: date) -> date | None:
    """Return done_on if the step had been done on as_of, else None."""
    return done_on if done_on is not None and done_on <= as_of else None


def status(
    due_on: date, done_on: date | None, as_of: date, soon_days: int = DUE_SOON_DAYS
) -> Status:
    """Return a deadline's status on as_of; due today and undone is due soon, not overdue."""
    done = done_as_of(done_on, as_of)
    if done is not None:
        return Status.MET if done <= due_on else Status.MET_LATE
    if due_on < as_of:
        return Status.OVERDUE
    if due_on <= as_of + timedelta(days=soon_days):
        return Status.DUE_SOON
    return Status.NOT_DUE


@dataclass(frozen=True)
class Deadline:
    """One due date of an opinion, and how it stands on the date it was read."""

    step: Step
    due_on: date
    done_on: date | None  # None while undone on that date
    status: Status
    co_handler: Hashable | None = None  # whose 会办意见 it is; None for the lead unit's steps

    @property
    def needs_attention(self) -> bool:
        return self.status in ATTENTION

    def named(self, unit_names: Mapping[Hashable, str]) -> str:
        """Return the step as screens name it: 区交通委会办意见 for a co-handler's opinion."""
        if self.co_handler is not None:
            return f"{unit_names.get(self.co_handler, '')}会办意见"
        return str(self.step)


@dataclass(frozen=True)
class Handling:
    """The facts of one opinion's handling that its deadlines depend on."""

    assigned_on: date
    accepted_on: date | None = None
    consulted_on: date | None = None
    replied_on: date | None = None
    answer_type: str | None = None
    concluded_on: date | None = None
    second_replied_on: date | None = None
    disagreed_on: tuple[date, ...] = ()  # dates of 不同意 feedback
    progress_reported_on: tuple[date, ...] = ()
    co_handlings: tuple[tuple[Hashable, date | None], ...] = ()  # (co-handler, submitted_on)
    # (co-handler, its own 会办意见 deadline) of co-handlers added after assignment
    co_handler_dues: tuple[tuple[Hashable, date], ...] = ()


def earliest_start(bound: date, months: int) -> date:
    """Return the first day d with add_months(d, months) >= bound.

    add_months never decreases, so add_months(d, months) < bound exactly when
    d < earliest_start(bound, months): month arithmetic moves to the constant side
    and a query compares plain dates on every database.
    """
    day = add_months(bound, -months)
    while add_months(day - timedelta(days=1), months) >= bound:
        day -= timedelta(days=1)
    while add_months(day, months) < bound:
        day += timedelta(days=1)
    return day


def latest_disagreement(disagreed_on: Iterable[date], as_of: date) -> date | None:
    """Return the last 不同意 on or before as_of: the one a second reply answers."""
    return max((day for day in disagreed_on if day <= as_of), default=None)


def second_reply_done(
    second_replied_on: date | None, disagreed_on: date, as_of: date
) -> date | None:
    """Return the second reply's date if it answers the disagreement and was made by as_of."""
    done = done_as_of(second_replied_on, as_of)
    return done if done is not None and done >= disagreed_on else None


def next_progress_due(
    answer_type: str | None,
    replied_on: date | None,
    reported_on: Iterable[date],
    concluded_on: date | None,
    as_of: date,
) -> date | None:
    """Return when the next progress report is due on as_of: a period after the reply or
    the last report since; None for A/D, unanswered or concluded opinions."""
    months = PROGRESS_MONTHS.get(answer_type or "")
    replied = done_as_of(replied_on, as_of)
    if months is None or replied is None or done_as_of(concluded_on, as_of) is not None:
        return None
    last = max((day for day in reported_on if replied <= day <= as_of), default=replied)
    return add_months(last, months)


@dataclass(frozen=True)
class StepRule:
    """A step's deadline: the fact holding its due date and the one holding the day it was
    done. `opinion_deadlines` reads the facts from Python values, `Schedule` from SQL
    columns of the same names: the rules are declared once, here."""

    step: Step
    due: str  # no deadline while this fact is None
    done: str | None = None  # None: never done (a progress report moves the next due instead)

    def deadline(
        self, facts: Mapping[str, date | None], as_of: date, co_handler: Hashable = None
    ) -> Deadline | None:
        """Return the step's deadline as of a date, None when the step has none."""
        due_on = facts[self.due]
        if due_on is None:
            return None
        done = done_as_of(facts[self.done], as_of) if self.done else None
        return Deadline(self.step, due_on, done, status(due_on, done, as_of), co_handler)


# Every deadline, in the order the case file lists them; the 会办意见 one per co-handler.
RULES = (
    StepRule(Step.ACCEPTANCE, "accept_due_on", "accepted_on"),
    StepRule(Step.CONSULTATION, "consult_due_on", "consulted_on"),
    StepRule(Step.CO_OPINION, "co_opinion_due_on", "submitted_on"),
    StepRule(Step.REPLY, "reply_due_on", "replied_on"),
    StepRule(Step.SECOND_REPLY, "second_reply_due_on", "second_replied_on"),
    StepRule(Step.PROGRESS, "progress_due_on"),
)
LEAD_RULES = tuple(rule for rule in RULES if rule.step is not Step.CO_OPINION)
CO_RULE = next(rule for rule in RULES if rule.step is Step.CO_OPINION)


def lead_facts(
    handling: Handling, dues: DueDates, settings: DeadlineSettings, as_of: date
) -> dict[str, date | None]:
    """Return the facts the lead unit's rules read, as of a date: the first round's due and
    done dates, the second reply after the last 不同意, the next progress report."""
    disagreed = latest_disagreement(handling.disagreed_on, as_of)
    return {
        "accept_due_on": dues.accept,
        "accepted_on": handling.accepted_on,
        "consult_due_on": dues.consult,
        "consulted_on": handling.consulted_on,
        "reply_due_on": dues.reply,
        "replied_on": handling.replied_on,
        "second_reply_due_on": (
            add_months(disagreed, settings.second_reply_months) if disagreed else None
        ),
        "second_replied_on": (
            second_reply_done(handling.second_replied_on, disagreed, as_of) if disagreed else None
        ),
        "progress_due_on": next_progress_due(
            handling.answer_type, handling.replied_on, handling.progress_reported_on,
            handling.concluded_on, as_of,
        ),
    }


def co_facts(handling: Handling, dues: DueDates) -> list[tuple[Hashable, dict[str, date | None]]]:
    """Return each co-handler's facts: its 会办意见 is due by the opinion's deadline, or by
    its own when it was added later (the later of the two)."""
    own = dict(handling.co_handler_dues)
    return [
        (co_handler, {
            "co_opinion_due_on": max(dues.co_opinion, own.get(co_handler, dues.co_opinion)),
            "submitted_on": submitted_on,
        })
        for co_handler, submitted_on in handling.co_handlings
    ]


def opinion_deadlines(
    handling: Handling, dues: DueDates, settings: DeadlineSettings, as_of: date
) -> list[Deadline]:
    """Return every deadline of an opinion and its co-handlings as of a date.

    dues are the opinion's first-round due dates (`due_dates`, or the stored ones);
    a second reply is due after a 不同意, progress reports while B/C is not concluded.
    """
    if handling.assigned_on > as_of:
        return []
    lead = lead_facts(handling, dues, settings, as_of)
    found = []
    for rule in RULES:
        if rule is CO_RULE:
            found += [rule.deadline(facts, as_of, co_handler)
                      for co_handler, facts in co_facts(handling, dues)]
        else:
            found.append(rule.deadline(lead, as_of))
    return [deadline for deadline in found if deadline is not None]


def load_calendar(db_session: orm.Session) -> WorkingCalendar:
    with db_session.no_autoflush:
        rows = db_session.execute(sa.select(CalendarOverride.day, CalendarOverride.is_workday))
        return WorkingCalendar(dict(rows.all()))


def overdue_now(today: date) -> sa.ColumnElement[bool]:
    """Return the condition on opinions with a step still undone past its due date."""
    return sa.or_(
        sa.and_(Opinion.accepted_on.is_(None), Opinion.accept_due_on < today),
        sa.and_(Opinion.consulted_on.is_(None), Opinion.consult_due_on < today),
        sa.and_(Opinion.replied_on.is_(None), Opinion.reply_due_on < today),
    )


def ever_late(today: date) -> sa.ColumnElement[bool]:
    """Return the condition on opinions with any step done late or still overdue."""
    return sa.or_(
        Opinion.accepted_on > Opinion.accept_due_on,
        Opinion.consulted_on > Opinion.consult_due_on,
        Opinion.replied_on > Opinion.reply_due_on,
        overdue_now(today),
    )


# -- many opinions at once, from the database ------------------------------------------------


@dataclass(frozen=True)
class OpinionSchedule:
    """An opinion's deadlines as of a date, and who answers for each."""

    opinion_id: int
    lead_unit_id: int
    deadlines: tuple[Deadline, ...]

    def unit_of(self, deadline: Deadline) -> int:
        """Return the unit that must act: the co-handler for a 会办意见, else the lead unit."""
        return deadline.co_handler if deadline.co_handler is not None else self.lead_unit_id


def _grouped(rows: Iterable[tuple[int, object]]) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for key, value in rows:
        grouped[key].append(value)
    return grouped


# The most opinion ids a query names at once: well within SQLite's and PostgreSQL's limits.
IDS_AT_ONCE = 10_000


def _of_opinions(
    db_session: orm.Session, condition: sa.ColumnElement[bool], picked: list[int],
    where: sa.ColumnElement[bool] | None,
) -> Callable[[Callable[[Any], sa.Select]], list[sa.Row]]:
    """Return a reader of the rows a statement gives for the picked opinions.

    Every opinion (no where): the statement selects by the cheap condition itself. Some:
    by their ids, a batch at a time, so that a costly where (the lists' deadline
    conditions) runs once, not once per statement.
    """
    def read(statement_for: Callable[[Any], sa.Select]) -> list[sa.Row]:
        if where is None:
            return db_session.execute(
                statement_for(sa.select(Opinion.id).where(condition))).all()
        return [row for start in range(0, len(picked), IDS_AT_ONCE)
                for row in db_session.execute(
                    statement_for(picked[start:start + IDS_AT_ONCE])).all()]

    return read


def read_handlings(
    db_session: orm.Session, condition: sa.ColumnElement[bool],
    where: sa.ColumnElement[bool] | None = None,
) -> Iterator[tuple[sa.Row, Handling, DueDates, DeadlineSettings]]:
    """Yield the opinions meeting condition, by id, each with the facts its deadlines
    depend on, in four queries (where: the costly part of condition, run once).

    Due dates are the stored ones, so screens, lists and deadlines agree; co-handlers are
    keyed by unit id.
    """
    # Plain rows, not ORM objects: a year of 100,000 opinions loads in a second.
    rows = db_session.execute(
        sa.select(
            Opinion.id, Opinion.session_id, Opinion.lead_unit_id, Opinion.category,
            Opinion.assigned_on,
            Opinion.accepted_on, Opinion.consulted_on, Opinion.replied_on,
            Opinion.answer_type, Opinion.concluded_on, Opinion.second_replied_on,
            Opinion.accept_due_on, Opinion.consult_due_on, Opinion.co_opinion_due_on,
            Opinion.reply_due_on, CongressSession.second_reply_months,
        )
        .join(CongressSession, Opinion.session_id == CongressSession.id)
        .where(condition)
        .order_by(Opinion.id)
    ).all()
    of_opinions = _of_opinions(db_session, condition, [row.id for row in rows], where)
    disagreed = _grouped(of_opinions(
        lambda ids: sa.select(Evaluation.opinion_id, Evaluation.evaluated_on)
        .where(Evaluation.opinion_id.in_(ids), Evaluation.agrees.is_(False))
    ))
    reported = _grouped(of_opinions(
        lambda ids: sa.select(ProgressReport.opinion_id, ProgressReport.reported_on)
        .where(ProgressReport.opinion_id.in_(ids))
    ))
    co_rows = of_opinions(
        lambda ids: sa.select(CoHandling.opinion_id, CoHandling.unit_id,
                              CoHandling.submitted_on, CoHandling.co_opinion_due_on)
        .where(CoHandling.opinion_id.in_(ids))
        .order_by(CoHandling.id)
    )
    co_handlings = _grouped((row[0], (row[1], row[2])) for row in co_rows)
    co_handler_dues = _grouped((row[0], (row[1], row[3])) for row in co_rows
                               if row[3] is not None)
    settings: dict[int, _SecondReply] = {}
    for opinion in rows:
        handling = Handling(
            assigned_on=opinion.assigned_on,
            accepted_on=opinion.accepted_on,
            consulted_on=opinion.consulted_on,
            replied_on=opinion.replied_on,
            answer_type=opinion.answer_type,
            concluded_on=opinion.concluded_on,
            second_replied_on=opinion.second_replied_on,
            disagreed_on=tuple(disagreed.get(opinion.id, ())),
            progress_reported_on=tuple(reported.get(opinion.id, ())),
            co_handlings=tuple(co_handlings.get(opinion.id, ())),
            co_handler_dues=tuple(co_handler_dues.get(opinion.id, ())),
        )
        dues = DueDates(
            accept=opinion.accept_due_on,
            consult=opinion.consult_due_on,
            co_opinion=opinion.co_opinion_due_on,
            reply=opinion.reply_due_on,
        )
        months = opinion.second_reply_months
        yield opinion, handling, dues, settings.setdefault(months, _SecondReply(months))


def load_deadlines(
    db_session: orm.Session, as_of: date, where: sa.ColumnElement[bool] | None = None
) -> list[OpinionSchedule]:
    """Return the deadlines of the opinions meeting where (all when None) as of a date."""
    condition = sa.and_(Opinion.assigned_on <= as_of, where if where is not None else sa.true())
    return [
        OpinionSchedule(opinion.id, opinion.lead_unit_id,
                        tuple(opinion_deadlines(handling, dues, settings, as_of)))
        for opinion, handling, dues, settings in read_handlings(db_session, condition, where)
    ]


@dataclass(frozen=True)
class _SecondReply:
    second_reply_months: int
