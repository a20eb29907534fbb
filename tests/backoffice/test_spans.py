"""An opinion's spans hold on exactly the days `opinion_deadlines` and its facts say it stands
each way: drawn opinions (late, reassigned, second replies after 不同意, progress reports,
co-handlers added later, several grades), read on every day of two years."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from backoffice import spans
from backoffice.deadlines import (
    DueDates,
    Handling,
    Status,
    WorkingCalendar,
    due_dates,
    opinion_deadlines,
)
from backoffice.models import CongressSession

START = date(2018, 1, 1)
SESSION = CongressSession(name="抽样会议", year=2018, accept_working_days=5, consult_months=1,
                          co_opinion_months=1, reply_months=3, second_reply_months=2)
LEAD = 1


def on(offset: int | None, after: date | None) -> date | None:
    return None if offset is None or after is None else after + timedelta(days=offset)


def later(low: int, high: int) -> st.SearchStrategy[int | None]:
    return st.one_of(st.none(), st.integers(low, high))


@st.composite
def facts(draw) -> spans.Facts:
    assigned = START + timedelta(days=draw(st.integers(0, 200)))
    replied = on(draw(later(-5, 150)), assigned)  # now and then before the assignment
    units = draw(st.lists(st.integers(1, 4), max_size=3, unique=True))
    co_handlings = tuple((unit, on(draw(later(0, 90)), assigned)) for unit in units)
    added = tuple((unit, on(draw(st.integers(1, 80)), assigned) + timedelta(days=30))
                  for unit in units if draw(st.booleans()))
    days_after_reply = st.lists(st.integers(-20, 200), max_size=4)
    handling = Handling(
        assigned_on=assigned,
        accepted_on=on(draw(later(0, 20)), assigned),
        consulted_on=on(draw(later(0, 60)), assigned),
        replied_on=replied,
        answer_type=draw(st.sampled_from("ABCD")) if replied else None,
        concluded_on=on(draw(later(0, 200)), replied),
        second_replied_on=on(draw(later(0, 120)), replied),
        disagreed_on=tuple(on(d, replied) for d in draw(days_after_reply)) if replied else (),
        progress_reported_on=tuple(on(d, replied) for d in draw(days_after_reply))
        if replied else (),
        co_handlings=co_handlings,
        co_handler_dues=added,
    )
    first = due_dates(assigned, SESSION, WorkingCalendar(), draw(later(1, 3)))
    dues = DueDates(first.accept, first.consult, first.co_opinion, first.reply)
    evaluations = tuple((on(d, assigned), n, draw(st.sampled_from(["好", "一般", None])))
                        for n, d in enumerate(draw(st.lists(st.integers(0, 300), max_size=4))))
    return spans.Facts(handling, dues, SESSION, LEAD, "社会事业", evaluations)


def holding(found: list[spans.Span], day: date) -> dict[tuple[str, str], int]:
    held: dict[tuple[str, str], int] = {}
    for span in found:
        if span.from_on <= day and (span.until_on is None or day < span.until_on):
            held[span.kind, span.value] = held.get((span.kind, span.value), 0) + 1
    return held


def expected(drawn: spans.Facts, day: date) -> dict[tuple[str, str], int]:
    """How the opinion stands on day, from `opinion_deadlines` and its facts."""
    handling = drawn.handling
    read = opinion_deadlines(handling, drawn.dues, SESSION, day)
    held: dict[tuple[str, str], int] = {}
    for key, (steps, statuses) in spans.WORK_LISTS.items():
        if any(d.step in steps and d.status in statuses for d in read):
            held[key, ""] = 1
    for d in read:
        if d.status is Status.OVERDUE:
            held[spans.OVERDUE_BY_UNIT, str(d.co_handler or drawn.lead_unit)] = 1
    started = handling.assigned_on <= day
    replied = handling.replied_on is not None and handling.replied_on <= day
    given = sorted(e for e in drawn.evaluations if e[0] <= day)
    if started and given and given[-1][2] is not None:
        held[spans.GRADE, given[-1][2]] = 1
    if started:
        held[spans.ASSIGNED, drawn.category] = 1
        if not replied:
            held[spans.ANSWERING, ""] = 1
        elif handling.answer_type:
            held[spans.ANSWER_TYPE, handling.answer_type] = 1
    if replied:
        held[spans.REPLIED, ""] = 1
    if handling.concluded_on is not None and handling.concluded_on <= day:
        held[spans.CONCLUDED, ""] = 1
    return held


@settings(max_examples=300, deadline=None, database=None)
@given(drawn=facts())
def test_an_opinions_spans_hold_on_the_days_its_deadlines_say(drawn: spans.Facts) -> None:
    found = spans.spans_of(drawn)
    for offset in range(0, 730, 1):
        day = START + timedelta(days=offset)
        assert holding(found, day) == expected(drawn, day), day

