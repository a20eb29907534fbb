"""A deputy on a phone (390 × 844) and on a desktop: their opinions as cards, one opinion's
handling, and a 不同意 evaluation that sends the opinion back for a second reply."""

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import CongressSession, Evaluation, Opinion
from tests.backoffice.test_deputies import DEPUTY, NUMBER, SESSION
from tests.browser.conftest import PHONE_VIEWPORT
from tests.conftest import PASSWORD, add_deputy_account

pytestmark = [
    pytest.mark.browser,
    # What the evaluation writes is checked on both databases in tests/backoffice.
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def test_a_deputy_follows_and_evaluates_an_opinion_on_a_phone(
        app, page, artifact_path) -> None:
    with app.app_context():
        add_deputy_account(DEPUTY)
        opinion_id = db.session.scalar(sa.select(Opinion.id).join(Opinion.session).where(
            CongressSession.name == SESSION, Opinion.number == NUMBER))
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto("/login")
    page.get_by_label("用户名").fill("deputy")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/mine/")
    cards = page.locator("a.deputy-opinion")
    assert cards.count() == 5
    assert page.evaluate(OVERFLOW) <= 0
    # One card a row on a phone.
    first, second = (cards.nth(i).bounding_box() for i in (0, 1))
    assert first["width"] > 300 and second["y"] > first["y"] + first["height"] - 1
    page.screenshot(path=artifact_path("deputy-list-phone.png"), full_page=True)
    # The menu folds behind its button, and opens.
    sign_out = page.get_by_role("button", name="退出登录")
    assert not sign_out.is_visible()
    page.locator(".navbar-toggler").click()
    sign_out.wait_for()

    page.locator(f"a[href*='opinion/?id={opinion_id}']").click()
    page.get_by_text("对答复是否同意").wait_for()
    assert page.evaluate(OVERFLOW) <= 0
    page.get_by_label("不同意").check()
    page.get_by_label("同意公开答复").check()
    page.get_by_role("button", name="提交测评").click()
    page.get_by_text("已记录您不同意答复").wait_for()
    # The second reply is now due, as after a 不同意 imported from a 测评表.
    assert "下一期限：二次答复" in page.locator(".deputy-pages").inner_text()
    assert page.evaluate(OVERFLOW) <= 0
    page.screenshot(path=artifact_path("deputy-opinion-phone.png"), full_page=True)
    with app.app_context():
        [evaluation] = db.session.scalars(
            sa.select(Evaluation).where(Evaluation.opinion_id == opinion_id))
        assert (evaluation.agrees, evaluation.grade, evaluation.consents_to_publish) == (
            False, None, True)

    # The desktop lays the same cards three to a row.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/admin/mine/")
    first, second = (cards.nth(i).bounding_box() for i in (0, 1))
    assert abs(first["y"] - second["y"]) < 1
    page.screenshot(path=artifact_path("deputy-list-desktop.png"))
