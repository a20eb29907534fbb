"""A district leader's home page on a phone (390 × 844): their supervised opinions, the
units overdue and the figures stack as cards, and nothing runs off the screen."""

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import User
from tests.browser.conftest import PHONE, sign_in

pytestmark = [
    pytest.mark.browser,
    # The layout does not depend on the database.
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def test_a_leaders_page_reads_on_a_phone(app, phone_page, artifact_path) -> None:
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.username == "leader")).display_name = "周志宏"
        db.session.commit()
    page = phone_page
    sign_in(page, "leader")
    page.goto("/admin/?as_of=2017-05-25")
    page.screenshot(path=artifact_path("phone-leader-home.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    cards = page.locator(".supervised-opinion")
    assert cards.count() == 3  # 周志宏's 2017 opinions in the demo
    # Stacked: each card as wide as the screen's content, one under the other.
    boxes = [cards.nth(i).bounding_box() for i in range(cards.count())]
    assert all(box["width"] > 300 for box in boxes)
    assert boxes[0]["y"] + boxes[0]["height"] <= boxes[1]["y"]
    assert page.locator("#overdue-by-unit .list-group-item").count() > 0
    assert page.locator("#figures [data-figure]").count() == 10
