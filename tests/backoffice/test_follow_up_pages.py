"""The follow-up pages: who may open them, the notice draft and its issuing, the annual
report page and its downloads, the outbox."""

import io
import json
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from docx import Document

from backoffice.extensions import db
from backoffice.models import (
    CongressSession,
    Delivery,
    Notice,
    OutboxMessage,
    Unit,
)
from tests.conftest import csrf_token, sign_in

EXPECTED = Path(__file__).resolve().parents[1] / "fixtures" / "expected"
PAGES = (
    "/admin/outbox/",
    "/admin/notice_draft/?as_of=2017-07-15&start=2017-04-16",
    "/admin/notice_draft/docx?as_of=2017-07-15&start=2017-04-16",
    "/admin/annual_report/?as_of=2017-12-15",
    "/admin/annual_report/download/xlsx?as_of=2017-12-15",
)
# What each role gets on each page: the outbox and notice drafts are the office's alone.
ALLOWED = {
    "operator": (200, 200, 200, 200, 200),
    "leader": (403, 403, 403, 200, 200),
    "sysadmin": (403, 403, 403, 403, 403),
    "auditor": (403, 403, 403, 403, 403),
    "pujiang": (403, 403, 403, 403, 403),
}


def _session_id(year: int) -> int:
    return db.session.scalar(sa.select(CongressSession.id).where(CongressSession.year == year))


def test_each_role_opens_only_its_pages_and_a_unit_cannot_issue(app) -> None:
    for username, statuses in ALLOWED.items():
        client = app.test_client()
        sign_in(client, username)
        got = tuple(client.get(page).status_code for page in PAGES)
        assert got == statuses, username
        assert client.get("/admin/").status_code == 200
    # A unit user posting an issue (with a valid token from its own home page) is refused.
    client = app.test_client()
    sign_in(client, "pujiang")
    with app.app_context():
        unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.name == "浦锦街道"))
        before = db.session.scalar(sa.select(sa.func.count(Notice.id)))
    token = csrf_token(client, "/admin/opinion/")
    response = client.post("/admin/notice_draft/issue?as_of=2017-07-15&start=2017-04-16",
                           data={"unit": str(unit_id), "csrf_token": token})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Notice.id))) == before


def test_notice_draft_names_units_with_the_opinions_behind_and_issuing_records_notices(
    as_user, app
) -> None:
    client = as_user("operator")
    url = "/admin/notice_draft/?as_of=2017-07-15&start=2017-04-16"
    page = client.get(url).get_data(as_text=True)
    assert "关于区六届人大一次会议代表书面意见办理情况的专报" in page
    assert "浦锦街道：超期未办2件、超期办理4件" in page
    assert "不同意退回：" in page and "代表于2017年" in page

    document = Document(io.BytesIO(client.get(url.replace("/?", "/docx?")).get_data()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "浦锦街道：超期未办2件、超期办理4件" in text and "第" in text

    with app.app_context():
        units = dict(db.session.execute(sa.select(Unit.name, Unit.id)).all())
        before = db.session.scalar(sa.select(sa.func.count(Notice.id)))
    chosen = {"unit": [str(units["浦锦街道"]), str(units["区司法局"])]}
    issue = "/admin/notice_draft/issue?as_of=2017-07-15&start=2017-04-16"
    first = client.post(issue, data={**chosen, "csrf_token": csrf_token(client, url)},
                        follow_redirects=True)
    assert "已记录2家单位的通报批评" in first.get_data(as_text=True)
    again = client.post(issue, data={**chosen, "csrf_token": csrf_token(client, url)},
                        follow_redirects=True)
    assert "另有2家单位当天已有通报批评" in again.get_data(as_text=True)
    with app.app_context():
        notices = db.session.scalars(
            sa.select(Notice).where(Notice.issued_on == date(2017, 7, 15))
        ).all()
        assert db.session.scalar(sa.select(sa.func.count(Notice.id))) == before + 2
    assert {n.kind for n in notices} == {"通报批评"}
    assert any(n.reason.startswith("情况专报（2017年4月16日至2017年7月15日）：超期未办2件")
               for n in notices)


def test_annual_report_page_and_downloads(as_user, app) -> None:
    client = as_user("leader")
    page = client.get("/admin/annual_report/?as_of=2017-12-15").get_data(as_text=True)
    assert "截至2017年12月15日，区政府共收到区人大代表书面意见322件，涉及52家承办单位。" in page
    assert "与去年22件相比有大幅增加" in page and "下降一半以上" in page
    downloaded = client.get("/admin/annual_report/download/json?as_of=2017-12-15")
    expected = json.loads((EXPECTED / "2017.json").read_text(encoding="utf-8"))["report"]
    assert json.loads(downloaded.get_data()) == expected
    with app.app_context():
        old = _session_id(2016)
    older = client.get(f"/admin/annual_report/?session={old}&as_of=2016-12-16")
    assert "没有上一届次的数据" in older.get_data(as_text=True)
    assert client.get("/admin/annual_report/download/pdf").status_code == 404


def test_outbox_lists_messages_by_status_and_queues_failed_ones_again(as_user, app) -> None:
    from tests.mail_server import free_port

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens
    runner = app.test_cli_runner()
    with app.app_context():
        unit = db.session.scalar(sa.select(Unit).where(Unit.name == "区交通委"))
        unit.liaison_terms[-1].email = "jiaotong@example.org"
        db.session.commit()
    assert runner.invoke(args=["remind", "--date", "2017-05-25"]).exit_code == 0
    client = as_user("operator")
    failed_page = client.get("/admin/outbox/?flt0_0=发送失败").get_data(as_text=True)
    assert "区交通委" in failed_page and "列表 (1)" in failed_page
    with app.app_context():
        failed = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.status == Delivery.FAILED)
        ).one()
    token = csrf_token(client, "/admin/outbox/")
    client.post("/admin/outbox/action/", data={
        "action": "retry", "rowid": str(failed.id), "csrf_token": token})
    with app.app_context():
        queued = db.session.get(OutboxMessage, failed.id)  # afresh: its retries begin again
        assert (queued.status, queued.attempts, queued.next_attempt_at) == (
            Delivery.PENDING, 0, None)
