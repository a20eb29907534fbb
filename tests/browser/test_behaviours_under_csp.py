"""The screens' behaviours in a real browser under the Content-Security-Policy.

Each of these once ran from an inline handler (onclick=, onchange=, onsubmit=) that the
policy now refuses; they run from static/behaviour.js and Flask-Admin's own files. The
conftest fails any test here whose pages saw a CSP violation or a script error.
"""

import csv
import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import CongressSession, Contact, Deputy, Notice, Opinion
from importers.vocabulary import Category
from tests.browser.form_steps import choose

pytestmark = pytest.mark.browser

# The screens' JavaScript does not depend on the database: a test runs on SQLite only
# unless what it saves reaches the database in a way of its own (the ticked rows' keys
# of a list action, child rows of an inline form).
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _count(app, model: type, *conditions: object) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions))


@sqlite_only
def test_the_policy_refuses_an_inline_handler_and_the_watch_sees_it(
    page, sign_in_as, browser_console
) -> None:
    sign_in_as("operator")
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend',"
        " '<button id=\"probe\" onclick=\"window.probeRan = true\">probe</button>')"
    )
    page.locator("#probe").click()
    assert page.evaluate("window.probeRan") is None
    page.wait_for_function("document.querySelectorAll('#probe').length === 1")
    assert any(v["directive"] == "script-src-attr" for v in browser_console.violations)
    # Seen and proven: the watch has done its job for this one.
    browser_console.violations.clear()
    browser_console.messages.clear()


@sqlite_only
def test_deleting_a_row_asks_first_and_a_declined_delete_keeps_it(
    app, page, sign_in_as
) -> None:
    before = _count(app, Notice)
    sign_in_as("operator")
    page.goto("/admin/notice/")
    questions: list[str] = []

    def answer(accept: bool):
        def handle(dialog) -> None:
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return handle

    trash = page.locator("table.model-list tbody tr").first.locator("button[title]")
    page.once("dialog", answer(False))
    trash.click()
    page.wait_for_timeout(300)
    assert questions == ["你确定要删除这条记录吗？"]
    assert page.url.endswith("/admin/notice/")
    assert _count(app, Notice) == before

    page.once("dialog", answer(True))
    with page.expect_navigation():
        trash.click()
    assert "1 条记录被成功删除。" in page.content()
    assert _count(app, Notice) == before - 1


def test_a_list_action_wants_ticked_rows_then_confirms_and_deletes_them(
    app, page, sign_in_as
) -> None:
    before = _count(app, Notice)
    sign_in_as("operator")
    page.goto("/admin/notice/")
    messages: list[str] = []

    def accept(dialog) -> None:
        messages.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.get_by_text("对选中的记录", exact=True).click()
    page.locator("[data-model-action=delete]").click()
    assert messages == ["请至少选择一条记录"]
    assert _count(app, Notice) == before

    rows = page.locator("table.model-list tbody input.action-checkbox")
    for n in range(3):
        rows.nth(n).check()
    # The third is changed by someone else after the list showed it: the delete spares it.
    changed = int(rows.nth(2).get_attribute("value"))
    with app.app_context():
        db.session.get(Notice, changed).reason = "另一位同事刚改过"
        db.session.commit()
    page.get_by_text("对选中的记录", exact=True).click()
    with page.expect_navigation():
        page.locator("[data-model-action=delete]").click()
    assert messages[1] == "你确定要删除这些选中的记录吗？"
    assert "2 条记录被成功删除。" in page.content()
    assert "删除未执行" in page.content()
    assert _count(app, Notice) == before - 2
    with app.app_context():
        assert db.session.get(Notice, changed).reason == "另一位同事刚改过"


@sqlite_only
def test_a_filter_narrows_the_opinion_list_and_the_export_follows_it(
    app, page, sign_in_as, tmp_path
) -> None:
    expected = _count(app, Opinion, Opinion.category == Category.SOCIAL)
    sign_in_as("operator")
    page.goto("/admin/opinion/")
    page.get_by_text("添加筛选器", exact=True).click()
    page.locator(".field-filters a.filter", has_text=re.compile(r"^类别$")).click()
    # The value is a select2 box over the options.
    page.locator("table.filters .select2-container").last.click()
    page.locator(".select2-drop-active .select2-result-label", has_text=Category.SOCIAL).click()
    page.get_by_role("button", name="应用").click()
    page.wait_for_url(re.compile(r".*\?flt\d+_\d+=.*"))
    assert f"列表 ({expected})" in page.locator(".nav-tabs").inner_text()

    page.get_by_text("导出", exact=True).click()
    with page.expect_download() as download:
        page.get_by_text("导出 CSV", exact=True).click()
    path = tmp_path / "opinions.csv"
    download.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert len(rows) == expected + 1  # with the header


@sqlite_only
def test_a_select_that_submits_its_form_on_change(app, page, sign_in_as) -> None:
    with app.app_context():
        older = db.session.scalar(sa.select(CongressSession.id).order_by(CongressSession.year))
    sign_in_as("operator")
    page.goto("/admin/exports/")
    page.locator("select[data-autosubmit]").select_option(str(older))
    page.wait_for_url(re.compile(rf".*session={older}.*"))


def _picked_day(opinion: Opinion) -> date:
    """Return a day beside the acceptance date, in its month and after the assignment."""
    later = opinion.accepted_on + timedelta(days=1)
    if later.month == opinion.accepted_on.month:
        return later
    return opinion.accepted_on - timedelta(days=1)


def test_the_opinion_form_picks_a_date_looks_up_a_deputy_and_adds_a_contact_row(
    app, page, sign_in_as
) -> None:
    with app.app_context():
        opinion = db.session.scalars(
            sa.select(Opinion).join(Opinion.session)
            .where(CongressSession.year == 2017, Opinion.number == "0039")
        ).one()
        deputy = db.session.scalars(
            sa.select(Deputy).where(Deputy.id != opinion.lead_deputy_id).order_by(Deputy.id)
        ).first()
        day = _picked_day(opinion)
        opinion_id, deputy_id, deputy_name = opinion.id, deputy.id, deputy.name
        contacts = len(opinion.contacts)

    sign_in_as("operator")
    page.goto(f"/admin/opinion/edit/?id={opinion_id}")

    # The date picker.
    page.locator("#accepted_on").click()
    calendar = page.locator(".daterangepicker:visible")
    # In Chinese, weeks from Monday.
    weekdays = calendar.locator(".calendar.left thead tr").last.locator("th")
    assert weekdays.all_inner_texts() == ["一", "二", "三", "四", "五", "六", "日"]
    calendar.locator("td.available:not(.off):visible", has_text=re.compile(rf"^{day.day}$")).click()
    assert page.locator("#accepted_on").input_value() == day.isoformat()

    # The ajax lookup of the lead deputy.
    choose(page, "lead_deputy", deputy_name, typed=deputy_name)

    # Add a contact row, and add then remove a progress report row.
    page.get_by_text("添加 沟通走访", exact=True).click()
    row = page.locator("#contacts .inline-field.fresh")
    assert row.count() == 1
    prefix = row.get_attribute("id")
    choose(page, f"{prefix}-stage", "办中")
    choose(page, f"{prefix}-method", "电话")
    row.locator("input[name$=-contacted_on]").fill(day.isoformat())
    page.keyboard.press("Escape")
    row.locator("[name$=-note]").fill("浏览器里添加的沟通记录")

    page.get_by_text("添加 进展反馈", exact=True).click()
    assert page.locator("#progress_reports .inline-field.fresh").count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#progress_reports .inline-field.fresh .inline-remove-field").click()
    assert page.locator("#progress_reports .inline-field.fresh").count() == 0

    page.locator("input[type=submit]").first.click()  # 保存 at the top of the form
    page.wait_for_url(re.compile(rf".*/admin/opinion/details/\?id={opinion_id}\b.*"))
    assert "保存记录成功" in page.content()
    with app.app_context():
        saved = db.session.get(Opinion, opinion_id)
        assert saved.accepted_on == day
        assert saved.lead_deputy_id == deputy_id
        assert len(saved.contacts) == contacts + 1
        added = db.session.scalars(
            sa.select(Contact).where(Contact.note == "浏览器里添加的沟通记录")
        ).one()
        assert (added.stage, added.method, added.contacted_on) == ("办中", "电话", day)


@sqlite_only
def test_an_error_page_in_chinese_leads_back_to_the_page_before(page, sign_in_as) -> None:
    sign_in_as("operator")
    page.goto("/admin/opinion/")
    response = page.goto("/admin/opinion/edit/?id=99999999")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "页面不存在"
    assert page.get_by_role("link", name="登录").count() == 0
    page.get_by_role("link", name="返回上一页").click()
    page.wait_for_url(re.compile(r".*/admin/opinion/$"))
