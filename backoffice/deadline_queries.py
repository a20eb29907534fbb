"""The deadline rules in SQL: what `deadlines.opinion_deadlines` finds, counted by the database.

A `Schedule` gives the facts that `deadlines.RULES` name as SQL columns of the same names,
over the opinions joined once with their last 不同意, last progress report and their
co-handlings' standing as of the date; a step is overdue, due soon or not yet due by the
same condition over its rule's due and done facts. So one scan of the opinions counts every
figure of the dashboard, and a list's filter selects its opinions with one subquery. Only
undone statuses are asked for in SQL (what lists, counts and reminders need). Tests hold
this equal to the Python layer.
"""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from backoffice.deadlines import (
    ATTENTION,
    CO_RULE,
    DUE_SOON_DAYS,
    LEAD_RULES,
    PROGRESS_MONTHS,
    UNDONE,
    Status,
    Step,
    StepRule,
    co_opinion_due,
    earliest_start,
)
from backoffice.models import CoHandling, CongressSession, Evaluation, Opinion, ProgressReport

LEAD_STEPS = tuple(rule.step for rule in LEAD_RULES)


class months_after(FunctionElement):
    """A date some months later in SQL, clamped to the month's last day, as
    `deadlines.add_months` computes it: months_after(start, months)."""

    type = sa.Date()
    inherit_cache = True


@compiles(months_after, "postgresql")
def _months_after_postgresql(element: months_after, compiler: Any, **kw: Any) -> str:
    # PostgreSQL's month arithmetic clamps already: 01-31 + 1 month is 02-28.
    start, months = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST({start} + make_interval(months => CAST({months} AS INTEGER)) AS DATE)"


@compiles(months_after, "sqlite")
def _months_after_sqlite(element: months_after, compiler: Any, **kw: Any) -> str:
    # SQLite's date() rolls 01-31 + 1 month over to 03-03: the target month's last day caps it.
    start, months = (compiler.process(arg, **kw) for arg in element.clauses)
    return (
        f"min(date({start}, '+' || ({months}) || ' months'), "
        f"date({start}, 'start of month', '+' || (({months}) + 1) || ' months', '-1 day'))"
    )


@dataclass(frozen=True)
class MonthsAfter:
    """A due date some months after start, the months chosen by a key column (progress
    reports: by answer type), where `applies` holds. Compared through `earliest_start`, so
    the database compares plain dates and never does month arithmetic row by row."""

    start: sa.ColumnElement[date]
    key: sa.ColumnElement
    months: Mapping[str, int]
    applies: sa.ColumnElement[bool]


Due = sa.ColumnElement[date] | MonthsAfter


@dataclass(frozen=True)
class Window:
    """Due dates in [low, high); None for no bound."""

    low: date | None
    high: date | None

    def holds(self, due: Due) -> sa.ColumnElement[bool]:
        """Return the condition that due falls in the window (and exists)."""
        if isinstance(due, MonthsAfter):
            # Never NULL (a bare NULL would turn NOT around it true): the key is checked.
            return sa.and_(due.applies, due.key.is_not(None), sa.or_(*(
                sa.and_(due.key == key, self._bounds(due.start, months))
                for key, months in due.months.items())))
        return self._bounds(due)

    def _bounds(self, day: sa.ColumnElement, months: int = 0) -> sa.ColumnElement[bool]:
        bounds = [day.is_not(None)]
        if self.low is not None:
            bounds.append(day >= earliest_start(self.low, months))
        if self.high is not None:
            bounds.append(day < earliest_start(self.high, months))
        return sa.and_(*bounds)


def window(statuses: Collection[Status], as_of: date, soon_days: int) -> Window:
    """Return the due dates of undone steps in statuses (a run of UNDONE): `status` reads
    an undone step due before as_of as overdue, within soon_days as due soon."""
    chosen = [i for i, s in enumerate(UNDONE) if s in statuses]
    if not chosen or set(statuses) - set(UNDONE) or chosen != list(range(chosen[0],
                                                                           chosen[-1] + 1)):
        raise ValueError(f"只能按相邻的未完成状态筛选，而不是 {sorted(statuses)}")
    edges = (None, as_of, as_of + timedelta(days=soon_days + 1), None)
    return Window(edges[chosen[0]], edges[chosen[-1] + 1])


class Schedule:
    """Every opinion's deadline facts on a date as SQL, and which steps stand how."""

    def __init__(self, as_of: date, soon_days: int = DUE_SOON_DAYS) -> None:
        self.as_of = as_of
        self.soon_days = soon_days
        self.started = Opinion.assigned_on <= as_of
        # The last 不同意 and its second reply's due date: a few rows, month arithmetic once.
        owner = orm.aliased(Opinion, name="owner")
        disagreed = sa.func.max(Evaluation.evaluated_on)
        self._second_reply = (
            sa.select(
                Evaluation.opinion_id,
                disagreed.label("disagreed_on"),
                months_after(disagreed, sa.func.max(CongressSession.second_reply_months))
                .label("due_on"),
            )
            .join(owner, owner.id == Evaluation.opinion_id)
            .join(CongressSession, CongressSession.id == owner.session_id)
            .where(Evaluation.agrees.is_(False), Evaluation.evaluated_on <= as_of)
            .group_by(Evaluation.opinion_id)
            .subquery("second_reply")
        )
        self._reported = (
            sa.select(ProgressReport.opinion_id,
                      sa.func.max(ProgressReport.reported_on).label("on"))
            .where(ProgressReport.reported_on <= as_of)
            .group_by(ProgressReport.opinion_id)
            .subquery("reported")
        )
        # Each opinion's undone co-handlings, read without their opinion (see `_co_waiting`).
        undone = self.undone(CoHandling.submitted_on)
        own = CoHandling.co_opinion_due_on
        self._co = (
            sa.select(
                CoHandling.opinion_id,
                sa.func.count().filter(undone).label("waiting"),
                sa.func.count(own).filter(undone).label("own"),
                sa.func.min(own).filter(undone).label("earliest_own"),
                *(sa.func.count().filter(undone, self._window((s,)).holds(own)).label(s.name)
                  for s in UNDONE),
            )
            .group_by(CoHandling.opinion_id)
            .subquery("co_waiting")
        )
        second, reported = self._second_reply.c, self._reported.c.on
        # The facts `deadlines.lead_facts` computes in Python, by the same names.
        self.facts: dict[str, Due] = {
            "accept_due_on": Opinion.accept_due_on,
            "accepted_on": Opinion.accepted_on,
            "consult_due_on": Opinion.consult_due_on,
            "consulted_on": Opinion.consulted_on,
            "reply_due_on": Opinion.reply_due_on,
            "replied_on": Opinion.replied_on,
            "second_reply_due_on": second.due_on,
            "second_replied_on": sa.case(
                (Opinion.second_replied_on >= second.disagreed_on, Opinion.second_replied_on)
            ),
            # A period after the reply or the last report since, until concluded.
            "progress_due_on": MonthsAfter(
                start=sa.case((reported > Opinion.replied_on, reported),
                              else_=Opinion.replied_on),
                key=Opinion.answer_type,
                months=PROGRESS_MONTHS,
                applies=sa.and_(Opinion.replied_on <= as_of, self.undone(Opinion.concluded_on)),
            ),
        }

    def undone(self, done: sa.ColumnElement) -> sa.ColumnElement[bool]:
        return sa.or_(done.is_(None), done > self.as_of)

    def _joined(self) -> dict[Step, sa.Subquery]:
        """The facts of a step that are not the opinion's own columns, by step."""
        return {Step.SECOND_REPLY: self._second_reply, Step.PROGRESS: self._reported,
                Step.CO_OPINION: self._co}

    def select(self, *columns: Any, steps: Iterable[Step] = tuple(Step)) -> sa.Select:
        """Return a select of columns over the opinions joined with the facts that the
        conditions on steps read (the stored steps' are the opinion's own columns)."""
        found = sa.select(*columns).select_from(Opinion)
        for step, facts in self._joined().items():
            if step in steps:
                found = found.outerjoin(facts, facts.c.opinion_id == Opinion.id)
        return found

    def reads_joined(self, steps: Iterable[Step]) -> bool:
        """Return whether conditions on steps read facts beyond the opinion's columns."""
        return any(step in self._joined() for step in steps)

    def _in(self, rule: StepRule, facts: Mapping[str, Any], started: sa.ColumnElement[bool],
            statuses: Collection[Status]) -> sa.ColumnElement[bool]:
        """Return the condition that a rule's step, read from facts, is undone and in one
        of statuses (as `deadlines.status` reads it)."""
        done = facts[rule.done] if rule.done else None
        undone = self.undone(done) if done is not None else sa.true()
        due = self._window(statuses).holds(facts[rule.due])
        return sa.and_(started, undone, due)

    def _co_in(self, opinion: Any, co_handling: Any,
               statuses: Collection[Status]) -> sa.ColumnElement[bool]:
        facts = {CO_RULE.due: co_opinion_due(opinion, co_handling),
                 CO_RULE.done: co_handling.submitted_on}
        return self._in(CO_RULE, facts, opinion.assigned_on <= self.as_of, statuses)

    def in_status(self, step: Step, statuses: Collection[Status]) -> sa.ColumnElement[bool]:
        """Return the condition on scanned opinions with step in one of statuses (for the
        会办意见: any of its co-handlings)."""
        if step is Step.CO_OPINION:
            return sa.and_(self.started, self._co_waiting(statuses))
        rule = next(rule for rule in LEAD_RULES if rule.step is step)
        return self._in(rule, self.facts, self.started, statuses)

    def _window(self, statuses: Collection[Status]) -> Window:
        return window(statuses, self.as_of, self.soon_days)

    def _co_waiting(self, statuses: Collection[Status]) -> sa.ColumnElement[bool]:
        """Return the condition that an opinion has an undone co-handling whose 会办意见 is
        in one of statuses, from its co-handlings' counts alone.

        A co-handling's deadline is the later of the opinion's (shared) and its own (a
        co-handler added later). With the shared one in the window, one is in it if a
        co-handling has no own deadline, or its earliest own one is before the window's
        end (an own one at or before the shared one gives the shared one); with the
        shared one before the window, only own ones can be in it; after it, none.
        """
        found = self._window(statuses)
        shared, co = Opinion.co_opinion_due_on, self._co.c
        earliest_before_end = (
            sa.func.coalesce(co.own, 0) > 0 if found.high is None
            else sa.and_(co.earliest_own.is_not(None), co.earliest_own < found.high))
        shared_in = sa.and_(found.holds(shared), sa.or_(
            sa.func.coalesce(co.own, 0) < sa.func.coalesce(co.waiting, 0),
            earliest_before_end,
        ))
        if found.low is None:
            return shared_in
        own_in = sum((sa.func.coalesce(co[s.name], 0) for s in statuses), sa.literal(0))
        return sa.or_(shared_in, sa.and_(shared.is_not(None), shared < found.low, own_in > 0))

    def any_step(self, statuses: Collection[Status],
                 steps: Iterable[Step] = tuple(Step)) -> sa.ColumnElement[bool]:
        return sa.or_(sa.false(), *(self.in_status(step, statuses) for step in steps))

    def co_status_in(self, statuses: Collection[Status]) -> sa.ColumnElement[bool]:
        """Return the condition on a co-handling joined with its opinion (both scanned)."""
        return self._co_in(Opinion, CoHandling, statuses)

    def co_handlings(self, statuses: Collection[Status]) -> sa.Select:
        """Return a select of the co-handlings (opinion_id, unit_id) whose 会办意见 stands in
        one of statuses."""
        owner = orm.aliased(Opinion, name="owner")
        return (
            sa.select(CoHandling.opinion_id, CoHandling.unit_id)
            .join(owner, owner.id == CoHandling.opinion_id)
            .where(self._co_in(owner, CoHandling, statuses))
        )


class DueConditions:
    """Conditions on opinions whose steps stand a given way on as_of, as `opinion_deadlines`
    finds them. Each selects its opinions with one subquery over a `Schedule`; made with
    scanning=True they read the schedule a query scans itself (`Schedule.select`)."""

    def __init__(self, schedule: Schedule, scanning: bool = False) -> None:
        self.schedule = schedule
        self.scanning = scanning
        self.as_of = schedule.as_of

    def step(self, step: Step, statuses: Collection[Status] = ATTENTION) -> sa.ColumnElement[bool]:
        """Return the condition on opinions with step in one of statuses."""
        return self.any_step(statuses, (step,))

    def any_step(
        self, statuses: Collection[Status] = ATTENTION, steps: Iterable[Step] = tuple(Step)
    ) -> sa.ColumnElement[bool]:
        """Return the condition on opinions with any of steps in one of statuses."""
        steps = tuple(steps)
        found = self.schedule.any_step(statuses, steps)
        if self.scanning or not self.schedule.reads_joined(steps):
            return found
        # Not correlated: the subquery scans the opinions with those facts itself, once.
        chosen = self.schedule.select(Opinion.id, steps=steps).where(found)
        return Opinion.id.in_(chosen.correlate(None))

    def co_handling(self, statuses: Collection[Status] = ATTENTION) -> sa.ColumnElement[bool]:
        """Return the condition on co-handlings whose 会办意见 is in one of statuses."""
        chosen = self.schedule.co_handlings(statuses).with_only_columns(CoHandling.id)
        return CoHandling.id.in_(chosen.correlate(None))


def conditions_as_of(as_of: date, soon_days: int = DUE_SOON_DAYS) -> DueConditions:
    """Return the conditions for as_of, for lists."""
    return DueConditions(Schedule(as_of, soon_days))


def own_steps(
    conditions: DueConditions, unit_id: int, statuses: Collection[Status] = (Status.OVERDUE,)
) -> sa.ColumnElement[bool]:
    """Return the condition on opinions where the unit has a step of its own in one of
    statuses: a lead step of the opinion it leads, or its own 会办意见."""
    co_handled = conditions.schedule.co_handlings(statuses).where(CoHandling.unit_id == unit_id)
    return sa.or_(
        sa.and_(Opinion.lead_unit_id == unit_id, conditions.any_step(statuses, LEAD_STEPS)),
        Opinion.id.in_(co_handled.with_only_columns(CoHandling.opinion_id)),
    )


def units_needing_attention(
    db_session: orm.Session,
    as_of: date,
    statuses: Collection[Status] = (Status.OVERDUE,),
    where: sa.ColumnElement[bool] | None = None,
) -> dict[int, int]:
    """Return, per unit, how many opinions (meeting where) have a step of the unit's own in
    one of statuses: the lead unit's steps, and each co-handler's 会办意见."""
    return units_with(db_session, Schedule(as_of), statuses,
                      where if where is not None else sa.true())


def units_with(
    db_session: orm.Session, schedule: Schedule, statuses: Collection[Status],
    scope: sa.ColumnElement[bool],
) -> dict[int, int]:
    """Return `units_needing_attention` over a schedule, in one query: the lead units'
    opinions, and each co-handler's unless it is the lead unit counted already."""
    lead_late = schedule.any_step(statuses, LEAD_STEPS)
    lead = (schedule.select(Opinion.lead_unit_id.label("unit_id"), steps=LEAD_STEPS)
            .where(scope, lead_late))
    co = (
        schedule.select(CoHandling.unit_id.label("unit_id"), steps=LEAD_STEPS)
        .join(CoHandling, CoHandling.opinion_id == Opinion.id)
        .where(scope, schedule.co_status_in(statuses),
               sa.not_(sa.and_(CoHandling.unit_id == Opinion.lead_unit_id, lead_late)))
    )
    # A unit co-handles an opinion at most once, so each row is one opinion of its unit.
    rows = sa.union_all(lead, co).subquery("needing")
    return dict(db_session.execute(
        sa.select(rows.c.unit_id, sa.func.count()).group_by(rows.c.unit_id)
    ).all())
