"""公开审核 and the public site: only replies the deputy consented to and the office
approved are public; everything else, guessed by any id, is the same 404."""

import csv
import io
import json
import re
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import (
    Attachment,
    AuditEntry,
    Contact,
    Opinion,
    Publication,
    PublicationStatus,
    Role,
    Unit,
    User,
)
from backoffice.public.review import reviewable
from tests.conftest import PASSWORD, csrf_token, quick_hashing, sign_in

# A mobile number standing alone (not digits inside a page's random hex address).
PHONE = re.compile(r"(?<![0-9a-zA-Z])1[3-9]\d{9}(?![0-9a-zA-Z])")
PUBLIC_LINK = re.compile(r'href="/public/([0-9a-f]{32})"')
INTERNAL_NOTE = "内部备注不得公开"
PLANTED_PHONE = "13812345678"
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _token(client) -> str:
    """Return the session's form token, read from a small page every role opens."""
    return csrf_token(client, "/account/password")


def _decide(client, action: str, opinion_id: int, **form: str) -> str:
    """Post a decision and return the message it flashed."""
    response = client.post(f"/admin/publication/{action}/",
                           data={"csrf_token": _token(client), "opinion_id": str(opinion_id),
                                 **form})
    assert response.status_code == 302
    with client.session_transaction() as session:
        return " ".join(message for _, message in session.pop("_flashes", []))


def _upload(client, opinion_id: int, name: str, kind: str) -> None:
    response = client.post("/admin/opinion/attachments/", content_type="multipart/form-data",
                           data={"csrf_token": _token(client), "opinion_id": str(opinion_id),
                                 "kind": kind, "file": (io.BytesIO(b"%PDF-1.4 " + name.encode()),
                                                        name)})
    assert response.status_code == 302


def _reviewable_ids() -> list[int]:
    return list(db.session.scalars(sa.select(Opinion.id).where(reviewable()).order_by(Opinion.id)))


def _publications() -> dict[int, Publication]:
    return {p.opinion_id: p for p in db.session.scalars(sa.select(Publication))}


def _public_get(client, url: str, headers: dict | None = None):
    response = client.get(url, headers=headers or {})
    assert "Set-Cookie" not in response.headers, url
    body = response.get_data(as_text=True) if response.mimetype != "application/pdf" else ""
    assert not PHONE.search(body), url
    assert INTERNAL_NOTE not in body, url
    return response


def test_the_office_publishes_and_the_site_shows_exactly_the_approved_replies(app, as_user):
    with app.app_context():
        published, withdrawn, declined = _reviewable_ids()[:3]
        opinion = db.session.get(Opinion, published)
        # What must never leak from the published opinion: a phone number quoted in its
        # text, the deputy's phone and the unit's note of a contact.
        opinion.content = f"请联系{PLANTED_PHONE}。{opinion.content}"
        opinion.lead_deputy.phone = "13900001111"
        db.session.add(Contact(opinion=opinion, stage="办中", method="电话",
                               contacted_on=opinion.assigned_on, note=INTERNAL_NOTE))
        db.session.commit()
        title, lead_unit = opinion.title, opinion.lead_unit.name
        its_units = {opinion.lead_unit_id, *(co.unit_id for co in opinion.co_handlings)}
        elsewhere = db.session.scalar(sa.select(Unit.name).where(Unit.id.not_in(its_units)))
        every_opinion = list(db.session.scalars(sa.select(Opinion.id)))

    operator = as_user("operator")
    _upload(operator, published, "答复函.pdf", "答复函")
    _upload(operator, published, "会办意见.pdf", "会办意见")
    assert "已同意公开" in _decide(operator, "approve", published)
    assert "该答复已经公开" in _decide(operator, "approve", published)
    _decide(operator, "approve", withdrawn)
    assert "已撤回公开" in _decide(operator, "withdraw", withdrawn)
    assert "请选择不予公开的理由" in _decide(operator, "decline", declined, reason="")
    assert "须填写说明" in _decide(operator, "decline", declined, reason="其他（须说明）")
    assert "已决定不予公开" in _decide(operator, "decline", declined, reason="涉及个人隐私")

    with app.app_context():
        decisions = _publications()
        assert {k: p.status for k, p in decisions.items()} == {
            published: PublicationStatus.PUBLISHED, withdrawn: PublicationStatus.WITHDRAWN,
            declined: PublicationStatus.DECLINED}
        assert decisions[declined].reason == "涉及个人隐私"
        assert decisions[published].decided_by == "operator"
        trail = db.session.execute(
            sa.select(AuditEntry.opinion_id, AuditEntry.action, AuditEntry.actor)
            .where(AuditEntry.table_name == "publications")).all()
        assert sorted(trail) == sorted([
            (published, "新增", "operator"), (withdrawn, "新增", "operator"),
            (withdrawn, "修改", "operator"), (declined, "新增", "operator")])
        public_id = decisions[published].public_id
        hidden_ids = [p.public_id for k, p in decisions.items() if k != published]
        letters = {a.kind: a.id for a in db.session.scalars(
            sa.select(Attachment).where(Attachment.opinion_id == published))}
        every_attachment = list(db.session.scalars(sa.select(Attachment.id)))
    case_file = operator.get(f"/admin/opinion/details/?id={withdrawn}").get_data(as_text=True)
    assert "公开审核" in case_file and "已撤回" in case_file

    public = app.test_client()
    listing = _public_get(public, "/public/").get_data(as_text=True)
    assert PUBLIC_LINK.findall(listing) == [public_id] and title in listing
    assert PUBLIC_LINK.findall(_public_get(
        public, f"/public/?q={title[:4]}&unit={lead_unit}").get_data(as_text=True)) == [public_id]
    assert PUBLIC_LINK.findall(_public_get(
        public, f"/public/?unit={elsewhere}").get_data(as_text=True)) == []

    page = _public_get(public, f"/public/{public_id}").get_data(as_text=True)
    assert title in page and lead_unit in page and "答复函.pdf" in page
    assert "会办意见.pdf" not in page and "138****5678" in page
    assert _public_get(public, f"/public/{public_id}/letters/{letters['答复函']}").data == (
        "%PDF-1.4 答复函.pdf".encode())

    feed = json.loads(_public_get(public, "/public/feed.json").data)
    assert feed["count"] == 1 and feed["replies"][0]["title"] == title
    assert feed["replies"][0]["url"].endswith(f"/public/{public_id}")
    sheet = _public_get(public, "/public/feed.csv").data.decode("utf-8")
    assert sheet.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(sheet.lstrip("\ufeff"))))
    assert len(rows) == 2 and rows[1][2] == title

    # Every id there is, guessed into every route: only the published reply answers.
    for guess in every_opinion:
        for url in (f"/public/{guess}", f"/public/{guess}/letters/{letters['答复函']}"):
            assert _public_get(public, url).status_code == 404, url
    for guess in hidden_ids:
        assert _public_get(public, f"/public/{guess}").status_code == 404, guess
        for attachment_id in every_attachment:
            url = f"/public/{guess}/letters/{attachment_id}"
            assert _public_get(public, url).status_code == 404, url
    for attachment_id in every_attachment:
        url = f"/public/{public_id}/letters/{attachment_id}"
        expected = 200 if attachment_id == letters["答复函"] else 404
        assert _public_get(public, url).status_code == expected, url

    # Withdrawing takes it off every page and feed.
    _decide(operator, "withdraw", published)
    assert public_id not in _public_get(public, "/public/").get_data(as_text=True)
    assert _public_get(public, f"/public/{public_id}").status_code == 404
    assert json.loads(_public_get(public, "/public/feed.json").data)["count"] == 0


@SQLITE_ONLY
def test_public_answers_are_cacheable_and_a_repeated_request_gets_304(app, as_user):
    with app.app_context():
        opinion_id = _reviewable_ids()[0]
    _decide(as_user("operator"), "approve", opinion_id)
    with app.app_context():
        public_id = _publications()[opinion_id].public_id
    public = app.test_client()
    for url in ("/public/", f"/public/{public_id}", "/public/feed.json", "/public/feed.csv"):
        first = _public_get(public, url)
        assert first.status_code == 200
        assert first.headers["Cache-Control"] in ("public, max-age=300", "max-age=300, public")
        assert "nonce-" in first.headers["Content-Security-Policy"]
        again = _public_get(public, url, {"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, url
    # Fresh is told by the ETag alone (test_outsiders_hostile.py: a page edited after its
    # approval).
    assert "Last-Modified" not in _public_get(public, f"/public/{public_id}").headers
    assert _public_get(public, "/public/nothing-here").status_code == 404


@SQLITE_ONLY
def test_the_public_list_comes_a_page_at_a_time_and_keeps_the_search(app, as_user):
    app.config["PUBLIC_PAGE_SIZE"] = 2
    with app.app_context():
        chosen = _reviewable_ids()[:5]
    operator = as_user("operator")
    for opinion_id in chosen:
        _decide(operator, "approve", opinion_id)
    public = app.test_client()

    def titles(page: str) -> list[str]:
        return re.findall(r'<h2><a href="/public/\w+">([^<]+)</a></h2>', page)

    first = _public_get(public, "/public/").get_data(as_text=True)
    assert "共公开 5 件答复；第 1 / 3 页。" in first and len(titles(first)) == 2
    assert 'href="/public/?page=2"' in first and "上一页" not in first
    seen = [*titles(first)]
    for page in (2, 3):
        body = _public_get(public, f"/public/?page={page}").get_data(as_text=True)
        seen += titles(body)
    assert len(seen) == len(set(seen)) == 5
    assert "下一页" not in body and 'href="/public/?page=2"' in body
    # An old link past the end shows the last page; nonsense is refused in Chinese.
    assert titles(_public_get(public, "/public/?page=9").get_data(as_text=True)) == seen[4:]
    refused = _public_get(public, "/public/?page=abc")
    assert refused.status_code == 400
    # Said in the page's words: no parameter's name, no bound no one would type.
    assert "链接中的“页码”应为不小于1的整数，而不是“abc”" in refused.get_data(as_text=True)
    # The next page keeps the search (every title starts 关于).
    searched = _public_get(public, "/public/?q=关于").get_data(as_text=True)
    assert "共公开 5 件答复；第 1 / 3 页。" in searched
    [following] = re.findall(r'<a rel="next" href="([^"]+)"', searched)
    assert sorted(following.removeprefix("/public/?").split("&amp;")) == [
        "page=2", f"q={quote('关于')}"]


@SQLITE_ONLY
def test_only_the_office_decides_and_only_on_consented_replies(app, as_user):
    with app.app_context():
        opinion_id = _reviewable_ids()[0]
        not_consented = db.session.scalar(
            sa.select(Opinion.id).where(~reviewable()).order_by(Opinion.id))
        deputy_id = db.session.scalar(sa.select(Opinion.lead_deputy_id).where(
            Opinion.id == opinion_id))
        with quick_hashing():
            user = User(username="daibiao", display_name="代表", role=Role.DEPUTY.value,
                        deputy_id=deputy_id)
            user.set_password(PASSWORD, chosen_by_user=True)
        db.session.add(user)
        db.session.commit()
    assert "不能审核公开" in _decide(as_user("operator"), "approve", not_consented)
    for username in ("leader", "pujiang", "auditor", "sysadmin", "daibiao"):
        client = app.test_client()
        sign_in(client, username)
        token = csrf_token(client, "/account/password")  # a form everyone opens
        for action in ("approve", "decline", "withdraw"):
            response = client.post(f"/admin/publication/{action}/", data={
                "csrf_token": token, "opinion_id": str(opinion_id), "reason": "涉及个人隐私"})
            assert response.status_code == 403, (username, action)
        listed = client.get("/admin/publication/").status_code
        assert listed == (200 if username == "leader" else 403), username
    with app.app_context():
        assert _publications() == {}
