"""The import page in a real browser: upload with an error, preview, skip it, apply, undo."""

import re

import pytest

from tests.backoffice.imports.tables import assignment_list, opinion_row
from tests.browser.import_steps import upload_to_new_session

pytestmark = [
    pytest.mark.browser,
    # Imports run on both databases in tests/backoffice/imports. The screen is the same.
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def test_admin_uploads_a_list_previews_it_applies_the_valid_rows_and_undoes(
    app, page, sign_in_as, artifact_path, tmp_path
) -> None:
    with app.app_context():
        path = assignment_list(tmp_path / "交办清单.xlsx", [
            opinion_row(1), opinion_row(2, 主办单位="区交通局"), opinion_row(3)])

    sign_in_as("operator")
    page.get_by_role("link", name="办理", exact=True).click()
    page.get_by_role("link", name="导入表格", exact=True).click()
    upload_to_new_session(page, path)
    assert "未知单位“区交通局”" in page.content()
    page.screenshot(path=artifact_path("import-preview.png"), full_page=True)

    page.get_by_role("link", name=re.compile(r"^有错误 1$")).click()
    assert page.locator("table.plan-rows tbody tr").count() == 1
    page.locator("#apply_skip_invalid").check()
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url(re.compile(r".*/history/\d+/$"))
    assert "已导入：新增 2 行，修改 0 行，无变化 0 行，跳过 1 行。" in page.content()
    page.screenshot(path=artifact_path("import-run.png"), full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="撤销这次导入").click()
    page.wait_for_url(re.compile(r".*/history/\d+/$"))
    assert "已撤销导入" in page.content()
