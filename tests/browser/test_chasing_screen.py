"""催办 on a phone-sized screen: the case file's button asks first, says what it sent, and
the message page shows the text as written, its lines kept and wrapped to the screen."""

import re

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import OutboxMessage
from tests.backoffice.test_chasing import _overdue_case
from tests.browser.conftest import PHONE_VIEWPORT
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    # What 催办 writes and sends is tested in tests/backoffice; the screen is the same.
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def _signed_in(page, username: str) -> None:
    """Sign the browser in without waiting for the dashboard (signing in has its tests)."""
    form = page.request.get("/login").text()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    page.request.post("/login", form={"username": username, "password": PASSWORD,
                                      "csrf_token": token}, max_redirects=0)


def test_the_office_chases_from_the_case_file_and_reads_the_message(
    app, page, artifact_path
) -> None:
    with app.app_context():
        case = _overdue_case("lead@example.org")
    page.set_viewport_size(PHONE_VIEWPORT)
    _signed_in(page, "operator")
    page.goto(f"/admin/opinion/details/?id={case['opinion']}")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="催办").click()
    page.wait_for_selector(".alert-success")
    assert questions and "同一环节每天只催办一次" in questions[0]
    assert "发出催办2条" in page.locator(".alert-success").inner_text()
    page.screenshot(path=artifact_path("chase-phone.png"), full_page=False)

    with app.app_context():
        message = db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.address == "lead@example.org")).one()
        lines = message.body.count("\n")
    page.goto(f"/admin/outbox/details/?id={message.id}")
    text = page.locator("pre.message-text")
    shown = text.evaluate("""element => {
        const style = getComputedStyle(element);
        return {whiteSpace: style.whiteSpace, width: element.getBoundingClientRect().width,
                rows: element.clientHeight / parseFloat(style.lineHeight)};
    }""")
    page.screenshot(path=artifact_path("outbox-message-phone.png"), full_page=True)
    assert re.search(r"写入时间\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s", page.inner_text("body"))
    assert shown["whiteSpace"] == "pre-wrap"
    assert text.inner_text().rstrip("\n") == message.body.rstrip("\n")
    # Wrapped to the screen, not one character a line: a few rows per written line at most.
    assert shown["width"] > 300 and lines <= shown["rows"] <= lines * 3, shown
