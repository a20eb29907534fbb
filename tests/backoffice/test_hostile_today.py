"""Holes found by probing today's surfaces as an attacker would: the public site's masking,
feed, letters and signed-in visitors; what a co-signer and a co-handler see and answer;
a same-day second evaluation; and the form token on every POST route."""

import csv
import io
import re
from urllib.parse import unquote

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import (
    Attachment,
    CoHandling,
    ConsultationReply,
    Contact,
    Deputy,
    Evaluation,
    Opinion,
    Role,
    Unit,
    User,
    opinion_cosigners,
)
from backoffice.public.catalogue import summary
from backoffice.public.review import approve, reviewable
from importers.clock import local_today
from tests.backoffice.test_deputies import DEPUTY, _opinion
from tests.conftest import PASSWORD, add_deputy_account, csrf_token, quick_hashing, sign_in

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")

# One number, as people write it: with spaces, hyphens, brackets, a country code or the
# full-width digits of a Chinese input method.
SPELLINGS = ("138 1234 5678", "138-1234-5678", "+86 13812345678", "１３８１２３４５６７８",
             "021 6412 3456", "(021)64123456", "０２１－６４１２３４５６")


def _quoting_numbers() -> int:
    """Return a publishable opinion whose title and text now quote phone numbers."""
    opinion = db.session.get(Opinion, db.session.scalar(
        sa.select(Opinion.id).where(reviewable()).order_by(Opinion.id).limit(1)))
    # A title Excel would run as a formula, were the feed's cell not written as text.
    opinion.title = f"=HYPERLINK(\"http://x\",\"关于路灯的意见（联系{SPELLINGS[0]}）\")"
    opinion.content = "请联系" + "，或".join(SPELLINGS) + "。"
    db.session.commit()
    return opinion.id


def _upload_letter(client, opinion_id: int, name: str) -> None:
    response = client.post("/admin/opinion/attachments/", content_type="multipart/form-data",
                           data={"csrf_token": csrf_token(client, "/account/password"),
                                 "opinion_id": str(opinion_id), "kind": "答复函",
                                 "file": (io.BytesIO(b"%PDF-1.4 x"), name)})
    assert response.status_code == 302


def test_a_number_the_summary_cuts_is_masked_all_the_same() -> None:
    assert "1391234" not in summary("甲" * 193 + "13912345678")


def _public_text(app, url: str) -> str:
    """Return what an anonymous visitor reads at url (a CSV without its BOM)."""
    return app.test_client().get(url).get_data(as_text=True).lstrip("\ufeff")


# On both databases: whether a letter predates the approval compares stored times.
def test_the_public_site_masks_numbers_however_written_and_ignores_a_signed_in_visitor(
        app, as_user) -> None:
    with app.app_context():
        opinion_id = _quoting_numbers()
    operator = as_user("operator")
    _upload_letter(operator, opinion_id, f"答复函{SPELLINGS[1]}.pdf")
    with app.app_context():
        public_id = approve(db.session, opinion_id, "operator").public_id
        db.session.commit()
    # A letter uploaded after the office approved is not what it approved: not public.
    _upload_letter(operator, opinion_id, "未经审核的答复函.pdf")
    [_, feed] = list(csv.reader(io.StringIO(_public_text(app, "/public/feed.csv"))))
    assert feed[2].startswith("'=HYPERLINK(")
    anonymous = app.test_client()
    page = anonymous.get(f"/public/{public_id}").get_data(as_text=True)
    [letter] = re.findall(rf'href="(/public/{public_id}/letters/\d+)"', page)
    with app.app_context():
        late = db.session.scalar(sa.select(sa.func.max(Attachment.id)))
    assert "未经审核" not in page and not letter.endswith(f"/{late}")
    assert anonymous.get(f"/public/{public_id}/letters/{late}").status_code == 404
    pages = {url: anonymous.get(url) for url in
             ("/public/", f"/public/{public_id}", "/public/feed.json", "/public/feed.csv", letter)}
    assert "答复函138****5678.pdf" in unquote(pages[letter].headers["Content-Disposition"])
    for url, response in pages.items():
        body = response.get_data(as_text=True) + response.headers.get("Content-Disposition", "")
        plain = re.sub(r"[\s\-()+－（）＋]", "", body.translate(FULL_WIDTH))
        assert "13812345678" not in plain and "02164123456" not in plain, url
    with operator.session_transaction() as session:
        session["_flashes"] = [("success", "只给区府办看的消息")]
    for url, seen in pages.items():
        response = operator.get(url)
        assert "Set-Cookie" not in response.headers, url
        assert response.data == seen.data, url
    with operator.session_transaction() as session:  # the flash waits for its own page
        assert session["_flashes"]
    with app.app_context():  # nor does a password the operator must change first
        db.session.execute(sa.update(User).where(User.username == "operator")
                           .values(must_change_password=True))
        db.session.commit()
    assert operator.get("/admin/").status_code == 302
    for url, seen in pages.items():
        assert operator.get(url).data == seen.data, url


@SQLITE_ONLY
def test_a_co_signer_cannot_answer_the_lead_deputys_面商(app) -> None:
    with app.app_context():
        opinion_id, deputy_id = db.session.execute(
            sa.select(Opinion.id, opinion_cosigners.c.deputy_id)
            .join(opinion_cosigners, opinion_cosigners.c.opinion_id == Opinion.id)
            .where(Opinion.lead_deputy_id != opinion_cosigners.c.deputy_id,
                   Opinion.replied_on.is_(None)).order_by(Opinion.id)).first()
        opinion = db.session.get(Opinion, opinion_id)
        db.session.add(Contact(opinion=opinion, stage="办中", method="电话",
                               contacted_on=opinion.assigned_on, note="单位内部备注"))
        # The lead deputy's own evaluation (as if the reply were made): theirs, not the
        # co-signers'.
        db.session.add(Evaluation(opinion=opinion, evaluated_on=opinion.assigned_on,
                                  agrees=True, grade="较差"))
        add_deputy_account(db.session.get(Deputy, deputy_id).name)
    client = app.test_client()
    sign_in(client, "deputy")
    page = client.get(f"/admin/mine/opinion/?id={opinion_id}").get_data(as_text=True)
    assert "面商由领衔代表确认或申请改期" in page and "answer_consultation" not in page
    assert "办中 · 电话" in page and "单位内部备注" not in page and "较差" not in page
    answered = client.post("/admin/mine/consultation/", follow_redirects=True, data={
        "csrf_token": csrf_token(client, "/account/password"), "opinion_id": opinion_id,
        "answer": "申请改期", "note": "另约"}).get_data(as_text=True)
    assert "未提交：面商由领衔代表确认或申请改期" in answered
    evaluated = client.post("/admin/mine/evaluate/", follow_redirects=True, data={
        "csrf_token": csrf_token(client, "/account/password"), "opinion_id": opinion_id,
        "agrees": "同意", "grade": "好"}).get_data(as_text=True)
    assert "测评未提交：满意度测评由领衔代表填写" in evaluated
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ConsultationReply.id))) == 0


@SQLITE_ONLY
def test_a_deputys_面商_answer_reaches_the_lead_unit_and_not_a_co_handler(app) -> None:
    with app.app_context():
        pujiang = db.session.scalar(sa.select(Unit.id).where(Unit.name == "浦江镇"))
        opinion = db.session.scalar(sa.select(Opinion).where(
            Opinion.lead_unit_id != pujiang, Opinion.co_handlings.any(CoHandling.unit_id == pujiang)
        ).order_by(Opinion.id))
        db.session.add(ConsultationReply(opinion=opinion, deputy_id=opinion.lead_deputy_id,
                                         answer="申请改期", note="只给主办单位看的改期说明"))
        db.session.commit()
        opinion_id = opinion.id
        with quick_hashing():
            user = User(username="lead", role=Role.UNIT.value, unit_id=opinion.lead_unit_id)
            user.set_password(PASSWORD, chosen_by_user=True)
        db.session.add(user)
        db.session.commit()
    for username, sees in (("pujiang", False), ("lead", True)):
        client = app.test_client()
        sign_in(client, username)
        for url in ("/admin/consultation_reply/", f"/admin/opinion/details/?id={opinion_id}"):
            page = client.get(url)
            assert page.status_code == 200, (username, url)
            shown = "只给主办单位看的改期说明" in page.get_data(as_text=True)
            assert shown == sees, (username, url)


@SQLITE_ONLY
def test_every_change_without_the_form_token_is_refused(app, as_user) -> None:
    client = as_user("operator")
    adapter = app.url_map.bind("localhost")
    accepted, posted = [], set()
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            posted.add(rule.endpoint)
            url = adapter.build(rule.endpoint, {arg: 1 for arg in rule.arguments})
            status = client.open(url, method=method, data={"id": "1", "opinion_id": "1"},
                                 headers={"Origin": "https://elsewhere.example"}).status_code
            if status != 400:
                accepted.append(f"{method} {url} {status}")
    assert accepted == []
    assert {"mine.evaluate", "mine.answer_consultation", "opinion.chase", "outbox.generate",
            "outbox.send", "user.deputy_accounts", "publication.approve"} <= posted


@SQLITE_ONLY
def test_an_evaluation_never_overwrites_the_same_days_disagreement(app) -> None:
    with app.app_context():
        add_deputy_account(DEPUTY)
        opinion_id = _opinion().id
    client = app.test_client()
    sign_in(client, "deputy")

    def evaluate(**form: str) -> str:
        return client.post("/admin/mine/evaluate/", follow_redirects=True, data={
            "csrf_token": csrf_token(client, "/account/password"), "opinion_id": opinion_id,
            **form}).get_data(as_text=True)

    assert "已记录您不同意答复" in evaluate(agrees="不同意")
    with app.app_context():  # the unit answers again the same day
        db.session.execute(sa.update(Opinion).where(Opinion.id == opinion_id)
                           .values(second_replied_on=local_today()))
        db.session.commit()
    assert "测评未提交：您今天已提交过测评" in evaluate(agrees="同意", grade="好")
    with app.app_context():
        stored = db.session.execute(sa.select(Evaluation.agrees, Evaluation.grade).where(
            Evaluation.opinion_id == opinion_id)).all()
    assert stored == [(False, None)]
