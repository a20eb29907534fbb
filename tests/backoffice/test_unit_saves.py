"""A unit saves its opinion whatever the office still owes it (a D reply's sign-off), and is
refused only a problem its own change brings; the office sees the sign-off as its to-do."""

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from backoffice.extensions import db
from backoffice.models import CongressSession, Opinion, Role, Unit, User
from tests.backoffice.html_forms import form_data
from tests.conftest import PASSWORD, demo_app, sign_in

# A 2017 demo opinion whose D (留作参考) reply has no sign-off (阅批) yet.
UNSIGNED = "0029"


@pytest.fixture
def app(database_url: str, tmp_path) -> Iterator[Flask]:
    """The demo app with the operator only (the unit's user is the test's)."""
    with demo_app(database_url, tmp_path, "operator") as made:
        yield made


def _unsigned_opinion_and_its_unit_user(app) -> tuple[int, str]:
    with app.app_context():
        opinion = db.session.scalars(
            sa.select(Opinion).join(Opinion.session)
            .where(CongressSession.year == 2017, Opinion.number == UNSIGNED)).one()
        assert opinion.answer_type == "D" and opinion.signed_off_on is None
        assert opinion.consulted_on != opinion.replied_on
        user = User(username="liaison", role=Role.UNIT.value,
                    unit=db.session.get(Unit, opinion.lead_unit_id))
        user.set_password(PASSWORD, chosen_by_user=True)
        db.session.add(user)
        db.session.commit()
        return opinion.id, opinion.replied_on.isoformat()


def _save(client: FlaskClient, url: str, **changes: str):
    data = form_data(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, **changes}, follow_redirects=True)


def _stored(app, opinion_id: int) -> tuple[str | None, str | None]:
    """Return the opinion's stored reply and consultation dates."""
    with app.app_context():
        opinion = db.session.get(Opinion, opinion_id)
        return tuple(day and day.isoformat() for day in (opinion.replied_on, opinion.consulted_on))


def test_a_unit_saves_despite_the_missing_sign_off_but_not_its_own_mistake(app) -> None:
    opinion_id, replied_on = _unsigned_opinion_and_its_unit_user(app)
    unit = app.test_client()
    sign_in(unit, "liaison")
    url = f"/admin/opinion/edit/?id={opinion_id}"
    assert 'name="signed_off_on"' not in unit.get(url).get_data(as_text=True)

    before = _stored(app, opinion_id)

    # Its own mistake: an answer type without the reply date.
    refused = _save(unit, url, replied_on="").get_data(as_text=True)
    assert "已选择答复类型，请填写答复日期。" in refused and "保存失败" in refused
    assert "阅批" not in refused  # nothing asked of it that its form cannot give
    assert _stored(app, opinion_id) == before

    saved = _save(unit, url, consulted_on=replied_on).get_data(as_text=True)
    assert "保存失败" not in saved
    assert "由区府办处理：留作参考（D类）答复须先经分管副区长阅批" in saved
    assert _stored(app, opinion_id) == (replied_on, replied_on)

    office = app.test_client()
    sign_in(office, "operator")
    dashboard = office.get("/admin/").get_data(as_text=True)
    link = re.search(r'data-figure="sign_off">\s*<a [^>]*href="([^"]+)"', dashboard)
    assert link, "the dashboard lists the D replies awaiting sign-off"
    to_do = office.get(link[1].replace("&amp;", "&")).get_data(as_text=True)
    assert f"?id={opinion_id}&" in to_do.replace("&amp;", "&")
