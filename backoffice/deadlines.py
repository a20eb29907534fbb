"""Due dates on the Chinese working calendar: the one place that computes them.

Screens, reminders, notices, the report and the assessment all ask this module
when something is due. Opinions store their due dates (kept here on every flush)
so that lists can filter on them with an index.
"""

from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
import sqlalchemy as sa
from sqlalchemy import event, orm

from backoffice.models import CalendarOverride, CongressSession, Opinion


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


def second_reply_due(disagreed_on: date, session: CongressSession) -> date:
    """Return when the second reply after a 不同意 is due."""
    return add_months(disagreed_on, session.second_reply_months)


def load_calendar(db_session: orm.Session) -> WorkingCalendar:
    with db_session.no_autoflush:
        rows = db_session.execute(sa.select(CalendarOverride.day, CalendarOverride.is_workday))
        return WorkingCalendar(dict(rows.all()))


def apply_due_dates(opinion: Opinion, dates: DueDates) -> None:
    opinion.accept_due_on = dates.accept
    opinion.consult_due_on = dates.consult
    opinion.co_opinion_due_on = dates.co_opinion
    opinion.reply_due_on = dates.reply


_DEADLINE_INPUTS = ("assigned_on", "reply_extension_months", "session_id", "session")


def _needs_due_dates(opinion: Opinion) -> bool:
    state = sa.inspect(opinion)
    if state.pending or opinion.reply_due_on is None:
        return True
    return any(state.attrs[name].history.has_changes() for name in _DEADLINE_INPUTS)


def _keep_due_dates(db_session: orm.Session, _flush_context, _instances) -> None:
    opinions = [o for o in [*db_session.new, *db_session.dirty] if isinstance(o, Opinion)]
    changed = [o for o in opinions if _needs_due_dates(o)]
    if not changed:
        return
    calendar = load_calendar(db_session)
    for opinion in changed:
        session = opinion.session or db_session.get(CongressSession, opinion.session_id)
        apply_due_dates(
            opinion,
            due_dates(opinion.assigned_on, session, calendar, opinion.reply_extension_months),
        )


def refresh_due_dates(db_session: orm.Session, sessions: Iterable[CongressSession]) -> int:
    """Recompute stored due dates after a session's settings or the calendar changed."""
    calendar = load_calendar(db_session)
    updated = 0
    for session in sessions:
        groups = db_session.execute(
            sa.select(Opinion.assigned_on, Opinion.reply_extension_months)
            .where(Opinion.session_id == session.id)
            .distinct()
        )
        for assigned_on, extension in groups.all():
            dates = due_dates(assigned_on, session, calendar, extension)
            result = db_session.execute(
                sa.update(Opinion)
                .where(
                    Opinion.session_id == session.id,
                    Opinion.assigned_on == assigned_on,
                    Opinion.reply_extension_months.is_(None)
                    if extension is None
                    else Opinion.reply_extension_months == extension,
                )
                .values(
                    accept_due_on=dates.accept,
                    consult_due_on=dates.consult,
                    co_opinion_due_on=dates.co_opinion,
                    reply_due_on=dates.reply,
                )
                .execution_options(synchronize_session=False)
            )
            updated += result.rowcount
    return updated


def listen() -> None:
    """Keep due dates in every ORM session; safe to call once per app."""
    if not event.contains(orm.Session, "before_flush", _keep_due_dates):
        # Inserted first so that the audit trail sees the due dates it set.
        event.listen(orm.Session, "before_flush", _keep_due_dates, insert=True)


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
