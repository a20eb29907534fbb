"""The office's day in a real browser, on the demo data, through the screens only: find
what is overdue, open one, reassign it with a reason, send today's reminders, publish
the assessment. Each step leaves a screenshot in test-artifacts/office-day-NN-*.png."""

import re
from datetime import date
from email.header import decode_header, make_header

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from backoffice.extensions import db
from backoffice.models import (
    CongressSession,
    Delivery,
    LiaisonTerm,
    Opinion,
    OutboxMessage,
    PublishedAssessment,
    Reassignment,
)
from importers.clock import local_today
from scoring.lateness import LATE_IN_YEAR, OVERDUE_NOW
from tests.browser.form_steps import choose
from tests.mail_server import smtp_on_loopback

pytestmark = [
    pytest.mark.browser,
    # What each step saves is tested on both databases in tests/backoffice; the walk
    # is the screens'.
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

YEAR_END = date(2017, 12, 31)  # the day the demo's dashboard is read on
# The 2017 session's opinions overdue now as of its year-end (the dashboard's day for a
# past session): eight progress reports and two replies not given.
OVERDUE_AT_YEAR_END = ["0027", "0147", "0158", "0202", "0216", "0255", "0279", "0285", "0300"]
REASON = "该路段改由浦江镇管辖，经协调由浦江镇主办"


@pytest.fixture
def mail(app):
    """Send the office's mail through a real SMTP server on loopback; every serving
    liaison has an e-mail address (the demo registers phone numbers only)."""
    with smtp_on_loopback() as (port, inbox):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                          MAIL_FROM="office@example.org")
        with app.app_context():
            for term in db.session.scalars(sa.select(LiaisonTerm)):
                term.email = f"liaison{term.id}@example.org"
            db.session.commit()
        yield inbox


def _opinion(number: str) -> Opinion:
    return db.session.scalars(
        sa.select(Opinion).join(Opinion.session)
        .where(CongressSession.year == 2017, Opinion.number == number)
    ).one()


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_the_office_finds_what_is_overdue_reassigns_reminds_and_publishes(
    app, page, sign_in_as, artifact_path, mail
) -> None:
    def shot(step: str) -> None:
        page.screenshot(path=artifact_path(f"office-day-{step}.png"), full_page=True)

    today = local_today()
    with app.app_context():
        opinion_id = _opinion("0202").id

    # 1. The dashboard: how many opinions are overdue now, and what that means.
    sign_in_as("operator")
    card = page.locator("[data-figure=overdue]")
    assert card.locator(".display-4").inner_text() == str(len(OVERDUE_AT_YEAR_END))
    term = card.locator("abbr.lateness-term")
    assert term.inner_text() == OVERDUE_NOW.label
    assert term.get_attribute("title") == OVERDUE_NOW.explanation
    shot("01-dashboard")

    # 2. Its figure opens exactly those opinions, each saying where it stands.
    card.click()
    page.wait_for_url(re.compile(r".*/admin/opinion/\?.*"))
    assert f"列表 ({len(OVERDUE_AT_YEAR_END)})" in page.locator(".nav-tabs").inner_text()
    headers = page.locator("table.model-list thead th").all_inner_texts()
    assert [h.strip() for h in headers[-3:]] == ["办理状态", "下一期限", OVERDUE_NOW.label]
    rows = page.locator("table.model-list tbody tr")
    assert sorted(rows.locator("td.col-number").all_inner_texts()) == OVERDUE_AT_YEAR_END
    for overdue in rows.locator("td.col-overdue_now").all_inner_texts():
        assert re.fullmatch(r"(进展反馈|答复)（超期\d+天）", overdue.strip())
    row = rows.filter(has=page.locator("td.col-number", has_text="0202"))
    days_late = (YEAR_END - date(2017, 5, 20)).days  # counted to the day the list is read on
    assert row.locator("td.col-stage").inner_text().strip() == "已面商，待答复"
    assert row.locator("td.col-next_due").inner_text().strip() == "答复 2017-05-20"
    assert row.locator("td.col-overdue_now").inner_text().strip() == f"答复（超期{days_late}天）"
    # The column's heading explains the word on hover.
    page.locator("th.col-overdue_now [data-role=tooltip]").hover()
    assert page.locator(".tooltip").inner_text() == OVERDUE_NOW.explanation
    shot("02-overdue-list")

    # 3. 0202's case file: its reply is late, and the two kinds of lateness are told apart.
    row.locator(f"a[href*='details/?id={opinion_id}']").click()
    page.wait_for_url(re.compile(rf".*/admin/opinion/details/\?id={opinion_id}\b.*"))
    deadlines = page.locator(".card.deadlines")
    reply = deadlines.locator("tbody tr", has=page.locator("td", has_text=re.compile("^答复$")))
    assert reply.locator("td").nth(1).inner_text() == "2017-05-20"
    assert reply.locator(".badge").inner_text() == "已超期"
    terms = deadlines.locator("abbr.lateness-term")
    assert terms.all_inner_texts() == [OVERDUE_NOW.label, LATE_IN_YEAR.label]
    assert [terms.nth(i).get_attribute("title") for i in (0, 1)] == [
        OVERDUE_NOW.explanation, LATE_IN_YEAR.explanation]
    shot("03-case-file")

    # 3b. Chase it: one click (asked first) texts or mails the liaisons behind the late
    # steps, and the case file's trail says so.
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.locator(".card.deadlines").get_by_role("button", name="催办").click()
    said = page.locator(".alert-success")
    said.wait_for()
    assert questions == ["向超期环节的承办单位联络员发送催办？同一环节每天只催办一次。"]
    chased = re.search(r"已向(\S+)发出催办(\d+)条：发送成功(\d+)条，失败0条，待发送0条",
                       said.inner_text())
    assert chased and "浦锦街道" in chased.group(1), said.inner_text()
    assert chased.group(2) == chased.group(3)  # every 催办 went out at once
    trail = page.locator(".audit-trail").inner_text()
    assert re.search(r"催办\s.*浦锦街道联络员", trail), trail
    chases = [_subject(m) for _, m in mail.messages]
    assert len(chases) == int(chased.group(2))
    assert all(subject.startswith("【书面意见办理催办】") for subject in chases)
    shot("03b-chased")

    # 4. Reassign it to 浦江镇: without a reason the form refuses and nothing changes.
    page.locator(".nav-tabs").get_by_role("link", name="编辑").click()
    page.wait_for_url(re.compile(r".*/admin/opinion/edit/.*"))
    choose(page, "lead_unit", "浦江镇", typed="浦江")
    page.locator("input[type=submit]").first.click()  # 保存 at the top of the form
    reason = page.locator(".form-group", has=page.locator("#reassignment_reason"))
    expect(reason).to_contain_text("更换主办单位须填写改派事由。")  # once the answer is in
    assert "保存失败" in page.locator(".alert").first.inner_text()
    assert page.locator("#s2id_lead_unit .select2-chosen").inner_text() == "浦江镇"  # kept
    shot("04-reassign-refused")
    with app.app_context():
        unchanged = _opinion("0202")
        assert unchanged.lead_unit.name == "浦锦街道"
        assert unchanged.restarted_on is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Reassignment)) == 0

    # With a reason it saves and lands back on the case file.
    page.locator("#reassignment_reason").fill(REASON)
    page.locator("input[type=submit]").first.click()
    page.wait_for_url(re.compile(rf".*/admin/opinion/details/\?id={opinion_id}\b.*"))
    with app.app_context():
        moved = _opinion("0202")
        reply_due = moved.reply_due_on
        assert moved.lead_unit.name == "浦江镇"
        assert moved.restarted_on == today
        assert reply_due > today
        notice = db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.subject.startswith("【书面意见改派通知】"))).one()
        assert notice.unit.name == "浦江镇"
        assert notice.subject == "【书面意见改派通知】第0202号意见改由浦江镇主办"
        assert f"改派事由：{REASON}" in notice.body
        liaison = notice.address
    case = page.locator(".case-file")
    assert "浦江镇" in case.locator("dt:text-is('主办单位') + dd").inner_text()
    assert page.locator("dd.restarted").inner_text().startswith(
        f"{today.year}年{today.month}月{today.day}日")
    reassigned = page.locator(".card.reassignments tbody tr")
    assert reassigned.count() == 1
    assert "浦锦街道 → 浦江镇" in reassigned.inner_text()
    assert REASON in reassigned.inner_text()
    reply = page.locator(".card.deadlines tbody tr",
                         has=page.locator("td", has_text=re.compile("^答复$")))
    assert reply.locator("td").nth(1).inner_text() == reply_due.isoformat()
    # Every deadline counts from today now: none is past, nothing is overdue.
    dues = page.locator(".card.deadlines tbody tr td:nth-child(2)").all_inner_texts()
    assert dues and all(date.fromisoformat(due) > today for due in dues)
    assert page.locator(".card.deadlines .badge", has_text="已超期").count() == 0
    shot("05-reassigned")

    # 5. The outbox holds the new unit's notice; today's reminders are written and sent.
    page.get_by_role("link", name="办理", exact=True).click()
    page.get_by_role("link", name="提醒发件箱", exact=True).click()
    page.wait_for_url(re.compile(r".*/admin/outbox/.*"))
    assert f"列表 ({len(chases) + 1})" in page.locator(".nav-tabs").inner_text()
    notice_row = page.locator("table.model-list tbody tr", has_text="浦江镇")
    assert "待发送" in notice_row.inner_text()
    shot("06-outbox-notice")
    # Today's reminders, previewed before anything is written: to whom and in what words.
    page.get_by_role("link", name="预览并生成今天的提醒").click()
    page.wait_for_url(re.compile(r".*/admin/outbox/today/$"))
    previewed = page.locator("main, body").first.inner_text()
    assert "七宝镇" in previewed and "0027" in previewed
    shot("06b-reminders-preview")
    questions.clear()
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name=re.compile(r"^生成（写入发件箱\d+条）$")).click()
    page.wait_for_url(re.compile(r".*/admin/outbox/(\?.*)?$"))
    written = re.search(r"已将(\d+)条提醒写入发件箱", page.locator(".alert-success").inner_text())
    assert written and questions[0] == f"将以下{written.group(1)}条提醒写入发件箱？"
    reminders = int(written.group(1))
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"发送待发送消息（{reminders + 1}条）").click()
    page.wait_for_url(re.compile(r".*/admin/jobs/\d+/$"))
    result = page.get_by_role("link", name="查看结果")
    result.wait_for()  # the job page reloads itself when the job ends
    assert page.locator("#job-state").inner_text() == "已完成"
    assert page.locator("#job-message").inner_text() == (
        f"发送成功 {reminders + 1} 条，失败 0 条，待发送 0 条，等待重试 0 条。")
    sent = reminders + 1  # and the notice waiting before
    assert page.locator("#job-rows").inner_text() == f"已处理 {sent} 行"
    shot("07-reminders-job")
    result.click()
    page.wait_for_url(re.compile(r".*/admin/outbox/.*"))
    listed = sent + len(chases)  # the 催办 went out before
    assert f"列表 ({listed})" in page.locator(".nav-tabs").inner_text()
    statuses = page.locator("table.model-list tbody td.col-status").all_inner_texts()
    assert [s.strip() for s in statuses] == [Delivery.SENT.value] * listed
    # On Beijing time, to the second, like every other screen.
    for moment in page.locator("table.model-list tbody td.col-sent_at").all_inner_texts():
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", moment.strip())
    shot("08-outbox-sent")
    subjects = [_subject(message) for _, message in mail.messages][len(chases):]
    assert len(subjects) == sent
    assert sum(s.startswith("【书面意见办理提醒】") for s in subjects) == reminders
    received = {(to[0], _subject(message)): message for to, message in mail.messages}
    assert (liaison, "【书面意见改派通知】第0202号意见改由浦江镇主办") in received
    qibao = next(message for (_, subject), message in received.items()
                 if subject.startswith("【书面意见办理提醒】七宝镇："))
    assert re.search(r"第0027号《[^》]+》 进展反馈：期限2017年8月1日，已超期\d+天",
                     qibao.get_payload(decode=True).decode("utf-8"))

    # 6. Publish the year's assessment: asked first; declined, nothing is published.
    page.get_by_role("link", name="年度考核", exact=True).click()
    page.get_by_role("link", name="考核排名", exact=True).click()
    page.wait_for_url(re.compile(r".*/admin/assessment/.*"))
    year = page.locator("#year").input_value()
    publish = page.get_by_role("button", name="发布本结果（冻结为新版本）")
    shot("09-assessment")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    publish.click()
    assert asked == [f"发布后，本结果将冻结为{year}年度的新版本，各单位可以查看本单位的考核说明。"
                     "确定发布吗？"]
    assert "/admin/assessment/" in page.url and "published" not in page.url
    with app.app_context():
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(PublishedAssessment)) == 0

    page.once("dialog", lambda dialog: dialog.accept())
    publish.click()
    page.wait_for_url(re.compile(r".*/admin/assessment/published/.*"))
    assert f"已发布{year}年度考核结果第1版。" in page.locator(".alert").inner_text()
    with app.app_context():
        published = db.session.scalars(sa.select(PublishedAssessment)).one()
        assert (published.year, published.version, published.published_by) == (
            int(year), 1, "operator")
    shot("10-published")
