"""A year's facts come from the database in a fixed handful of queries, as known on as_of,
with the due dates stored on each opinion."""

from datetime import date

import sqlalchemy as sa

from backoffice.assessment import assess_year, year_facts
from backoffice.extensions import db
from backoffice.models import CongressSession, Evaluation, Opinion
from tests.scoring.truth_facts import truth


def _opinion_id(number: str, year: int = 2017) -> int:
    query = (
        sa.select(Opinion.id)
        .join(CongressSession)
        .where(CongressSession.year == year, Opinion.number == number)
    )
    return db.session.scalar(query)


def _statements_during(action) -> tuple[object, list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        return action(), statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def test_facts_of_a_year_are_read_in_eight_queries(app) -> None:
    with app.app_context():
        for year in (2016, 2017):
            facts, statements = _statements_during(
                lambda year=year: year_facts(db.session, year, date(year, 12, 15))
            )
            # Units, opinions, evaluations, contacts, co-handlings, notices, liaison terms,
            # reassignments (none in the demo years: no schedule to compute).
            assert len(statements) == 8
            sample = truth(year)
            assert len(facts.opinions) == len(sample["opinions"])
            assert len(facts.co_handlings) == sum(len(o["co_handling"]) for o in sample["opinions"])


def test_a_step_taken_after_as_of_has_not_happened_yet(app) -> None:
    with app.app_context():
        # 0001 (2017): accepted 02-22, consulted 03-09, replied 05-08 (C), concluded 09-11,
        # evaluated 05-29, contacts 03-09 (办前), 05-05 (办中), 06-04 (办后).
        def opinion_on(day: date):
            facts = year_facts(db.session, 2017, day)
            return next(o for o in facts.opinions if o.number == "0001")

        early = opinion_on(date(2017, 5, 10))
        assert (early.replied_on, early.answer_type) == (date(2017, 5, 8), "C")
        assert early.concluded_on is None and early.grade is None
        assert early.contact_stages == {"办前", "办中"}
        before_reply = opinion_on(date(2017, 5, 7))
        assert (before_reply.replied_on, before_reply.answer_type) == (None, None)
        late = opinion_on(date(2017, 12, 15))
        assert late.concluded_on == date(2017, 9, 11) and late.grade == "较好"
        assert late.contact_stages == {"办前", "办中", "办后"}


def test_due_dates_are_the_ones_stored_on_the_opinion(app) -> None:
    with app.app_context():
        opinion_id = _opinion_id("0001")
        # Written around the ORM, so nothing recomputes them: the facts must read these.
        db.session.execute(
            sa.update(Opinion)
            .where(Opinion.id == opinion_id)
            .values(reply_due_on=date(2017, 5, 1), co_opinion_due_on=date(2017, 3, 1))
            .execution_options(synchronize_session=False)
        )
        facts = year_facts(db.session, 2017, date(2017, 12, 15))
        opinion = next(o for o in facts.opinions if o.number == "0001")
        assert opinion.reply_due == date(2017, 5, 1)
        assert opinion.acceptance_due == date.fromisoformat(truth(2017)["deadlines"]["accept"])
        unit = assess_year(db.session, 2017, date(2017, 12, 15)).unit("浦江镇")
        assert ("超期答复", "0001") in {(e.kind, e.opinion) for e in unit.overdue_events}


def test_the_latest_evaluation_by_as_of_gives_the_grade_and_a_disagreement_stays(app) -> None:
    with app.app_context():
        # 0026 (2017) was returned with 不同意, then graded after the second reply.
        returned = next(o for o in truth(2017)["opinions"] if o["number"] == "0026")
        disagreed_on = date.fromisoformat(returned["returned"]["disagreed_on"])
        graded_on = date.fromisoformat(returned["evaluation"]["evaluated_on"])

        def opinion_on(day: date):
            return next(o for o in year_facts(db.session, 2017, day).opinions if o.number == "0026")

        assert opinion_on(disagreed_on).returned and opinion_on(disagreed_on).grade is None
        final = opinion_on(date(2017, 12, 15))
        assert final.returned and final.grade == returned["evaluation"]["grade"]
        assert graded_on < date(2017, 12, 1)

        # A later 不同意 without a grade: on as_of the opinion awaits its new grade.
        db.session.add(
            Evaluation(opinion_id=_opinion_id("0026"), evaluated_on=date(2017, 12, 1), agrees=False)
        )
        db.session.commit()
        assert opinion_on(date(2017, 12, 15)).grade is None
        assert opinion_on(date(2017, 11, 30)).grade == returned["evaluation"]["grade"]
