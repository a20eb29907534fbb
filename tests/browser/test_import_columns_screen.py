"""The preview's table of columns in a real browser at desktop width, under the CSP:
every column with its letter, header, field, how (in Chinese) and a percentage; a field
changed there re-previews, is remembered on applying, listed, and deleted after a confirm."""

import re

import pytest

from importers.columns import HOW_LABELS
from tests.backoffice.imports.tables import opinion_row
from tests.backoffice.imports.test_remembered_mappings import HEADER
from tests.browser.import_steps import upload_to_new_session
from tests.importers.workbook_builders import write_xlsx

pytestmark = [
    pytest.mark.browser,
    # The round trip runs on both databases in tests/backoffice; the screen is the same.
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]

LATIN = re.compile(r"[A-Za-z_]")


def test_the_preview_shows_each_columns_match_and_a_changed_one_is_remembered(
    app, page, sign_in_as, artifact_path, tmp_path
) -> None:
    with app.app_context():
        row = [*opinion_row(1), "建议加装电梯"]
        path = write_xlsx(tmp_path / "交办清单.xlsx", {"城市建设和管理": [HEADER, row]})

    sign_in_as("operator")
    page.goto("/admin/imports/")
    upload_to_new_session(page, path)

    table = page.locator("table.import-columns")
    rows = table.locator("tbody tr")
    assert rows.count() == len(HEADER)
    for index in range(rows.count()):
        letter, header, field, how, sure = rows.nth(index).locator("td").all_inner_texts()
        assert letter == "ABCDEFGHIJKL"[index] and header == HEADER[index]
        assert how.split()[0] in HOW_LABELS.values()
        assert re.fullmatch(r"\d{1,3}%|—", sure)
        assert not LATIN.search(field + how + sure), (field, how, sure)
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1440  # no sideways scrolling

    page.get_by_label("列L“详细情况”对应的字段").select_option(label="内容")
    page.get_by_role("button", name="按以上选项重新生成预览").click()
    page.wait_for_url(re.compile(r".*/preview/\w+/$"))
    changed = rows.nth(len(HEADER) - 1).locator("td").all_inner_texts()
    assert changed[3:] == ["指定", "100%"]
    assert page.locator("#apply_remember").is_checked()
    page.screenshot(path=artifact_path("import-columns.png"), full_page=True)

    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url(re.compile(r".*/history/\d+/$"))
    assert "详细情况" in page.locator("table.import-columns").inner_text()
    page.goto("/admin/imports/")
    listed = page.locator("table.remembered-mappings")
    assert "详细情况 → 内容" in listed.inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    listed.get_by_role("button", name="删除").click()
    page.wait_for_url("**/admin/imports/")
    assert "还没有记住任何表头的对应关系" in page.content()
