"""The stored counts (`spans`) after writes the other counts' tests leave out: an opinion
created on its screen with its parts and moved out of a session then deleted, a
co-handler made lead at its own request, the undo of an import after a screen gave back
what it took away, and opinions that enter a session (created in it, moved to it) while
the session's periods change."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm

from backoffice.extensions import db
from backoffice.imports import run_import
from backoffice.models import (
    ChangeAction,
    CoHandling,
    CongressSession,
    Evaluation,
    ImportChange,
    ImportRun,
    ImportStatus,
    Opinion,
    ReassignmentRequest,
    Unit,
)
from tests.backoffice.html_forms import form_data
from tests.backoffice.imports.test_apply_and_undo import SESSION_2017, changes_to_2017
from tests.backoffice.test_standing_counts import assert_counts_kept, race
from tests.conftest import csrf_token, sign_in

SESSION_2016 = "区五届人大六次会议"


def test_an_opinion_created_on_screen_with_its_parts_in_a_session_then_deleted(app, as_user) \
        -> None:
    """Created in a new session with co-handlers, a 不同意 and a report (nothing else
    counted in its save), moved to another session, its first session deleted."""
    with app.app_context():
        model = db.session.scalar(sa.select(Opinion).join(CongressSession)
                                  .where(CongressSession.name == SESSION_2017))
        first, second = db.session.scalars(sa.select(Unit.id).where(
            Unit.id != model.lead_unit_id).order_by(Unit.id).limit(2))
        fields = {"category": model.category, "lead_deputy": str(model.lead_deputy_id),
                  "lead_unit": str(model.lead_unit_id)}
        session_2017 = model.session_id
    client = as_user("operator")
    data = form_data(client.get("/admin/session/new/").get_data(as_text=True))
    assert client.post("/admin/session/new/", data=data | {"name": "临时届次", "year": "2017"}) \
        .status_code == 302
    with app.app_context():
        session_id = db.session.scalar(sa.select(CongressSession.id)
                                       .where(CongressSession.name == "临时届次"))
    data = form_data(client.get("/admin/opinion/new/").get_data(as_text=True))
    data |= fields | {
        "session": str(session_id), "number": "9701", "title": "屏幕新建",
        "assigned_on": "2017-03-01", "replied_on": "2017-05-02", "answer_type": "B",
        "co_handlings-0-unit": str(first), "co_handlings-0-submitted_on": "",
        "co_handlings-1-unit": str(second), "co_handlings-1-submitted_on": "2017-04-01",
        "evaluations-0-evaluated_on": "2017-05-10", "evaluations-0-agrees": "",
        "progress_reports-0-reported_on": "2017-08-01", "progress_reports-0-text": "进展"}
    created = client.post("/admin/opinion/new/", data=data)
    assert created.status_code == 302, created.get_data(as_text=True)[-2000:]
    with app.app_context():
        opinion = db.session.scalar(sa.select(Opinion).where(Opinion.session_id == session_id))
        assert (len(opinion.co_handlings), len(opinion.evaluations),
                len(opinion.progress_reports)) == (2, 1, 1)
        assert_counts_kept()
        url = f"/admin/opinion/edit/?id={opinion.id}"
    data = form_data(client.get(url).get_data(as_text=True))
    assert client.post(url, data=data | {"session": str(session_2017)}).status_code == 302
    token = csrf_token(client, "/admin/session/")
    assert client.post("/admin/session/delete/", data={"id": str(session_id),
                                                       "csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(CongressSession, session_id) is None
        assert_counts_kept()


def test_a_co_handler_made_lead_at_its_own_request(app) -> None:
    """The office grants 七宝镇's request to lead an opinion it co-handles: the opinion is
    reassigned and its 会办 row goes in the same save."""
    with app.app_context():
        opinion = db.session.scalar(sa.select(Opinion).join(CongressSession).where(
            Opinion.number == "0160", CongressSession.name == SESSION_2017))
        opinion_id, lead = opinion.id, opinion.lead_unit_id
        qibao = next(co.unit_id for co in opinion.co_handlings if co.unit.name == "七宝镇")
    page = f"/admin/opinion/details/?id={opinion_id}"
    unit, office = app.test_client(), app.test_client()
    assert sign_in(unit, "qibao").status_code == 302
    assert sign_in(office, "operator").status_code == 302
    assert unit.post("/admin/opinion/request-change/", data={
        "csrf_token": csrf_token(unit, page), "opinion_id": str(opinion_id),
        "kind": "申请调整", "reason": "由本镇牵头更合适"}).status_code == 302
    with app.app_context():
        request_id = db.session.scalar(sa.select(ReassignmentRequest.id).where(
            ReassignmentRequest.opinion_id == opinion_id))
    assert office.post("/admin/reassignment_request/approve/", data={
        "csrf_token": csrf_token(office, page), "id": str(request_id),
        "to_unit_id": str(qibao), "lead_unit_id": str(lead)}).status_code == 302
    with app.app_context():
        opinion = db.session.get(Opinion, opinion_id)
        assert opinion.lead_unit_id == qibao
        assert qibao not in {co.unit_id for co in opinion.co_handlings}
        assert_counts_kept()


def test_undoing_an_import_whose_dropped_co_handler_was_added_back_on_screen(app, tmp_path) \
        -> None:
    """The import dropped a co-handler, the office added it back: the undo, which would put
    the dropped row back beside it, is refused with the reason, and nothing moves."""
    with app.app_context():
        result = run_import(db.session, [changes_to_2017(tmp_path / "changes")], "auto",
                            session=SESSION_2017, dry_run=False, actor="admin")
        db.session.commit()
        dropped = db.session.scalar(sa.select(ImportChange).where(
            ImportChange.run_id == result.run_id, ImportChange.table_name == "co_handlings",
            ImportChange.action == ChangeAction.DELETE)).before[0]
        db.session.add(CoHandling(opinion_id=dropped["opinion_id"], unit_id=dropped["unit_id"]))
        db.session.commit()
    client = app.test_client()
    assert sign_in(client, "operator").status_code == 302
    token = csrf_token(client, "/admin/imports/history/")
    page = client.post(f"/admin/imports/history/{result.run_id}/undo",
                       data={"csrf_token": token}, follow_redirects=True)
    assert page.status_code == 200
    assert "无法撤销" in page.get_data(as_text=True)
    assert "导入时删除后又被重新添加" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ImportRun, result.run_id).status != ImportStatus.UNDONE
        assert_counts_kept()


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
