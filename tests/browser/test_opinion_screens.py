"""The opinion screens in a real browser."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import CongressSession, Opinion
from tests.backoffice.scoping import visible_count

pytestmark = [
    pytest.mark.browser,
    # Saving, the audit trail and scoping run on both databases in tests/backoffice;
    # the screen is the same.
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def test_admin_finds_0039_changes_its_reply_date_and_sees_it_in_the_trail(
    app, page, sign_in_as, artifact_path
) -> None:
    with app.app_context():
        opinion = db.session.scalars(
            sa.select(Opinion).join(Opinion.session)
            .where(CongressSession.year == 2017, Opinion.number == "0039")
        ).one()
        old_date = opinion.replied_on
        new_date = (old_date - timedelta(days=2)).isoformat()
        opinion_id = opinion.id

    sign_in_as("operator")
    page.get_by_role("link", name="办理", exact=True).click()
    page.get_by_role("link", name="书面意见", exact=True).click()
    page.screenshot(path=artifact_path("opinions-list.png"), full_page=False)
    page.locator("input[name=search]").fill("0039")
    page.locator("input[name=search]").press("Enter")
    row = page.locator("tr", has_text="区六届人大一次会议").filter(has_text="0039")
    row.locator(f"a[href*='edit/?id={opinion_id}']").click()

    page.locator("#replied_on").fill(new_date)
    page.keyboard.press("Escape")
    page.locator("input[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/admin/opinion/(\?.*)?$"))
    assert "保存记录成功" in page.content()

    page.goto(f"/admin/opinion/details/?id={opinion_id}")
    trail = page.locator(".audit-trail")
    assert f"答复日期：{old_date.isoformat()} → {new_date}" in trail.inner_text()
    assert "operator" in trail.inner_text()


def test_a_unit_user_sees_only_its_units_opinions(app, page, sign_in_as, artifact_path) -> None:
    with app.app_context():
        expected = visible_count("浦江镇")
    sign_in_as("pujiang")
    page.goto("/admin/opinion/?page_size=100")
    assert f"列表 ({expected})" in page.locator(".nav-tabs").inner_text()
    rows = page.locator("table.model-list tbody tr")
    assert rows.count() == expected
    for text in rows.all_inner_texts():
        assert "浦江镇" in text
    page.screenshot(path=artifact_path("opinions-list-unit.png"), full_page=True)
