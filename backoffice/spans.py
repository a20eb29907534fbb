"""How many opinions stand each way on any day, kept as changes by day as the data changes.

`deadlines.opinion_deadlines` says how an opinion's steps stand on one date. Over all dates,
a step is undone from the day it starts (the assignment; a 不同意 for the second reply; the
reply or a report for the next progress report) until it is done or stops applying (a later
不同意, the next report, the conclusion); within that, it is due soon from DUE_SOON_DAYS
before its due date and overdue from the day after. `spans_of` writes an opinion's days
down as spans [from_on, until_on) of each way the dashboard counts: its work
lists, each unit's overdue steps, the latest grade, its progress through the year.

A session's count of a way on a day is then the number of spans holding that day: the
stored changes (`StandingCount`: +1 on each span's first day, -1 on its end) summed up to
it, one small query whatever the number of opinions. `Recount` moves the changes with
every write that touches an opinion's facts (the one write path uses it): the spans of the
touched opinions before the write are taken away, those after it added. Tests hold the
spans equal to `opinion_deadlines` on every day of drawn opinions, and the stored counts
equal to counting the opinions themselves after every kind of write.
"""

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql, sqlite

from backoffice.deadlines import (
    ATTENTION,
    CO_RULE,
    DUE_SOON_DAYS,
    IDS_AT_ONCE,
    LEAD_RULES,
    UNDONE,
    DeadlineSettings,
    DueDates,
    Handling,
    Status,
    Step,
    co_facts,
    lead_facts,
    next_progress_due,
    read_handlings,
    second_reply_done,
)
from backoffice.models import CoHandling, CongressSession, Evaluation, Opinion, ProgressReport
from backoffice.models.spans import StandingCount

# The dashboard's work lists counted from spans, by key: their steps in one of statuses.
WORK_LISTS: dict[str, tuple[tuple[Step, ...], frozenset[Status]]] = {
    "overdue": (tuple(Step), frozenset({Status.OVERDUE})),
    "due_soon": (tuple(Step), frozenset({Status.DUE_SOON})),
    "second_reply": ((Step.SECOND_REPLY,), frozenset(UNDONE)),
    "progress": ((Step.PROGRESS,), ATTENTION),
}
OVERDUE_BY_UNIT = "overdue_by_unit"  # value: the unit (id) with a step of its own overdue
GRADE = "grade"  # value: the latest feedback's grade
ASSIGNED = "assigned"  # value: the category
ANSWERING = "answering"  # assigned, not yet replied
REPLIED = "replied"
ANSWER_TYPE = "answer_type"  # assigned and replied; value: the answer type
CONCLUDED = "concluded"
# Steps whose facts move with the day read (the 不同意 answered, the period running).
_MOVING = (Step.SECOND_REPLY, Step.PROGRESS)
_FOREVER = date.max


class Span(NamedTuple):
    kind: str
    from_on: date
    until_on: date | None  # None: no end yet
    value: str = ""


# The days [from, until) on which a step of a unit (None: the lead unit) stands in a status:
# (step, unit, status, from, until), a plain tuple (an opinion has a dozen; a year, a million).
_Piece = tuple[Step, Hashable | None, Status, date, date]


# The work lists each step in each status counts in; a step's statuses no span needs are
# not written down (the overdue ones are: by unit).
_COUNTED_IN: dict[tuple[Step, Status], list[str]] = defaultdict(list)
for _kind, (_steps, _statuses) in WORK_LISTS.items():
    for _step in _steps:
        for _status in _statuses:
            _COUNTED_IN[_step, _status].append(_kind)
_NEEDED = {step: {status for status in UNDONE
                  if (step, status) in _COUNTED_IN or status is Status.OVERDUE}
           for step in Step}


def _undone_days(found: list[_Piece], step: Step, unit: Hashable | None, starts: date,
                 due: date, ends: date, soon_days: int) -> None:
    """Add the days from starts until ends of a step due on due, by status (as
    `deadlines.status` reads an undone step)."""
    soon_from, overdue_from = due - timedelta(days=soon_days), due + timedelta(days=1)
    needed = _NEEDED[step]
    if Status.NOT_DUE in needed and starts < min(soon_from, ends):
        found.append((step, unit, Status.NOT_DUE, starts, min(soon_from, ends)))
    low, high = max(soon_from, starts), min(overdue_from, ends)
    if Status.DUE_SOON in needed and low < high:
        found.append((step, unit, Status.DUE_SOON, low, high))
    low = max(overdue_from, starts)
    if low < ends:  # overdue days are always needed (by unit)
        found.append((step, unit, Status.OVERDUE, low, ends))


def step_days(handling: Handling, dues: DueDates, settings: DeadlineSettings,
              soon_days: int = DUE_SOON_DAYS) -> list[_Piece]:
    """Return the undone days of every step of an opinion, by status."""
    found: list[_Piece] = []
    assigned = handling.assigned_on

    def add(step: Step, unit: Hashable | None, starts: date, due: date | None,
            done: date | None, ends: date = _FOREVER) -> None:
        if due is not None:
            if done is not None and done < ends:
                ends = done
            _undone_days(found, step, unit, starts if starts > assigned else assigned, due,
                         ends, soon_days)

    settled = lead_facts(handling, dues, settings, _FOREVER)
    for rule in LEAD_RULES:
        if rule.step not in _MOVING:
            add(rule.step, None, handling.assigned_on, settled[rule.due],
                settled[rule.done] if rule.done else None)
    for co_handler, facts in co_facts(handling, dues):
        add(CO_RULE.step, co_handler, handling.assigned_on, facts[CO_RULE.due],
            facts[CO_RULE.done])
    # Each 不同意 is answered by the second reply after it, until the next 不同意.
    disagreed = sorted(set(handling.disagreed_on))
    for day, following in _with_next(disagreed):
        due = lead_facts(handling, dues, settings, day)["second_reply_due_on"]
        add(Step.SECOND_REPLY, None, day, due,
            second_reply_done(handling.second_replied_on, day, _FOREVER), following)
    # Each period runs from the reply or a report until the next report or the conclusion.
    if handling.replied_on is not None:
        begun = [handling.replied_on, *sorted({day for day in handling.progress_reported_on
                                               if day > handling.replied_on})]
        for day, following in _with_next(begun):
            due = next_progress_due(handling.answer_type, handling.replied_on,
                                    handling.progress_reported_on, handling.concluded_on, day)
            add(Step.PROGRESS, None, day, due, None,
                min(following, handling.concluded_on or _FOREVER))
    return found


def _with_next(days: Sequence[date]) -> list[tuple[date, date]]:
    """Return each of the ordered days with the next one (the last: with no end)."""
    return [(day, days[i + 1] if i + 1 < len(days) else _FOREVER) for i, day in enumerate(days)]


def _merged(ranges: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    merged: list[tuple[date, date]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _grades(assigned_on: date,
            evaluations: Sequence[tuple[date, int, str | None]]) -> list[tuple]:
    """Return the latest grade's (grade, from, until): each feedback's (evaluated_on, id,
    grade) holds from its day until the next one's."""
    ordered = sorted(evaluations)
    following = _with_next([row[0] for row in ordered])
    return [(grade, max(day, assigned_on), until)
            for (_, _, grade), (day, until) in zip(ordered, following, strict=True)
            if grade is not None and max(day, assigned_on) < until]


@dataclass(frozen=True)
class Facts:
    """What an opinion's spans follow from."""

    handling: Handling
    dues: DueDates
    settings: DeadlineSettings
    lead_unit: Hashable
    category: str
    evaluations: tuple[tuple[date, int, str | None], ...] = ()  # (evaluated_on, id, grade)


def spans_of(facts: Facts) -> list[Span]:
    """Return an opinion's spans of every kind."""
    handling = facts.handling
    assigned, replied = handling.assigned_on, handling.replied_on
    listed: dict[str, list[tuple[date, date]]] = defaultdict(list)
    by_unit: dict[Hashable, list[tuple[date, date]]] = defaultdict(list)
    for step, unit, status, low, high in step_days(handling, facts.dues, facts.settings):
        for kind in _COUNTED_IN.get((step, status), ()):
            listed[kind].append((low, high))
        if status is Status.OVERDUE:
            by_unit[facts.lead_unit if unit is None else unit].append((low, high))
    found = [(kind, "", low, high)
             for kind, ranges in listed.items() for low, high in _merged(ranges)]
    found += [(OVERDUE_BY_UNIT, str(unit), low, high)
              for unit, ranges in by_unit.items() for low, high in _merged(ranges)]
    found += [(GRADE, *grade) for grade in _grades(assigned, facts.evaluations)]
    found += [(ASSIGNED, facts.category, assigned, _FOREVER),
              (ANSWERING, "", assigned, replied or _FOREVER)]
    if replied is not None:
        found.append((REPLIED, "", replied, _FOREVER))
        if handling.answer_type is not None:
            found.append((ANSWER_TYPE, handling.answer_type, max(assigned, replied), _FOREVER))
    if handling.concluded_on is not None:
        found.append((CONCLUDED, "", handling.concluded_on, _FOREVER))
    return [Span(kind, low, None if high == _FOREVER else high, value)
            for kind, value, low, high in found if low < high]


def _batches(ids: Sequence[int]) -> Iterable[tuple[sa.ColumnElement[bool], set[int]]]:
    """Yield the ordered ids a batch at a time, each with a condition on opinion ids that
    selects it: a range where the batch is dense (an import's new opinions: a thousand
    names cost a query more than the few rows between them), else the ids themselves."""
    for start in range(0, len(ids), IDS_AT_ONCE):
        batch = ids[start:start + IDS_AT_ONCE]
        low, high = batch[0], batch[-1]
        dense = high - low < 2 * len(batch)
        yield (sa.and_(Opinion.id >= low, Opinion.id <= high) if dense
               else Opinion.id.in_(batch)), set(batch)


def _facts(db_session: orm.Session, ids: Sequence[int]) -> Iterable[tuple[int, Facts]]:
    """Yield (session id, facts) of the ordered ids' opinions still there."""
    for picked, batch in _batches(ids):
        evaluations: dict[int, list[tuple[date, int, str | None]]] = defaultdict(list)
        for opinion_id, *evaluation in db_session.execute(
                sa.select(Evaluation.opinion_id, Evaluation.evaluated_on, Evaluation.id,
                          Evaluation.grade)
                .where(Evaluation.opinion_id.in_(sa.select(Opinion.id).where(picked)))):
            evaluations[opinion_id].append(tuple(evaluation))
        for opinion, handling, dues, settings in read_handlings(db_session, picked):
            if opinion.id in batch:
                yield opinion.session_id, Facts(handling, dues, settings, opinion.lead_unit_id,
                                                opinion.category,
                                                tuple(evaluations.get(opinion.id, ())))


# The tables whose rows an opinion's spans follow from, and the column naming the opinion.
COUNTED_TABLES = {Opinion.__tablename__: "id", Evaluation.__tablename__: "opinion_id",
                  ProgressReport.__tablename__: "opinion_id",
                  CoHandling.__tablename__: "opinion_id"}

Key = tuple[int, str, str, date]  # (session id, kind, value, day)


def changes_of(db_session: orm.Session, ids: Iterable[int]) -> Counter:
    """Return the stored changes the opinions of ids make now, by (session, kind, value, day).

    Opinions of the same facts have the same spans, worked out once: an import's new
    opinions are often alike (half of a 10,000-row list)."""
    changes: Counter = Counter()
    for (session_id, facts), alike in Counter(_facts(db_session, sorted(set(ids)))).items():
        for span in spans_of(facts):
            changes[(session_id, span.kind, span.value, span.from_on)] += alike
            if span.until_on is not None:
                changes[(session_id, span.kind, span.value, span.until_on)] -= alike
    return changes


def _add(db_session: orm.Session, changes: dict[Key, int]) -> None:
    """Add changes to the stored ones, in one statement per thousand."""
    sessions = {key[0] for key, change in changes.items() if change}
    if not sessions:
        return
    # A session deleted with its opinions (an undone import made it) took its counts along.
    kept = set(db_session.scalars(sa.select(CongressSession.id)
                                  .where(CongressSession.id.in_(sessions))))
    rows = [{"session_id": key[0], "kind": key[1], "value": key[2], "day": key[3],
             "change": change} for key, change in sorted(changes.items())
            if change and key[0] in kept]
    table = StandingCount.__table__
    dialect = db_session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    statement = insert.on_conflict_do_update(
        index_elements=["session_id", "kind", "value", "day"],
        set_={"change": table.c.change + insert.excluded.change},
    )
    connection = db_session.connection()
    for start in range(0, len(rows), 1000):
        connection.execute(statement, rows[start:start + 1000])


class Recount:
    """Moves the stored counts with a write: `before(ids)` before the write changes those
    opinions' facts (their spans are taken away), `apply()` after it (their spans now are
    added). Ids of opinions created by the write may be given to either.

    What is taken away is what the write replaces, even with writers at once: a screen's
    save raises the opinion's version (its 代表评价, 进展反馈 and 会办 rows are parts of it),
    so a save whose opinion changed since it read is refused whole; a change of a
    session's periods holds the other writers out and raises the version of all its
    opinions before counting them (`writing.orm`); a bulk write holds the other writers
    out from its first read (`exclusive.keep_writers_out`)."""

    def __init__(self, db_session: orm.Session) -> None:
        self.db_session = db_session
        self._seen: set[int] = set()
        self._away: Counter = Counter()

    def before(self, ids: Iterable[int | None]) -> None:
        fresh = {i for i in ids if i is not None} - self._seen
        if fresh:
            self._away.update(changes_of(self.db_session, fresh))
            self._seen |= fresh

    def created(self, ids: Iterable[int | None]) -> None:
        """Note opinions the write creates: there is nothing to take away."""
        self._seen.update(i for i in ids if i is not None)

    def rows(self, table: str, rows: Iterable[Mapping[str, Any]], created: bool = False) -> None:
        """Note rows of a table a bulk write is about to write (created: new rows)."""
        column = COUNTED_TABLES.get(table)
        if column is None:
            return
        ids = [row.get(column) for row in rows]
        if created and table == Opinion.__tablename__:
            self.created(ids)
        else:
            self.before(ids)

    def apply(self) -> None:
        if not self._seen:
            return
        moved = changes_of(self.db_session, self._seen)
        moved.subtract(self._away)
        _add(self.db_session, moved)
        self._seen, self._away = set(), Counter()


def recount_all(db_session: orm.Session) -> None:
    """Count every opinion afresh (data loaded around the write path, a repair)."""
    db_session.execute(sa.delete(StandingCount))
    _add(db_session, changes_of(db_session, db_session.scalars(sa.select(Opinion.id)).all()))


def counts(db_session: orm.Session, session_id: int, as_of: date) -> dict[tuple[str, str], int]:
    """Return a session's count of opinions standing each way on a day, by (kind, value)."""
    total = sa.func.sum(StandingCount.change)
    rows = db_session.execute(
        sa.select(StandingCount.kind, StandingCount.value, total)
        .where(StandingCount.session_id == session_id, StandingCount.day <= as_of)
        .group_by(StandingCount.kind, StandingCount.value)
        .having(total != 0)
    )
    return {(kind, value): int(count) for kind, value, count in rows}

