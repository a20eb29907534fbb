"""The dashboard in a real browser: charts drawn, a bar and "overdue now" lead to their
lists."""

import re

import pytest

pytestmark = [
    pytest.mark.browser,
    # The figures are checked on both databases in tests/backoffice/test_dashboard.py;
    # the screen is the same.
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def test_dashboard_charts_and_the_overdue_list(page, sign_in_as, artifact_path) -> None:
    sign_in_as("operator")
    # The demo year is over (today is later): read it on a busy day of its own.
    page.locator("#as_of").fill("2017-05-25")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(r".*as_of=2017-05-25.*"))
    charts = page.locator(".chart")
    assert charts.count() == 5
    page.wait_for_function(
        "document.querySelectorAll('.chart[data-rendered=\"1\"]').length === 5"
    )
    assert page.locator("#chart-category .slice").count() == 4  # one per category
    assert page.locator("#chart-overdue_by_unit").get_by_text("区交通委").count() >= 1
    page.screenshot(path=artifact_path("dashboard.png"), full_page=True)

    # The longest overdue-by-unit bar (drawn on top) opens exactly its opinions.
    top_bar = page.locator("#chart-overdue_by_unit .bars .point").last
    count = int(page.locator("#chart-overdue_by_unit .bartext").last.text_content())
    top_bar.scroll_into_view_if_needed()
    box = top_bar.bounding_box()  # plotly's drag layer takes the events over its bars
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(r".*/admin/opinion/\?.*"))
    assert page.get_by_text(f"列表 ({count})").count() == 1
    page.go_back()
    page.wait_for_function(
        "document.querySelectorAll('.chart[data-rendered=\"1\"]').length === 5"
    )

    card = page.locator("[data-figure=overdue]")
    count = int(card.locator(".display-4").inner_text())
    assert count > 0
    card.get_by_text("当前超期未办").click()
    page.wait_for_url(re.compile(r".*/admin/opinion/\?.*"))
    assert page.get_by_text(f"列表 ({count})").count() == 1
    page.screenshot(path=artifact_path("dashboard-overdue-list.png"), full_page=False)
