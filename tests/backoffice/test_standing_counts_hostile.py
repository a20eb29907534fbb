"""Hostile tests of the counts kept as the data changes (`spans`): every screen a real
office uses to write an opinion, its 代表评价, 会办 rows or a session's periods, and the
counts stored afterwards still equal counting the data afresh."""

import threading
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from backoffice.extensions import db
from backoffice.models import (
    CalendarOverride,
    CoHandling,
    CongressSession,
    Evaluation,
    ImportRun,
    ImportStatus,
    Opinion,
    ReassignmentRequest,
    Unit,
)
from backoffice.writing.bulk import refresh_due_dates
from tests.backoffice.html_forms import form_data
from tests.backoffice.imports.test_apply_and_undo import SESSION_2017
from tests.backoffice.test_standing_counts import assert_counts_kept, race
from tests.conftest import add_deputy_account, csrf_token, sign_in


def _opinion(number: str) -> Opinion:
    return db.session.scalar(sa.select(Opinion).join(CongressSession).where(
        Opinion.number == number, CongressSession.name == SESSION_2017))


def _kept(app: Flask) -> None:
    with app.app_context():
        assert_counts_kept()


def _edit(client: FlaskClient, url: str, **changes: str):
    data = form_data(client.get(url).get_data(as_text=True))
    data.update(changes)
    return client.post(url, data=data)


def _signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def test_the_opinion_form_dates_answer_type_and_inline_evaluations(app, as_user) -> None:
    with app.app_context():
        opinion = _opinion("0001")
        opinion_id, assigned = opinion.id, opinion.assigned_on
        evaluations = len(opinion.evaluations)
    client = as_user("operator")
    url = f"/admin/opinion/edit/?id={opinion_id}"
    # A later reply of another type, no conclusion, a 不同意 added inline.
    added = f"evaluations-{evaluations}"
    saved = _edit(client, url, replied_on="2017-05-20", answer_type="B", concluded_on="",
                  **{f"{added}-evaluated_on": "2017-06-10", f"{added}-grade": "",
                     f"{added}-note": ""})
    assert saved.status_code == 302, saved.get_data(as_text=True)[-2000:]
    with app.app_context():
        assert len(db.session.get(Opinion, opinion_id).evaluations) == evaluations + 1
    _kept(app)
    # The first evaluation removed inline, a second reply, the conclusion.
    data = form_data(client.get(url).get_data(as_text=True))
    data |= {"del-evaluations-0": "y", "second_replied_on": "2017-07-05",
             "concluded_on": "2017-09-01"}
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        assert len(db.session.get(Opinion, opinion_id).evaluations) == evaluations
    _kept(app)
    # Dates before the assignment and far ahead: saved or refused, the counts hold.
    before = (assigned.replace(year=assigned.year - 1)).isoformat()
    _edit(client, url, replied_on=before, concluded_on="")
    _kept(app)
    _edit(client, url, replied_on="2017-05-20", concluded_on="2099-12-31")
    _kept(app)


def test_the_opinion_form_moves_an_opinion_to_another_session_and_lead_unit(app, as_user) \
        -> None:
    with app.app_context():
        opinion = _opinion("0002")
        other_session = db.session.scalar(sa.select(CongressSession.id).where(
            CongressSession.id != opinion.session_id).order_by(CongressSession.id))
        taken = [opinion.lead_unit_id, *(c.unit_id for c in opinion.co_handlings)]
        unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.id.not_in(taken))
                                    .order_by(Unit.id))
        opinion_id = opinion.id
    client = as_user("operator")
    url = f"/admin/opinion/edit/?id={opinion_id}"
    moved = _edit(client, url, session=str(other_session), number="9901")
    assert moved.status_code == 302, moved.get_data(as_text=True)[-2000:]
    with app.app_context():
        assert db.session.get(Opinion, opinion_id).session_id == other_session
    _kept(app)
    reassigned = _edit(client, url, lead_unit=str(unit_id), reassignment_reason="职能调整")
    assert reassigned.status_code == 302
    _kept(app)


def test_the_co_handling_form_adds_moves_and_deletes(app, as_user) -> None:
    with app.app_context():
        first, second = _opinion("0003"), _opinion("0004")
        taken = [first.lead_unit_id, second.lead_unit_id,
                 *(c.unit_id for c in (*first.co_handlings, *second.co_handlings))]
        unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.id.not_in(taken))
                                    .order_by(Unit.id))
        first_id, second_id = first.id, second.id
    client = as_user("operator")
    new = _edit(client, "/admin/co_handling/new/", opinion=str(first_id), unit=str(unit_id),
                submitted_on="")
    assert new.status_code == 302, new.get_data(as_text=True)[-2000:]
    with app.app_context():
        co_id = db.session.scalar(sa.select(CoHandling.id).where(
            CoHandling.opinion_id == first_id, CoHandling.unit_id == unit_id))
    _kept(app)
    url = f"/admin/co_handling/edit/?id={co_id}"
    assert _edit(client, url, opinion=str(second_id), submitted_on="2017-06-01") \
        .status_code == 302
    with app.app_context():
        assert db.session.get(CoHandling, co_id).opinion_id == second_id
    _kept(app)
    token = csrf_token(client, "/admin/co_handling/")
    assert client.post("/admin/co_handling/delete/",
                       data={"id": str(co_id), "csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(CoHandling, co_id) is None
    _kept(app)


def test_opinions_deleted_one_by_one_and_ticked_in_the_list(app) -> None:
    with app.app_context():
        ids = [_opinion(n).id for n in ("0005", "0006", "0007")]
    client = _signed_in(app, "operator")
    token = csrf_token(client, "/admin/opinion/")
    one = client.post("/admin/opinion/delete/", data={"id": str(ids[0]), "csrf_token": token})
    assert one.status_code == 302
    ticked = client.post("/admin/opinion/action/", data={
        "action": "delete", "rowid": [str(i) for i in ids[1:]], "csrf_token": token})
    assert ticked.status_code == 302
    with app.app_context():
        assert not db.session.scalars(sa.select(Opinion.id).where(Opinion.id.in_(ids))).all()
    _kept(app)


def test_the_session_form_and_the_calendar_form(app) -> None:
    with app.app_context():
        session = db.session.scalar(sa.select(CongressSession)
                                    .where(CongressSession.name == SESSION_2017))
        session_id = session.id
        disagreed = _opinion("0008")
        disagreed.evaluations.append(Evaluation(evaluated_on=disagreed.replied_on, agrees=False))
        first = db.session.scalar(sa.select(sa.func.min(Opinion.assigned_on))
                                  .where(Opinion.session_id == session_id))
        db.session.commit()
    operator, admin = _signed_in(app, "operator"), _signed_in(app, "sysadmin")
    url = f"/admin/session/edit/?id={session_id}"
    saved = _edit(operator, url, second_reply_months="1", reply_months="2", consult_months="1")
    assert saved.status_code == 302, saved.get_data(as_text=True)[-2000:]
    _kept(app)
    day = first.isoformat()
    new = _edit(admin, "/admin/calendar/new/", day=day, is_workday="", note="临时休息")
    assert new.status_code == 302, new.get_data(as_text=True)[-2000:]
    _kept(app)
    with app.app_context():
        override = db.session.scalar(sa.select(CalendarOverride.id)
                                     .where(CalendarOverride.day == first))
    token = csrf_token(admin, "/admin/calendar/")
    assert admin.post("/admin/calendar/delete/",
                      data={"id": str(override), "csrf_token": token}).status_code == 302
    _kept(app)


def test_a_deputys_online_evaluation_and_its_undo(app) -> None:
    from tests.backoffice.test_deputies import DEPUTY
    from tests.backoffice.test_deputies import _opinion as deputys_opinion

    with app.app_context():
        add_deputy_account(DEPUTY)
        opinion = deputys_opinion()
        opinion_id = opinion.id
        co = {c.unit.name: c.id for c in opinion.co_handlings}
    deputy = _signed_in(app, "deputy")
    token = csrf_token(deputy, f"/admin/mine/opinion/?id={opinion_id}")
    done = deputy.post("/admin/mine/evaluate/", follow_redirects=True, data={
        "csrf_token": token, "opinion_id": opinion_id, "agrees": "不同意",
        **{f"co_grade_{i}": "好" for i in co.values()}, "praised": "否",
        "consents_to_publish": "否"}).get_data(as_text=True)
    assert "已记录您不同意答复" in done
    with app.app_context():
        run_id = db.session.scalar(sa.select(ImportRun.id).order_by(ImportRun.id.desc()))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation).where(
            Evaluation.opinion_id == opinion_id, Evaluation.agrees.is_(False)))
    _kept(app)
    operator = _signed_in(app, "operator")
    token = csrf_token(operator, "/admin/imports/history/")
    undone = operator.post(f"/admin/imports/history/{run_id}/undo",
                           data={"csrf_token": token})
    assert undone.status_code == 302
    with app.app_context():
        assert db.session.get(ImportRun, run_id).status == ImportStatus.UNDONE
    _kept(app)


def test_a_unit_edits_its_own_opinion_and_the_office_approves_its_request(app) -> None:
    with app.app_context():
        opinion = _opinion("0160")  # led by 浦江镇, co-handled by 七宝镇
        opinion_id = opinion.id
        water = db.session.scalar(sa.select(Unit.id).where(Unit.name == "区水务局"))
    pujiang = _signed_in(app, "pujiang")
    url = f"/admin/opinion/edit/?id={opinion_id}"
    saved = _edit(pujiang, url, replied_on="2017-06-30", answer_type="C")
    assert saved.status_code == 302, saved.get_data(as_text=True)[-2000:]
    _kept(app)
    page = f"/admin/opinion/details/?id={opinion_id}"
    token = csrf_token(pujiang, page)
    assert pujiang.post("/admin/opinion/request-change/", data={
        "csrf_token": token, "opinion_id": str(opinion_id), "kind": "申请退回",
        "reason": "不属本镇职能"}).status_code == 302
    with app.app_context():
        request_id = db.session.scalar(sa.select(ReassignmentRequest.id).where(
            ReassignmentRequest.opinion_id == opinion_id))
        lead = db.session.get(Opinion, opinion_id).lead_unit_id
    operator = _signed_in(app, "operator")
    token = csrf_token(operator, page)
    assert operator.post("/admin/reassignment_request/approve/", data={
        "csrf_token": token, "id": str(request_id), "to_unit_id": str(water),
        "lead_unit_id": str(lead)}).status_code == 302
    with app.app_context():
        assert db.session.get(Opinion, opinion_id).lead_unit_id == water
    _kept(app)


def _disagreed(number: str, days: int = 5):
    """A write adding a 不同意 to an answered opinion, days after its reply: its second
    reply becomes due, by the session's second_reply_months."""
    def write(db_session: orm.Session) -> None:
        opinion = db_session.scalar(sa.select(Opinion).join(CongressSession).where(
            Opinion.number == number, CongressSession.name == SESSION_2017))
        db_session.add(Evaluation(opinion_id=opinion.id, agrees=False,
                                  evaluated_on=opinion.replied_on + timedelta(days=days)))
    return write


def _periods(db_session: orm.Session) -> None:
    session = db_session.scalar(sa.select(CongressSession)
                                .where(CongressSession.name == SESSION_2017))
    session.second_reply_months = 1 if session.second_reply_months != 1 else 2


def test_an_opinion_saved_while_the_sessions_periods_change(app) -> None:
    """The periods' writer has raised the session's opinions and counted them, not yet
    committed; a save of one of them meanwhile is refused as stale (its deadlines moved)."""
    race(app, _periods, _disagreed("0009"), "refused")


def test_the_sessions_periods_changed_while_an_opinion_is_saved(app) -> None:
    """The save flushed first: the periods' writer waits for it and counts it as saved."""
    race(app, _disagreed("0010"), _periods, "saved")


def test_the_sessions_periods_changed_while_a_bulk_write_is_under_way(app) -> None:
    """A new day off has moved the due dates of the session's opinions in bulk (holding the
    other writers out), not yet committed, when the office saves the session's periods."""
    with app.app_context():
        session_id = db.session.scalar(sa.select(CongressSession.id)
                                       .where(CongressSession.name == SESSION_2017))
        first = db.session.scalar(sa.select(sa.func.min(Opinion.assigned_on))
                                  .where(Opinion.session_id == session_id))
        db.session.add(CalendarOverride(day=first + timedelta(days=1), is_workday=False))
        db.session.flush()
        assert refresh_due_dates(db.session, [session_id])
        office = orm.Session(bind=db.engine)
        outcome: list[str] = []

        def periods() -> None:
            _periods(office)
            office.commit()
            outcome.append("saved")

        writer = threading.Thread(target=periods)
        writer.start()
        writer.join(timeout=1.0)
        db.session.commit()
        writer.join(timeout=30)
        office.close()
        assert outcome == ["saved"]
        assert_counts_kept()


def test_a_co_handling_unit_submits_its_opinion_on_its_own_form(app) -> None:
    with app.app_context():
        opinion = _opinion("0160")  # led by 浦江镇, co-handled by 七宝镇
        co_id = next(c.id for c in opinion.co_handlings if c.unit.name == "七宝镇")
        submitted = db.session.get(CoHandling, co_id).submitted_on
    qibao = _signed_in(app, "qibao")
    url = f"/admin/co_handling/edit/?id={co_id}"
    day = "2017-03-20" if submitted is None else ""
    saved = _edit(qibao, url, submitted_on=day)
    assert saved.status_code == 302, saved.get_data(as_text=True)[-2000:]
    with app.app_context():
        now = db.session.get(CoHandling, co_id).submitted_on
        assert (now.isoformat() if now else "") == day
    _kept(app)


def test_a_second_disagreement_saved_while_the_sessions_periods_change(app) -> None:
    """As the first race, on an opinion that has a 不同意 already (whose second reply the
    periods move): refused as stale, counted once."""
    with app.app_context():
        _disagreed("0011")(db.session)
        db.session.commit()
    race(app, _periods, _disagreed("0011", days=12), "refused")
