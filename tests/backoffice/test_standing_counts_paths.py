"""The stored counts (`spans`) after writes the other counts' tests leave out: opinions
that enter a session (created in it, moved to it) while the session's periods change."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm

from backoffice.extensions import db
from backoffice.models import CongressSession, Evaluation, Opinion
from tests.backoffice.imports.test_apply_and_undo import SESSION_2017
from tests.backoffice.test_standing_counts import race

SESSION_2016 = "区五届人大六次会议"


def _periods(db_session: orm.Session) -> None:
    session = db_session.scalar(sa.select(CongressSession)
                                .where(CongressSession.name == SESSION_2017))
    session.second_reply_months = 1 if session.second_reply_months != 1 else 2


def _disagreed_in_2016(app: Flask) -> int:
    """Return an answered opinion of 2016 given a 不同意 whose second reply is due by its
    session's second_reply_months."""
    with app.app_context():
        opinion = db.session.scalar(
            sa.select(Opinion).join(CongressSession)
            .where(CongressSession.name == SESSION_2016, Opinion.replied_on.is_not(None),
                   Opinion.second_replied_on.is_(None)).order_by(Opinion.id))
        opinion.evaluations.append(Evaluation(evaluated_on=opinion.replied_on
                                              + timedelta(days=5), agrees=False))
        db.session.commit()
        return opinion.id


def _moved_to_2017(opinion_id: int):
    def write(db_session: orm.Session) -> None:
        opinion = db_session.get(Opinion, opinion_id)
        opinion.session_id = db_session.scalar(sa.select(CongressSession.id)
                                               .where(CongressSession.name == SESSION_2017))
        opinion.number = "9801"
    return write


def _created_in_2017(opinion_id: int):
    """A write creating a 2017 opinion like the given one, with its 不同意."""
    def write(db_session: orm.Session) -> None:
        model = db_session.get(Opinion, opinion_id)
        session_id = db_session.scalar(sa.select(CongressSession.id)
                                       .where(CongressSession.name == SESSION_2017))
        created = Opinion(session_id=session_id, number="9802", title=model.title,
                          category=model.category, lead_unit_id=model.lead_unit_id,
                          lead_deputy_id=model.lead_deputy_id, assigned_on=model.assigned_on,
                          replied_on=model.replied_on, answer_type=model.answer_type)
        created.evaluations.append(Evaluation(evaluated_on=model.replied_on
                                              + timedelta(days=5), agrees=False))
        db_session.add(created)
    return write


@pytest.mark.parametrize("enters", [_moved_to_2017, _created_in_2017])
def test_an_opinion_entering_a_session_while_its_periods_change(app, enters) -> None:
    """The opinion's save flushed first: the periods' writer waits for it, then counts it
    with the others of the session."""
    race(app, enters(_disagreed_in_2016(app)), _periods, "saved")


@pytest.mark.parametrize("enters", [_moved_to_2017, _created_in_2017])
def test_the_sessions_periods_changed_while_an_opinion_enters_it(app, enters) -> None:
    """The periods' writer flushed first: the opinion's save waits for it and counts the
    opinion by the new periods."""
    race(app, _periods, enters(_disagreed_in_2016(app)), "saved")
