"""The stored counts (`spans`) stay equal to counting the data afresh after every kind of
write: the demo years' imports, screens' saves of each counted fact, a reassignment, a
deletion, a session's periods, the working calendar, an import and its undo; and the
dashboard read from them equals the dashboard counted from the opinions."""

import threading
from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import orm
from sqlalchemy.orm.exc import StaleDataError

from backoffice import reassigning, spans
from backoffice.extensions import db
from backoffice.imports import run_import, undo_import
from backoffice.models import (
    CalendarOverride,
    CoHandling,
    CongressSession,
    Evaluation,
    Opinion,
    ProgressReport,
    StandingCount,
    Unit,
)
from backoffice.reporting.dashboard import dashboard
from backoffice.writing.bulk import refresh_due_dates
from tests.backoffice.imports.test_apply_and_undo import SESSION_2017, changes_to_2017

DAYS = [date(2016, 3, 1), date(2016, 9, 1), date(2017, 4, 20), date(2017, 7, 1),
        date(2017, 12, 31), date(2018, 6, 1)]


def assert_counts_kept() -> None:
    """Hold the stored changes equal to the data counted afresh, and each session's
    dashboard read from them equal to the one counted from its opinions."""
    stored = Counter()
    for row in db.session.scalars(sa.select(StandingCount)):
        stored[(row.session_id, row.kind, row.value, row.day)] += row.change
    fresh = spans.changes_of(db.session, db.session.scalars(sa.select(Opinion.id)).all())
    assert +stored == +fresh and -stored == -fresh
    for session_id in db.session.scalars(sa.select(CongressSession.id)):
        for day in DAYS:
            assert dashboard(db.session, session_id, day, None) == \
                dashboard(db.session, session_id, day, sa.true()), (session_id, day)


def _opinion(number: str) -> Opinion:
    return db.session.scalar(sa.select(Opinion).join(CongressSession).where(
        Opinion.number == number, CongressSession.name == SESSION_2017))


def test_the_demo_years_as_imported_are_counted(app) -> None:
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StandingCount)) > 0
        assert_counts_kept()


def test_each_save_of_a_counted_fact_moves_the_counts(app) -> None:
    with app.app_context():
        opinion = _opinion("0001")
        replied = opinion.replied_on
        opinion.replied_on, opinion.answer_type = replied + timedelta(days=40), "B"
        db.session.commit()
        assert_counts_kept()
        opinion.evaluations.append(Evaluation(evaluated_on=date(2017, 8, 1), agrees=False))
        db.session.add(ProgressReport(opinion_id=opinion.id, reported_on=date(2017, 9, 1),
                                      text="阶段进展"))
        db.session.commit()
        assert_counts_kept()
        other = _opinion("0002")
        unit = db.session.scalar(sa.select(Unit).where(
            Unit.id.not_in([other.lead_unit_id, *(c.unit_id for c in other.co_handlings)])))
        other.co_handlings.append(CoHandling(unit=unit))
        reassigning.reassign(opinion, unit, "职能调整")
        db.session.commit()
        assert_counts_kept()
        db.session.delete(db.session.scalars(sa.select(ProgressReport)).first())
        db.session.delete(_opinion("0003"))
        db.session.commit()
        assert_counts_kept()


def test_a_sessions_periods_and_the_calendar_move_the_counts(app) -> None:
    with app.app_context():
        session = db.session.scalar(sa.select(CongressSession)
                                    .where(CongressSession.name == SESSION_2017))
        disagreed = _opinion("0004")
        disagreed.evaluations.append(Evaluation(evaluated_on=date(2017, 6, 30), agrees=False))
        db.session.commit()
        session.second_reply_months = 1  # no due date stored moves: the counts do
        db.session.commit()
        assert_counts_kept()
        session.consult_months = 2
        db.session.commit()
        refresh_due_dates(db.session, [session.id])
        db.session.commit()
        assert_counts_kept()
        first = db.session.scalar(sa.select(sa.func.min(Opinion.assigned_on))
                                  .where(Opinion.session_id == session.id))
        db.session.add(CalendarOverride(day=first + timedelta(days=1), is_workday=False))
        db.session.flush()
        refresh_due_dates(db.session, [session.id])
        db.session.commit()
        assert_counts_kept()


def test_an_import_and_its_undo_move_the_counts(app, tmp_path) -> None:
    with app.app_context():
        result = run_import(db.session, [changes_to_2017(tmp_path / "changes")], "auto",
                            session=SESSION_2017, dry_run=False, actor="admin")
        db.session.commit()
        assert result.applied
        assert_counts_kept()
        undo_import(db.session, result.run_id, "admin")
        db.session.commit()
        assert_counts_kept()


def race(app: Flask, first_write, second_write, second: str) -> None:
    """Let a first writer flush, a second one save meanwhile in another thread, then the
    first commit: the second writer waits, then is "saved" or "refused" (stale), and the
    counts hold."""
    with app.app_context():
        engine = db.engine
    first, other = orm.Session(bind=engine), orm.Session(bind=engine)
    outcome: list[str] = []
    try:
        first_write(first)
        first.flush()

        def save() -> None:
            try:
                second_write(other)
                other.commit()
                outcome.append("saved")
            except StaleDataError:
                other.rollback()
                outcome.append("refused")

        writer = threading.Thread(target=save)
        writer.start()
        writer.join(timeout=1.0)
        assert writer.is_alive()  # waits for the first writer
        first.commit()
        writer.join(timeout=30)
        assert not writer.is_alive()
    finally:
        first.close()
        other.close()
    assert outcome == [second]
    with app.app_context():
        assert_counts_kept()


def test_two_writers_adding_to_one_opinion_at_once_keep_the_counts(app) -> None:
    """The second writer waits for the first to commit, then (the opinion's version moved)
    is refused as a stale save: the first is counted, the second not, nothing twice."""
    with app.app_context():
        opinion_id = _opinion("0005").id

    def disagree(db_session: orm.Session) -> None:
        db_session.add(Evaluation(opinion_id=opinion_id, evaluated_on=date(2017, 8, 1),
                                  agrees=False))

    def report(db_session: orm.Session) -> None:
        db_session.get(Opinion, opinion_id)
        db_session.add(ProgressReport(opinion_id=opinion_id, reported_on=date(2017, 9, 1),
                                      text="阶段进展"))

    race(app, disagree, report, "refused")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation).where(
            Evaluation.opinion_id == opinion_id, Evaluation.evaluated_on == date(2017, 8, 1)))


def test_backoffice_recount_counts_rows_written_around_the_write_path(app) -> None:
    with app.app_context():
        opinion = _opinion("0006")
        db.session.execute(sa.update(Opinion).where(Opinion.id == opinion.id)
                           .values(replied_on=None, answer_type=None))  # around the path
        db.session.commit()
        stale = dashboard(db.session, opinion.session_id, date(2017, 12, 31), None)
        result = app.test_cli_runner().invoke(args=["recount"])
        assert result.exit_code == 0 and "已重新统计" in result.output
        assert_counts_kept()
        fresh = dashboard(db.session, opinion.session_id, date(2017, 12, 31), None)
        answered = {f.key: f.count for f in fresh.totals}["answered"]
        assert answered == {f.key: f.count for f in stale.totals}["answered"] - 1


def test_new_opinions_saved_alone_and_alike_are_each_counted(app) -> None:
    """A save that creates opinions and nothing else counted is counted (their ids come
    with the flush); alike opinions' spans are worked out once, and each still counts."""
    with app.app_context():
        model = _opinion("0001")
        session_id, day = model.session_id, date(2018, 6, 1)
        before = spans.counts(db.session, session_id, day)
        assigned = date(2017, 12, 1)
        for number in ("9001", "9002", "9003"):
            db.session.add(Opinion(session_id=session_id, number=number, title="同样的事实",
                                   category=model.category, lead_unit_id=model.lead_unit_id,
                                   lead_deputy_id=model.lead_deputy_id, assigned_on=assigned))
        db.session.commit()
        after = spans.counts(db.session, session_id, day)
        for way in (("assigned", model.category), ("answering", ""), ("overdue", "")):
            assert after.get(way, 0) - before.get(way, 0) == 3, way
        assert_counts_kept()


def test_the_release_that_mended_it_counts_afresh(app) -> None:
    """Migration 0015 counts afresh what earlier releases left out."""
    with app.app_context():
        db.session.execute(sa.delete(StandingCount).where(StandingCount.day > date(2017, 3, 1)))
        db.session.commit()
        db.session.remove()
        downgrade(revision="0014")
        upgrade()
        assert_counts_kept()
