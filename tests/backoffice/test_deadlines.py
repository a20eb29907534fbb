"""Due dates on China's working calendar, kept on every opinion."""

from datetime import date

import sqlalchemy as sa

from backoffice.deadlines import WorkingCalendar, add_months, due_dates
from backoffice.extensions import db
from backoffice.models import AuditEntry, CalendarOverride, CongressSession, Opinion
from backoffice.writing.bulk import refresh_due_dates


def test_acceptance_counts_working_days_across_spring_festival() -> None:
    # 2017: holiday 1月27日–2月2日; make-up working days Sunday 1月22日 and Saturday 2月4日.
    calendar = WorkingCalendar()
    assert calendar.add_workdays(date(2017, 1, 20), 1) == date(2017, 1, 22)
    assert calendar.add_workdays(date(2017, 1, 20), 7) == date(2017, 2, 4)


def test_office_overrides_win_over_the_package() -> None:
    calendar = WorkingCalendar({date(2017, 2, 21): False})
    assert calendar.add_workdays(date(2017, 2, 20), 1) == date(2017, 2, 22)


def test_a_year_the_package_does_not_know_falls_back_to_weekdays() -> None:
    calendar = WorkingCalendar()
    assert calendar.add_workdays(date(2099, 1, 2), 1) == date(2099, 1, 5)  # Fri → Mon


def test_months_are_calendar_months_clamped_to_the_month_end() -> None:
    assert add_months(date(2017, 2, 20), 3) == date(2017, 5, 20)
    assert add_months(date(2017, 1, 31), 1) == date(2017, 2, 28)
    assert add_months(date(2016, 11, 30), 3) == date(2017, 2, 28)
    assert add_months(date(2016, 12, 15), 1) == date(2017, 1, 15)


def test_the_samples_deadlines_and_an_extension() -> None:
    session = CongressSession(name="区六届人大一次会议", year=2017)
    dates = due_dates(date(2017, 2, 20), session, WorkingCalendar())
    assert (dates.accept, dates.consult, dates.co_opinion, dates.reply) == (
        date(2017, 3, 1), date(2017, 3, 20), date(2017, 3, 20), date(2017, 5, 20),
    )
    # 2016-05-22 is a Sunday: a calendar-month deadline is not moved.
    session_2016 = CongressSession(name="区五届人大六次会议", year=2016)
    assert due_dates(date(2016, 2, 22), session_2016, WorkingCalendar()).reply == date(2016, 5, 22)
    extended = due_dates(date(2017, 2, 20), session, WorkingCalendar(), extension_months=2)
    assert extended.reply == date(2017, 7, 20)


def test_stored_due_dates_follow_extensions_settings_and_overrides(app) -> None:
    with app.app_context():
        opinion = db.session.scalars(
            sa.select(Opinion).join(Opinion.session).where(CongressSession.year == 2017)
        ).first()
        assert opinion.reply_due_on == date(2017, 5, 20)
        opinion.reply_extension_months = 1
        db.session.commit()
        assert opinion.reply_due_on == date(2017, 6, 20)

        version = opinion.version
        session = opinion.session
        session.accept_working_days = 5
        db.session.add(CalendarOverride(day=date(2017, 2, 21), is_workday=False))
        db.session.commit()
        assert refresh_due_dates(db.session, [session.id]) == 322
        db.session.commit()
        db.session.refresh(opinion)
        assert opinion.accept_due_on == date(2017, 2, 28)  # 22,23,24,27,28
        # The refresh is a change like any other: audited, and the opinion's version rises
        # (once for the new periods, which move its counts, once for its moved due dates).
        trail = db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.opinion_id == opinion.id).order_by(AuditEntry.id.desc())).first()
        assert trail.changes["accept_due_on"][1] == "2017-02-28"
        assert opinion.version == version + 2
