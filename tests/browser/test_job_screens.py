"""A job's page in a real browser: its script follows the progress within the
Content-Security-Policy and shows the result when the job ends."""

import re

import pytest

pytestmark = [
    pytest.mark.browser,
    # The engines are tested on both databases in tests/backoffice/jobs; the page is one.
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def test_a_big_list_export_follows_its_job_to_the_download(app, page, sign_in_as,
                                                           artifact_path) -> None:
    app.config["JOBS_ROWS"] = 1
    sign_in_as("operator")
    page.goto(page.url.split("/admin")[0] + "/admin/co_handling/export/xlsx/")
    page.wait_for_url(re.compile(r".*/admin/jobs/\d+/$"))
    download = page.get_by_role("link", name=re.compile(r"下载 会办-\d{8}-\d{4}\.xlsx"))
    download.wait_for(timeout=15_000)  # the script reloads the page when the job ends
    assert page.locator("#job-state").inner_text() == "已完成"
    assert re.search(r"已导出 \d+ 行", page.locator("#job-message").inner_text())
    page.screenshot(path=artifact_path("job-done.png"), full_page=True)
    with page.expect_download() as caught:
        download.click()
    assert caught.value.suggested_filename.endswith(".xlsx")
