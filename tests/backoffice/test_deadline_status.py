"""Every deadline of an opinion and its status on a date (pure: no app, no database)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from backoffice.deadlines import (
    DueDates,
    Handling,
    Status,
    Step,
    WorkingCalendar,
    add_months,
    due_dates,
    earliest_start,
    next_progress_due,
    opinion_deadlines,
    status,
)
from backoffice.models import CongressSession

SESSION = CongressSession(name="测试会议", year=2018)
CALENDAR = WorkingCalendar()


def _by_step(handling: Handling, as_of: date, extension: int | None = None) -> dict:
    dues = due_dates(handling.assigned_on, SESSION, CALENDAR, extension)
    return {d.step: d for d in opinion_deadlines(handling, dues, SESSION, as_of)}


def test_status_met_late_overdue_due_soon_and_not_due() -> None:
    due = date(2018, 3, 10)
    assert status(due, date(2018, 3, 10), date(2018, 4, 1)) is Status.MET
    assert status(due, date(2018, 3, 11), date(2018, 4, 1)) is Status.MET_LATE
    assert status(due, None, date(2018, 3, 11)) is Status.OVERDUE
    assert status(due, None, date(2018, 3, 10)) is Status.DUE_SOON  # due today
    assert status(due, None, date(2018, 3, 3)) is Status.DUE_SOON  # 7 days ahead
    assert status(due, None, date(2018, 3, 2)) is Status.NOT_DUE  # 8 days ahead
    # A step recorded after the date had not happened on it.
    assert status(due, date(2018, 3, 20), date(2018, 3, 15)) is Status.OVERDUE


def test_acceptance_across_spring_festival_with_make_up_days() -> None:
    # 2018: holiday 2月15日–21日; make-up working days Sunday 2月11日 and Saturday 2月24日.
    handling = Handling(assigned_on=date(2018, 2, 9), accepted_on=date(2018, 2, 26))
    acceptance = _by_step(handling, date(2018, 3, 1))[Step.ACCEPTANCE]
    assert acceptance.due_on == date(2018, 2, 24)  # 11, 12, 13, 14, 22, 23, 24
    assert acceptance.status is Status.MET_LATE
    assert _by_step(handling, date(2018, 2, 16))[Step.ACCEPTANCE].status is Status.NOT_DUE
    assert _by_step(handling, date(2018, 2, 17))[Step.ACCEPTANCE].status is Status.DUE_SOON
    assert _by_step(handling, date(2018, 2, 24))[Step.ACCEPTANCE].status is Status.DUE_SOON
    assert _by_step(handling, date(2018, 2, 25))[Step.ACCEPTANCE].status is Status.OVERDUE


def test_a_deadline_on_a_weekend() -> None:
    # Working-day deadlines never end on a day off: every start in 2017 lands on a workday.
    day = date(2017, 1, 1)
    while day.year == 2017:
        assert CALENDAR.is_workday(CALENDAR.add_workdays(day, 7))
        day += timedelta(days=1)
    # A calendar-month deadline on a Sunday stays on the Sunday: Monday is late.
    handling = Handling(assigned_on=date(2016, 2, 22), replied_on=date(2016, 5, 23))
    reply = _by_step(handling, date(2016, 6, 1))[Step.REPLY]
    assert reply.due_on == date(2016, 5, 22) and reply.due_on.weekday() == 6
    assert reply.status is Status.MET_LATE
    assert _by_step(handling, date(2016, 5, 22))[Step.REPLY].status is Status.DUE_SOON


def test_an_approved_extension_moves_the_reply_deadline() -> None:
    handling = Handling(assigned_on=date(2018, 2, 9), replied_on=date(2018, 6, 20))
    assert _by_step(handling, date(2018, 7, 1))[Step.REPLY].status is Status.MET_LATE
    extended = _by_step(handling, date(2018, 7, 1), extension=2)[Step.REPLY]
    assert (extended.due_on, extended.status) == (date(2018, 7, 9), Status.MET)
    # Unanswered: overdue without the extension, not yet due with it.
    unanswered = Handling(assigned_on=date(2018, 2, 9))
    assert _by_step(unanswered, date(2018, 5, 20))[Step.REPLY].status is Status.OVERDUE
    assert (
        _by_step(unanswered, date(2018, 5, 20), extension=2)[Step.REPLY].status
        is Status.NOT_DUE
    )


def test_second_reply_is_due_a_month_after_a_disagreement() -> None:
    handling = Handling(
        assigned_on=date(2017, 2, 20),
        replied_on=date(2017, 5, 8),
        disagreed_on=(date(2017, 5, 19),),
        second_replied_on=date(2017, 6, 28),
    )
    assert Step.SECOND_REPLY not in _by_step(handling, date(2017, 5, 18))
    assert _by_step(handling, date(2017, 6, 11))[Step.SECOND_REPLY].status is Status.NOT_DUE
    second = _by_step(handling, date(2017, 6, 12))[Step.SECOND_REPLY]
    assert (second.due_on, second.status) == (date(2017, 6, 19), Status.DUE_SOON)
    assert _by_step(handling, date(2017, 6, 20))[Step.SECOND_REPLY].status is Status.OVERDUE
    assert _by_step(handling, date(2017, 7, 1))[Step.SECOND_REPLY].status is Status.MET_LATE


def test_a_new_disagreement_after_the_second_reply_asks_for_another() -> None:
    handling = Handling(
        assigned_on=date(2017, 2, 20),
        replied_on=date(2017, 5, 8),
        disagreed_on=(date(2017, 5, 19), date(2017, 7, 10)),
        second_replied_on=date(2017, 6, 5),
    )
    assert _by_step(handling, date(2017, 7, 1))[Step.SECOND_REPLY].status is Status.MET
    again = _by_step(handling, date(2017, 8, 15))[Step.SECOND_REPLY]
    assert (again.due_on, again.done_on, again.status) == (
        date(2017, 8, 10), None, Status.OVERDUE,
    )


def test_progress_reports_monthly_for_b_quarterly_for_c_until_concluded() -> None:
    b = Handling(
        assigned_on=date(2017, 2, 20),
        replied_on=date(2017, 4, 18),
        answer_type="B",
        progress_reported_on=(date(2017, 5, 15), date(2017, 6, 19)),
        concluded_on=date(2017, 8, 21),
    )
    progress = _by_step(b, date(2017, 5, 12))[Step.PROGRESS]
    assert (progress.due_on, progress.status) == (date(2017, 5, 18), Status.DUE_SOON)
    assert _by_step(b, date(2017, 5, 14))[Step.PROGRESS].due_on == date(2017, 5, 18)
    assert _by_step(b, date(2017, 5, 16))[Step.PROGRESS].due_on == date(2017, 6, 15)
    late = _by_step(b, date(2017, 6, 17))[Step.PROGRESS]
    assert (late.due_on, late.status) == (date(2017, 6, 15), Status.OVERDUE)
    assert _by_step(b, date(2017, 7, 1))[Step.PROGRESS].due_on == date(2017, 7, 19)
    assert Step.PROGRESS not in _by_step(b, date(2017, 8, 21))  # concluded
    assert Step.PROGRESS not in _by_step(b, date(2017, 4, 17))  # not yet answered

    assert next_progress_due("C", date(2017, 5, 1), [], None, date(2017, 6, 1)) == date(
        2017, 8, 1
    )
    assert next_progress_due("C", date(2017, 5, 1), [date(2017, 7, 28)], None,
                             date(2017, 8, 1)) == date(2017, 10, 28)
    for answer_type in ("A", "D", None):
        assert next_progress_due(answer_type, date(2017, 5, 1), [], None, date(2017, 9, 1)) is None


def test_each_co_handler_has_its_own_co_opinion_deadline() -> None:
    handling = Handling(
        assigned_on=date(2017, 2, 20),
        co_handlings=(("区交通委", date(2017, 3, 15)), ("区水务局", None), ("区建管委", None)),
    )
    found = opinion_deadlines(
        handling, due_dates(handling.assigned_on, SESSION, CALENDAR), SESSION, date(2017, 3, 21)
    )
    co = {d.co_handler: d.status for d in found if d.step is Step.CO_OPINION}
    assert co == {"区交通委": Status.MET, "区水务局": Status.OVERDUE, "区建管委": Status.OVERDUE}
    assert all(d.co_handler is None for d in found if d.step is not Step.CO_OPINION)


def test_nothing_is_due_before_assignment() -> None:
    handling = Handling(assigned_on=date(2017, 2, 20))
    dues = DueDates(date(2017, 3, 1), date(2017, 3, 20), date(2017, 3, 20), date(2017, 5, 20))
    assert opinion_deadlines(handling, dues, SESSION, date(2017, 2, 19)) == []


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.integers(min_value=1, max_value=12),
)
def test_earliest_start_turns_month_arithmetic_into_a_date_comparison(
    start: date, bound: date, months: int
) -> None:
    assert (add_months(start, months) < bound) == (start < earliest_start(bound, months))
