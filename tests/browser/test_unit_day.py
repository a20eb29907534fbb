"""A unit's day in a real browser, on the demo data, through the screens only: 七宝镇's
liaison sees what is due, files the overdue progress report of 0027 on the opinion's
form, lands back on its case file, and downloads the unit's worklist, which opens on
办理情况 with the due columns as they now stand. Each step leaves a screenshot in
test-artifacts/unit-day-NN-*.png (a desktop of 1366×900)."""

import re
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import expect

from backoffice.extensions import db
from backoffice.models import CongressSession, Opinion, ProgressReport
from importers.clock import local_today
from importers.exporting.sheets import FIRST_DATA_ROW, HEADER_ROW
from importers.schemas.opinions import STANDING_HEADERS
from scoring.lateness import OVERDUE_NOW

pytestmark = [
    pytest.mark.browser,
    # Saving a unit's form and writing the worklist are tested on both databases in
    # tests/backoffice and tests/importers; the walk is the screens'.
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

REPORT = "公交线路优化方案已报区交通委审定，预计下季度试运行。"


def _deadline_row(page, step: str):
    """Return the row of a step in the case file's table of deadlines."""
    return page.locator(".card.deadlines tbody tr",
                        has=page.locator("td", has_text=re.compile(f"^{step}$")))


def test_a_unit_sees_what_is_due_files_a_progress_report_and_downloads_its_worklist(
    app, page, sign_in_as, artifact_path, tmp_path
) -> None:
    def shot(step: str) -> None:
        page.screenshot(path=artifact_path(f"unit-day-{step}.png"), full_page=True)

    page.set_viewport_size({"width": 1366, "height": 900})
    today = local_today()
    with app.app_context():
        opinion = db.session.scalars(
            sa.select(Opinion).join(Opinion.session)
            .where(CongressSession.year == 2017, Opinion.number == "0027")
        ).one()
        opinion_id, title, reports = opinion.id, opinion.title, len(opinion.progress_reports)

    # 1. Home: the unit's own figures; one opinion has a step overdue now.
    sign_in_as("qibao")
    assert "七宝镇主办或会办的意见" in page.locator("main, body").first.inner_text()
    card = page.locator("[data-figure=overdue]")
    assert card.locator(".display-4").inner_text() == "1"
    assert card.locator("abbr.lateness-term").get_attribute("title") == OVERDUE_NOW.explanation
    shot("01-home")

    # 2. The figure opens the list: what stands, what is due next, what is late.
    card.click()
    page.wait_for_url(re.compile(r".*/admin/opinion/\?.*"))
    assert "列表 (1)" in page.locator(".nav-tabs").inner_text()
    row = page.locator("table.model-list tbody tr")
    assert row.locator("td.col-number").inner_text().strip() == "0027"
    days_late = (date(2017, 12, 31) - date(2017, 8, 1)).days  # to the home page's day
    assert row.locator("td.col-stage").inner_text().strip() == "已答复，落实中"
    assert row.locator("td.col-next_due").inner_text().strip() == "进展反馈 2017-08-01"
    assert (row.locator("td.col-overdue_now").inner_text().strip()
            == f"进展反馈（超期{days_late}天）")
    shot("02-due-list")

    # 3. Its case file says the same, step by step.
    row.locator(f"a[href*='details/?id={opinion_id}']").click()
    page.wait_for_url(re.compile(rf".*/admin/opinion/details/\?id={opinion_id}\b.*"))
    progress = _deadline_row(page, "进展反馈")
    assert progress.locator("td").nth(1).inner_text() == "2017-08-01"
    assert progress.locator(".badge").inner_text() == "已超期"
    shot("03-case-file")

    # Its reply letter, uploaded from the case file: the file field speaks Chinese (an
    # English browser's own says "Choose File") and names the file chosen.
    upload = page.locator("form[action*='/attachments/']")
    chosen = upload.locator(".custom-file-label")
    assert chosen.inner_text() == "未选择文件"
    assert chosen.get_attribute("data-browse") == "选择文件"
    letter = tmp_path / "七宝镇答复函.pdf"
    letter.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    upload.locator("input[type=file]").set_input_files(str(letter))
    expect(chosen).to_have_text("七宝镇答复函.pdf")
    upload.get_by_role("button", name="上传").click()
    expect(page.locator(".alert-success")).to_contain_text("已上传附件：七宝镇答复函.pdf")
    attachments = page.locator(".card", has_text="附件（一案一册）")
    assert attachments.get_by_text("七宝镇答复函.pdf").count() == 1
    shot("03b-reply-letter")

    # 4. The form says which opinion it edits and shows the unit's sections only.
    page.locator(".nav-tabs").get_by_role("link", name="编辑").click()
    page.wait_for_url(re.compile(rf".*/admin/opinion/edit/\?id={opinion_id}\b.*"))
    assert page.get_by_text(f"0027号意见：{title}").count() == 1
    sections = page.locator("fieldset.form-section > legend").all_inner_texts()
    assert sections == ["承办", "答复", "沟通走访", "进展反馈"]
    shot("04-form")

    # The progress report, in its section; 保存 at the top of the form.
    section = page.locator("#section-progress")
    section.get_by_text("添加 进展反馈", exact=True).click()
    fresh = section.locator(".inline-field.fresh")
    fresh.locator("input[name$=-reported_on]").fill(today.isoformat())
    text = fresh.locator("[name$=-text]")
    text.click()  # a click beside it closes the date picker
    assert page.locator(".daterangepicker:visible").count() == 0
    text.fill(REPORT)
    shot("05-form-filled")
    page.locator("input[type=submit]").first.click()

    # 5. Back on the case file: the report is there and nothing is overdue now.
    page.wait_for_url(re.compile(rf".*/admin/opinion/details/\?id={opinion_id}\b.*"))
    assert "保存记录成功" in page.locator(".alert").first.inner_text()
    assert REPORT in page.locator(".card:has(> .card-header:text-is('进展反馈'))").inner_text()
    progress = _deadline_row(page, "进展反馈")
    next_due = date.fromisoformat(progress.locator("td").nth(1).inner_text())
    assert next_due > today
    assert progress.locator(".badge").inner_text() != "已超期"
    assert page.locator(".card.deadlines .badge", has_text="已超期").count() == 0
    shot("06-saved")
    with app.app_context():
        saved = db.session.scalars(
            sa.select(ProgressReport).where(ProgressReport.opinion_id == opinion_id)
            .order_by(ProgressReport.id)
        ).all()
        assert len(saved) == reports + 1
        assert (saved[-1].reported_on, saved[-1].text) == (today, REPORT)

    # 6. The worklist: opens on 办理情况, with 0027's standing as it is now.
    page.get_by_role("link", name="办理", exact=True).click()
    page.get_by_role("link", name="导出清单", exact=True).click()
    page.wait_for_url(re.compile(r".*/admin/exports/.*"))
    units = page.locator("table tbody tr")
    assert units.count() == 1 and "七宝镇" in units.inner_text()
    shot("07-exports")
    with page.expect_download() as caught:
        units.get_by_role("link", name="下载清单").click()
    download = caught.value
    assert download.suggested_filename.startswith("七宝镇-书面意见办理工作清单-")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    book = load_workbook(path)
    sheet = book.active
    assert sheet.title == "办理情况"
    rows = list(sheet.iter_rows(values_only=True))
    headers = list(rows[HEADER_ROW])
    assert headers[-len(STANDING_HEADERS):] == list(STANDING_HEADERS)
    number = headers.index("编号")
    found = [r for r in rows[FIRST_DATA_ROW:] if r[number] == "0027"]
    assert len(found) == 1
    stage, due, overdue = found[0][-len(STANDING_HEADERS):]
    assert (stage, due, overdue or "") == ("已答复，落实中", f"进展反馈 {next_due.isoformat()}", "")
