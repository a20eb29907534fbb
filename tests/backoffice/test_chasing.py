"""催办 from the case file and the opinions list: one message per unit behind an overdue
step (the lead unit, and a co-handler whose own 会办意见 is late) to its liaison, sent over
SMTP on loopback, on the case file's trail; once a day however often it is clicked;
refused when nothing is overdue or nobody serves; the office's alone."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import (
    AuditEntry,
    CoHandling,
    Delivery,
    LiaisonTerm,
    Opinion,
    OutboxMessage,
    ReminderItem,
    Unit,
)
from importers.clock import local_today
from tests.conftest import csrf_token, sign_in
from tests.mail_server import smtp_on_loopback

# What depends on the database (two clicks at once, the unique key, taking a message for
# sending) is tested on both in test_reminders.py; the screens and the policy are code.
SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _liaison(unit_id: int) -> LiaisonTerm:
    return db.session.scalars(sa.select(LiaisonTerm).where(
        LiaisonTerm.unit_id == unit_id, LiaisonTerm.ended_on.is_(None))).first()


def _make_overdue(opinion: Opinion, *co_handlings: CoHandling) -> None:
    """Leave the opinion unanswered (its reply long overdue) and the co-handlings' 会办意见
    unsubmitted."""
    opinion.replied_on = opinion.answer_type = opinion.concluded_on = None
    opinion.second_replied_on = None
    opinion.evaluations = []
    for co in co_handlings:
        co.submitted_on = None


def _overdue_case(email: str) -> dict:
    """Make an opinion with a co-handler both overdue; the lead's liaison reads e-mail,
    the co-handler's a text. Return the ids the test needs."""
    opinion, co = db.session.execute(
        sa.select(Opinion, CoHandling).join(CoHandling, CoHandling.opinion_id == Opinion.id)
        .where(Opinion.concluded_on.is_not(None)).order_by(Opinion.id)).first()
    _make_overdue(opinion, co)
    for other in opinion.co_handlings:
        if other is not co:
            other.submitted_on = other.submitted_on or date(2017, 5, 1)
    lead, co_term = _liaison(opinion.lead_unit_id), _liaison(co.unit_id)
    lead.email, co_term.email = email, None
    # Another overdue opinion whose lead unit has nobody serving today.
    orphan = db.session.scalars(sa.select(Opinion).where(
        Opinion.lead_unit_id.not_in([opinion.lead_unit_id, co.unit_id]),
        ~Opinion.co_handlings.any()).order_by(Opinion.id)).first()
    _make_overdue(orphan)
    for term in orphan.lead_unit.liaison_terms:
        term.ended_on = term.ended_on or local_today() - timedelta(days=1)
    quiet = db.session.scalars(sa.select(Opinion).where(
        Opinion.session.has(year=2017), Opinion.concluded_on.is_not(None),
        Opinion.answer_type == "A", ~Opinion.evaluations.any(agrees=False))
        .order_by(Opinion.id)).first()
    db.session.commit()
    return {"opinion": opinion.id, "number": opinion.number, "lead": opinion.lead_unit.name,
            "co": co.unit.name, "lead_person": lead.person, "orphan": orphan.id,
            "orphan_unit": orphan.lead_unit.name, "quiet": quiet.id, "quiet_number": quiet.number}


def _messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


@SQLITE
def test_chasing_writes_to_each_late_unit_once_a_day_and_lands_on_the_trail(as_user, app):
    with smtp_on_loopback() as (port, inbox):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                          MAIL_FROM="office@example.org")
        with app.app_context():
            case = _overdue_case("lead@example.org")
        client = as_user("operator")
        page_url = f"/admin/opinion/details/?id={case['opinion']}"
        page = client.get(page_url).get_data(as_text=True)
        assert 'action="/admin/opinion/chase/"' in page
        token = csrf_token(client, page_url)

        chased = client.post("/admin/opinion/chase/", follow_redirects=True,
                             data={"opinion_id": case["opinion"], "csrf_token": token})
        text = chased.get_data(as_text=True)
        assert f"已向{case['co']}" in text or f"已向{case['lead']}" in text
        assert "发出催办2条：发送成功1条，失败0条，待发送1条" in text
        with app.app_context():
            lead, co = sorted(_messages(), key=lambda m: m.unit.name != case["lead"])
            assert lead.status == Delivery.SENT and lead.address == "lead@example.org"
            assert lead.subject.startswith(f"【书面意见办理催办】{case['lead']}：超期")
            assert f"第{case['number']}号" in lead.body and "答复：期限" in lead.body
            assert co.unit.name == case["co"] and co.status == Delivery.PENDING
            assert "提交会办意见：期限" in co.body and "答复" not in co.body
            items = db.session.scalars(sa.select(ReminderItem)).all()
            assert {(i.kind, i.step) for i in items} >= {("催办", "答复"), ("催办", "会办意见")}
            trail = db.session.scalars(sa.select(AuditEntry).where(
                AuditEntry.opinion_id == case["opinion"],
                AuditEntry.table_name == "reminder_items")).all()
            assert {e.actor for e in trail} == {"operator"}
        assert len(inbox.messages) == 1 and inbox.messages[0][0] == ["lead@example.org"]
        # The trail on the case file says who chased whom about what.
        assert (f"<strong>催办</strong> {case['lead']}联络员{case['lead_person']}（邮件）：答复"
                in text)

        # A second click (a double click, or tomorrow's worry today) sends nothing more.
        again = client.post("/admin/opinion/chase/", follow_redirects=True,
                            data={"opinion_id": case["opinion"], "csrf_token": token})
        assert "今天已催办过，不再重复发送" in again.get_data(as_text=True)
        with app.app_context():
            assert len(_messages()) == 2
        assert len(inbox.messages) == 1

        # From the overdue list: nothing overdue, or nobody serving, is said and not sent.
        listed = client.post("/admin/opinion/action/", follow_redirects=True, data={
            "action": "chase", "rowid": [case["quiet"], case["orphan"]], "csrf_token": token})
        said = listed.get_data(as_text=True)
        assert f"第{case['quiet_number']}号意见当前没有超期未办的环节，无需催办" in said
        assert f"{case['orphan_unit']}今天没有在任联络员，未能催办" in said
        with app.app_context():
            assert len(_messages()) == 2


FORBIDDEN = ("leader", "pujiang", "auditor", "sysadmin")


@SQLITE
def test_only_the_office_chases_and_works_the_outbox(app) -> None:
    with app.app_context():
        opinion = db.session.scalars(sa.select(Opinion).where(
            Opinion.lead_unit.has(Unit.name == "浦江镇"))).first()
        _make_overdue(opinion)
        db.session.commit()
        opinion_id = opinion.id
    for username in FORBIDDEN:
        client = app.test_client()
        sign_in(client, username)
        token = csrf_token(client, "/account/password")  # a form everyone opens
        posts = {
            "/admin/opinion/chase/": {"opinion_id": opinion_id},
            "/admin/opinion/action/": {"action": "chase", "rowid": opinion_id},
            "/admin/outbox/generate": {"fingerprint": ""},
            "/admin/outbox/send": {},
        }
        for url, data in posts.items():
            response = client.post(url, data={**data, "csrf_token": token})
            assert response.status_code == 403, (username, url)
        assert client.get("/admin/outbox/today/").status_code == 403, username
        if username == "pujiang":
            page = client.get(f"/admin/opinion/details/?id={opinion_id}").get_data(as_text=True)
            assert "已超期" in page and "/admin/opinion/chase/" not in page
    with app.app_context():
        assert _messages() == []
        assert db.session.scalar(sa.select(sa.func.count(ReminderItem.id))) == 0
