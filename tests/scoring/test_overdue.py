"""Overdue events (超期) are measured at as_of: late, or still undone past the due date."""

from datetime import date

import pytest

from scoring.overdue import co_overdue, is_late, lead_overdue
from tests.scoring.fact_builders import REPLY_DUE, co_handling, opinion

AS_OF = date(2017, 12, 15)


@pytest.mark.parametrize(
    ("done_on", "as_of", "late"),
    [
        (REPLY_DUE, AS_OF, False),  # on the due date itself: on time
        (date(2017, 5, 21), AS_OF, True),  # a day after
        (None, date(2017, 5, 20), False),  # undone, but not yet due on as_of
        (None, date(2017, 5, 21), True),  # undone and past due on as_of
        (date(2017, 6, 10), date(2017, 6, 1), True),  # done after as_of: undone on as_of
        # Replied late, but on as_of the deadline had not passed: not overdue yet then.
        (date(2017, 5, 25), date(2017, 5, 15), False),
    ],
)
def test_a_step_is_late_when_done_or_still_undone_after_its_due_date(done_on, as_of, late) -> None:
    assert is_late(done_on, REPLY_DUE, as_of) is late


def test_each_lead_step_is_overdue_at_most_once() -> None:
    never = opinion("0001", "甲", accepted_on=None, consulted_on=None, replied_on=None)
    events = lead_overdue(never, AS_OF)
    assert [e.kind for e in events] == ["超期签收", "超期面商", "超期答复"]


def test_late_co_opinion_is_an_overdue_event_of_the_co_handler() -> None:
    events = co_overdue(co_handling("乙", "0001", submitted_on=date(2017, 3, 21)), AS_OF)
    assert [(e.kind, e.unit, e.opinion) for e in events] == [("超期会办", "乙", "0001")]
    assert co_overdue(co_handling("乙", "0001", submitted_on=None), date(2017, 3, 1)) == []
