"""Two people at work on the same records: whatever the order of their clicks, nothing
either of them did is silently undone, and whoever comes second is told what changed,
by whom and when, and what to do."""

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from backoffice.extensions import db
from backoffice.models import Opinion, Publication, PublicationStatus, Role, User
from backoffice.public.review import reviewable
from tests.backoffice.html_forms import page_forms
from tests.conftest import PASSWORD, quick_hashing, sign_in

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
COLLEAGUE = "operator2"


def _signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def _colleague(app: Flask) -> None:
    """Add a second operator, so that messages can tell the two apart."""
    with app.app_context(), quick_hashing():
        user = User(username=COLLEAGUE, role=Role.OPERATOR.value)
        user.set_password(PASSWORD, chosen_by_user=True)
        db.session.add(user)
        db.session.commit()


def _flashed(client: FlaskClient) -> str:
    with client.session_transaction() as session:
        return " ".join(message for _, message in session.pop("_flashes", []))


def _post_form(client: FlaskClient, page: str, action: str, opinion_id: int,
               **values: str) -> str:
    """Submit the page's form for action on the opinion (as shown then); return the flash."""
    (form,) = [f for f in page_forms(page) if f.action.endswith(f"/{action}/")
               and f.fields.get("opinion_id") == str(opinion_id)]
    response = client.post(form.action, data={**form.fields, **values})
    assert response.status_code == 302
    return _flashed(client)


# -- 公开审核 ----------------------------------------------------------------------------------

@SQLITE_ONLY
def test_a_publication_decision_from_a_stale_list_does_not_reverse_a_colleagues(app):
    _colleague(app)
    mine, theirs = _signed_in(app, "operator"), _signed_in(app, COLLEAGUE)
    with app.app_context():
        first, second = db.session.scalars(
            sa.select(Opinion.id).where(reviewable()).order_by(Opinion.id).limit(2)).all()
    url = "/admin/publication/"
    # Both open the list: both replies wait for review.
    stale, seen_by_them = mine.get(url).get_data(as_text=True), theirs.get(url).get_data(
        as_text=True)
    # The colleague declines the first, and publishes then withdraws the second.
    assert "不予公开" in _post_form(theirs, seen_by_them, "decline", first,
                                  reason="涉及个人隐私")
    _post_form(theirs, seen_by_them, "approve", second)
    _post_form(theirs, theirs.get(url).get_data(as_text=True), "withdraw", second)

    # From the list opened before, publishing either would reverse the colleague.
    for opinion_id, status in ((first, "不予公开"), (second, "已撤回")):
        said = _post_form(mine, stale, "approve", opinion_id)
        assert "未处理" in said and COLLEAGUE in said and f"“{status}”" in said, said
        assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", said), said  # when, Beijing time
        assert "请核对" in said
    said = _post_form(mine, stale, "decline", second, reason="涉及商业秘密")
    assert "未处理" in said and "已撤回" in said
    with app.app_context():
        kept = {p.opinion_id: (p.status, p.reason, p.decided_by)
                for p in db.session.scalars(sa.select(Publication))}
    assert kept == {first: (PublicationStatus.DECLINED, "涉及个人隐私", COLLEAGUE),
                    second: (PublicationStatus.WITHDRAWN, None, COLLEAGUE)}
    # The list opened now shows the colleague's decisions and lets me decide on them.
    fresh = mine.get(url).get_data(as_text=True)
    assert "已同意公开" in _post_form(mine, fresh, "approve", first)
