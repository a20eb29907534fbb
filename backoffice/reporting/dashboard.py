"""The dashboard's figures for a session as of a date.

A whole session (the office, the leaders) is read from the counts every write keeps
(`backoffice.spans`): one small query whatever the number of opinions. A narrower scope
(a unit's own opinions) is counted from the opinions themselves: one scan of the opinions
joined with their deadline facts (`deadline_queries.Schedule`) counts every figure,
category and answer type, one more each unit's overdue opinions (its lead steps and its
own 会办意见), one the grades. Each work list has the opinions-list filter that lists
exactly it, with the same conditions; tests hold both ways of counting equal.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice import spans
from backoffice.deadline_queries import DueConditions, Schedule, units_with
from backoffice.deadlines import Status
from backoffice.models import Evaluation, Opinion, Unit
from importers.vocabulary import ANSWER_TYPE_LABELS, AnswerType, Category, Grade
from scoring.lateness import OVERDUE_NOW

OVERDUE = frozenset({Status.OVERDUE})
DUE_SOON = frozenset({Status.DUE_SOON})


@dataclass(frozen=True)
class WorkList:
    """A count and the opinions-list filters (name → value) that list exactly it."""

    key: str
    label: str
    count: int
    filters: dict[str, str]


@dataclass(frozen=True)
class Dashboard:
    as_of: date
    totals: list[WorkList]  # 书面意见, 已答复, 正在答复, 已办结
    work_lists: list[WorkList]
    by_category: dict[str, int]
    by_answer_type: dict[str, int]  # by label over the answered
    by_grade: dict[str, int]  # latest grade as of the date
    overdue_by_unit: list[tuple[int, str, int]]  # (unit id, name, opinions), most first


def awaiting_sign_off() -> sa.ColumnElement[bool]:
    """D (留作参考) replies without the 分管副区长's sign-off (阅批)."""
    return sa.and_(
        Opinion.answer_type == AnswerType.REFERENCE.value, Opinion.signed_off_on.is_(None)
    )


def supervised() -> sa.ColumnElement[bool]:
    return Opinion.supervisor.is_not(None)


def _answering(c: DueConditions) -> sa.ColumnElement[bool]:
    unanswered = sa.or_(Opinion.replied_on.is_(None), Opinion.replied_on > c.as_of)
    return sa.and_(Opinion.assigned_on <= c.as_of, unanswered)


# The opinions-list filters whose value is the date the list is read on, by filter name:
# the dashboard counts with these conditions and links to these filters.
AS_OF_FILTERS: dict[str, Callable[[DueConditions], sa.ColumnElement[bool]]] = {
    "已交办": lambda c: Opinion.assigned_on <= c.as_of,
    "已答复": lambda c: Opinion.replied_on <= c.as_of,
    "正在答复": _answering,
    "办结": lambda c: Opinion.concluded_on <= c.as_of,
}
# Yes/no filters of the list the dashboard links to with 是 ("1").
YES_FILTERS: dict[str, Callable[[], sa.ColumnElement[bool]]] = {
    "领导督办": supervised,
    "D类待阅批": awaiting_sign_off,
}

TOTALS = (
    ("total", "书面意见", "已交办"),
    ("answered", "已答复", "已答复"),
    ("answering", "正在答复", "正在答复"),
    ("concluded", "已办结", "办结"),
)
WORK_LISTS = (
    ("overdue", OVERDUE_NOW.label, OVERDUE_NOW.label),
    ("due_soon", "7天内到期", "7天内到期"),
    ("second_reply", "不同意退回待二次答复", "待二次答复"),
    ("supervised", "领导督办", "领导督办"),
    ("sign_off", "D类答复待阅批", "D类待阅批"),
    ("progress", "进展反馈到期", "进展反馈到期"),
)
# The work lists of steps standing some way: their filters select the steps and statuses
# `spans.WORK_LISTS` declares for their keys.
AS_OF_FILTERS |= {
    name: lambda c, key=key: c.any_step(spans.WORK_LISTS[key][1], spans.WORK_LISTS[key][0])
    for key, _, name in WORK_LISTS if key in spans.WORK_LISTS
}


def _figures(conditions: DueConditions, rows: tuple) -> list[tuple]:
    """(key, label, condition, filters) of figures given as (key, label, filter name)."""
    day = conditions.as_of.isoformat()
    figures = []
    for key, label, name in rows:
        if name in AS_OF_FILTERS:
            figures.append((key, label, AS_OF_FILTERS[name](conditions), {name: day}))
        else:
            figures.append((key, label, YES_FILTERS[name](), {name: "1"}))
    return figures


def _latest_grades(db_session: orm.Session, scope, as_of: date) -> dict[str, int]:
    ranked = (
        sa.select(
            Evaluation.grade,
            sa.func.row_number().over(
                partition_by=Evaluation.opinion_id,
                order_by=(Evaluation.evaluated_on.desc(), Evaluation.id.desc()),
            ).label("position"),
        )
        .join(Opinion, Opinion.id == Evaluation.opinion_id)
        .where(scope, Evaluation.evaluated_on <= as_of)
        .subquery()
    )
    rows = db_session.execute(
        sa.select(ranked.c.grade, sa.func.count())
        .where(ranked.c.position == 1, ranked.c.grade.is_not(None))
        .group_by(ranked.c.grade)
    )
    return dict(rows.all())


def _scan(db_session: orm.Session, schedule: Schedule, scope: sa.ColumnElement[bool],
          counted: dict[str, sa.ColumnElement[bool]]) -> dict[str, int]:
    """Count each condition over the scope, in one scan; return the counts by key."""
    keys = list(counted)
    row = db_session.execute(
        schedule.select(*(sa.func.count().filter(counted[key]) for key in keys)).where(scope)
    ).one()
    return dict(zip(keys, row, strict=True))


@dataclass(frozen=True)
class _Counts:
    figures: dict[str, int]  # by figure key, "category:…" and "type:…"
    by_grade: dict[str, int]
    overdue: dict[int, int]  # opinions by unit id


def _counted(db_session: orm.Session, conditions: DueConditions, figures: list[tuple],
             scope: sa.ColumnElement[bool]) -> _Counts:
    """Count the opinions within scope themselves, as the lists' filters select them."""
    as_of = conditions.as_of
    started = Opinion.assigned_on <= as_of
    answered = sa.and_(started, Opinion.replied_on <= as_of)
    counted = {key: condition for key, _, condition, _ in figures}
    counted |= {f"category:{c.value}": sa.and_(started, Opinion.category == c.value)
                for c in Category}
    counted |= {f"type:{t.value}": sa.and_(answered, Opinion.answer_type == t.value)
                for t in AnswerType}
    schedule = conditions.schedule
    return _Counts(
        figures=_scan(db_session, schedule, scope, counted),
        by_grade=_latest_grades(db_session, sa.and_(scope, started), as_of),
        overdue=units_with(db_session, schedule, OVERDUE, scope),
    )


# The figures read from the stored counts, by the kind of span each counts.
_STORED = {"total": spans.ASSIGNED, "answered": spans.REPLIED, "answering": spans.ANSWERING,
           "concluded": spans.CONCLUDED, **{key: key for key in spans.WORK_LISTS}}


def _stored(db_session: orm.Session, session_id: int, as_of: date,
            figures: list[tuple]) -> _Counts:
    """Read a whole session's counts from the counts kept as its data changes (`spans`),
    and the two figures that are not as of a date from its opinions."""
    stored = spans.counts(db_session, session_id, as_of)
    of_kind: dict[str, dict[str, int]] = defaultdict(dict)
    for (kind, value), count in stored.items():
        of_kind[kind][value] = count
    now = [(key, condition) for key, _, condition, _ in figures if key not in _STORED]
    row = db_session.execute(
        sa.select(*(sa.func.count().filter(condition) for _, condition in now))
        .where(Opinion.session_id == session_id)
    ).one()
    found = {key: count for (key, _), count in zip(now, row, strict=True)}
    found |= {key: sum(of_kind[kind].values()) for key, kind in _STORED.items()}
    found |= {f"category:{c.value}": of_kind[spans.ASSIGNED].get(c.value, 0) for c in Category}
    found |= {f"type:{t.value}": of_kind[spans.ANSWER_TYPE].get(t.value, 0) for t in AnswerType}
    return _Counts(
        figures=found,
        by_grade=of_kind[spans.GRADE],
        overdue={int(unit): count for unit, count in of_kind[spans.OVERDUE_BY_UNIT].items()},
    )


def dashboard(
    db_session: orm.Session,
    session_id: int,
    as_of: date,
    scope: sa.ColumnElement[bool] | None,
    unit_id: int | None = None,
) -> Dashboard:
    """Return the dashboard of a session's opinions within scope as of a date.

    scope None: all of the session's opinions, read from the stored counts; a scope
    (a unit's opinions) is counted from the opinions themselves. unit_id (a unit user's
    own unit) keeps only that unit in the overdue-by-unit chart.
    """
    session_filter = {"届次会议": str(session_id)}
    conditions = DueConditions(Schedule(as_of), scanning=True)
    figures = _figures(conditions, TOTALS + WORK_LISTS)
    if scope is None:
        counts = _stored(db_session, session_id, as_of, figures)
    else:
        counts = _counted(db_session, conditions, figures,
                          sa.and_(Opinion.session_id == session_id, scope))
    overdue = counts.overdue
    if unit_id is not None:
        overdue = {k: v for k, v in overdue.items() if k == unit_id}
    names = dict(db_session.execute(
        sa.select(Unit.id, Unit.name).where(Unit.id.in_(list(overdue)))
    ).all())
    work = [WorkList(key, label, counts.figures[key], {**session_filter, **filters})
            for key, label, _, filters in figures]
    return Dashboard(
        as_of=as_of,
        totals=work[:len(TOTALS)],
        work_lists=work[len(TOTALS):],
        by_category={c.value: counts.figures[f"category:{c.value}"] for c in Category},
        by_answer_type={ANSWER_TYPE_LABELS[t]: counts.figures[f"type:{t.value}"]
                        for t in AnswerType},
        by_grade={g.value: counts.by_grade.get(g.value, 0) for g in Grade},
        overdue_by_unit=sorted(
            ((unit, names[unit], count) for unit, count in overdue.items() if count),
            key=lambda row: (-row[2], row[1]),
        ),
    )
