"""Which session a page is about, the one before it, and the date it is read on."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice.deadlines import add_months
from backoffice.models import CongressSession

_NEWEST_FIRST = (CongressSession.year.desc(), CongressSession.id.desc())


def current_session(db_session: orm.Session) -> CongressSession | None:
    """Return the newest session."""
    return db_session.scalars(sa.select(CongressSession).order_by(*_NEWEST_FIRST).limit(1)).first()


def previous_session(db_session: orm.Session, session: CongressSession) -> CongressSession | None:
    """Return the newest session of an earlier year, if any."""
    query = sa.select(CongressSession).where(CongressSession.year < session.year)
    return db_session.scalars(query.order_by(*_NEWEST_FIRST).limit(1)).first()


def session_named(db_session: orm.Session, name: str) -> CongressSession | None:
    query = sa.select(CongressSession).where(CongressSession.name == name)
    return db_session.scalars(query).first()


def default_as_of(session: CongressSession, today: date) -> date:
    """Return today while the session's year runs; after it, the year's last day.

    A session's handling year ends with its year: read later, its figures are the
    year-end ones, not years of overdue steps nobody chases any more.
    """
    year_end = date(session.year, 12, 31)
    return min(today, year_end)


def same_day_earlier(as_of: date, years: int) -> date:
    """Return as_of the given number of years earlier (29 February → 28 February)."""
    return add_months(as_of, -12 * years)
