"""List filters that are more than "column equals value"."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask import g, has_app_context
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterConverter

from backoffice import deadline_queries, deadlines
from backoffice.extensions import db
from backoffice.inputs import day_from_text
from backoffice.models import CoHandling, CongressSession, Evaluation, Opinion, Unit
from backoffice.reporting.dashboard import AS_OF_FILTERS
from backoffice.reporting.supervision import supervisors
from importers.clock import LOCAL_TIME, local_today
from scoring.lateness import LATE_IN_YEAR, OVERDUE_NOW

YES_NO = (("1", "是"), ("0", "否"))


def data_options(query: Callable[[], list[tuple[str, str]]]) -> Callable[[], list]:
    """Wrap an options query: the data is read per request, not when views are built."""

    def options() -> list[tuple[str, str]]:
        return query() if has_app_context() else []

    return options


@data_options
def unit_options() -> list[tuple[str, str]]:
    rows = db.session.execute(sa.select(Unit.id, Unit.name).order_by(Unit.name)).all()
    return [(str(unit_id), name) for unit_id, name in rows]


@data_options
def supervisor_options() -> list[tuple[str, str]]:
    return [(name, name) for name in supervisors(db.session)]


@data_options
def session_options() -> list[tuple[str, str]]:
    query = sa.select(CongressSession.id, CongressSession.name).order_by(
        CongressSession.year.desc()
    )
    return [(str(session_id), name) for session_id, name in db.session.execute(query).all()]


class ChoiceFilter(BaseSQLAFilter):
    """Column equals one of a list of choices (ids shown by their names)."""

    def clean(self, value: str) -> Any:
        # Ids arrive as text; PostgreSQL compares an integer column only to an integer.
        return self.column.type.python_type(value)

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        return query.filter(self.get_column(alias) == value)

    def operation(self) -> str:
        return "为"


class SupervisorFilter(ChoiceFilter):
    """Opinions a given district leader supervises (督办领导), by the name they carry."""

    NAME = "督办领导"

    def __init__(self) -> None:
        super().__init__(Opinion.supervisor, self.NAME, options=supervisor_options)


class ConditionFilter(BaseSQLAFilter):
    """Yes/no on a condition: 是 keeps the rows that meet it, 否 the others."""

    def __init__(self, name: str, condition: Callable[[], sa.ColumnElement[bool]]) -> None:
        super().__init__(Opinion.id, name, options=YES_NO)
        self.condition = condition

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        condition = self.condition()
        return query.filter(condition if value == "1" else sa.not_(condition))

    def operation(self) -> str:
        return "是否"


class CoHandlerFilter(BaseSQLAFilter):
    """Opinions a given unit co-handles."""

    def __init__(self) -> None:
        super().__init__(Opinion.id, "会办单位", options=unit_options)

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        co_handled = sa.select(CoHandling.opinion_id).where(CoHandling.unit_id == int(value))
        return query.filter(Opinion.id.in_(co_handled))

    def operation(self) -> str:
        return "包含"


def late_in_year_filter() -> "ConditionFilter":
    """Opinions with a late record: a lead step (签收, 面商, 答复) done after its due date
    or still undone past it. (A co-handler's late 会办意见 is its co-handling's record.)"""
    return ConditionFilter(LATE_IN_YEAR.label, lambda: deadlines.ever_late(local_today()))


def returned() -> sa.ColumnElement[bool]:
    """Opinions a deputy returned with 不同意."""
    disagreed = sa.select(Evaluation.opinion_id).where(Evaluation.agrees.is_(False))
    return Opinion.id.in_(disagreed)


class AsOfFilter(BaseSQLAFilter):
    """Opinions whose deadlines stand a given way on the date chosen (YYYY-MM-DD).

    The date is the filter's value, so a dashboard read "as of" any day links to
    exactly the opinions it counted.
    """

    sets_list_day = True  # applied before the filters that read it (list_args)

    def __init__(
        self,
        name: str,
        condition: Callable[[deadline_queries.DueConditions], sa.ColumnElement[bool]],
    ) -> None:
        super().__init__(Opinion.id, name, data_type="datepicker")
        self.condition = condition

    def clean(self, value: str) -> date:
        # Flask-Admin's validate() calls this: a date it cannot read is reported and left
        # out; no date at all means today.
        return day_from_text(value) if value.strip() else local_today()

    def apply(self, query: Any, value: date, alias: Any = None) -> Any:
        # The date the list is read on, for a filter that pairs with this one.
        g.list_as_of = value
        return query.filter(self.condition(deadline_queries.conditions_as_of(value)))

    def operation(self) -> str:
        return "截至"


class OwnOverdueFilter(BaseSQLAFilter):
    """Opinions where a unit has a step of its own overdue: a lead step of an opinion it
    leads, or its own 会办意见 (what the dashboard's overdue-by-unit bars count).

    Read as of the day of the list's date filter (the dashboard links with both), else
    today.
    """

    NAME = f"{OVERDUE_NOW.label}单位"

    def __init__(self) -> None:
        super().__init__(Opinion.id, self.NAME, options=unit_options)

    def clean(self, value: str) -> int:
        return int(value)

    def apply(self, query: Any, value: int, alias: Any = None) -> Any:
        conditions = deadline_queries.conditions_as_of(list_as_of())
        return query.filter(deadline_queries.own_steps(conditions, value))

    def operation(self) -> str:
        return "为"


def list_as_of() -> date:
    """Return the day a list is read on: its date filter's date, else today."""
    return g.get("list_as_of") or local_today()


def as_of_filters() -> list[AsOfFilter]:
    """The list's filters by date that the dashboard links to."""
    return [AsOfFilter(name, condition) for name, condition in AS_OF_FILTERS.items()]


def _stored(moment: datetime) -> datetime:
    """Return a moment typed in Beijing time as the UTC moment the database holds."""
    return moment.replace(tzinfo=LOCAL_TIME).astimezone(UTC)


class _OnBeijingTime:
    """Read a date-time filter's value on Beijing time, the clock of every screen."""

    def clean(self, value: str) -> Any:
        cleaned = super().clean(value)  # type: ignore[misc]
        if isinstance(cleaned, list):  # "between": two moments
            return [_stored(moment) for moment in cleaned]
        return _stored(cleaned)


class BeijingTimeFilterConverter(FilterConverter):
    """Flask-Admin's filters, with date-time values typed on Beijing time: without it a
    search for 10:00 finds what happened at 18:00."""

    datetime_filters = tuple(
        type(f"BeijingTime{kind.__name__}", (_OnBeijingTime, kind), {})
        for kind in FilterConverter.datetime_filters
    )
