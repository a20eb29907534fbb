"""Model forms refuse a date or a number no record can hold, next to the field, and save
nothing; every model form gets the bounds, child rows included."""

from datetime import timedelta
from html import unescape

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import CalendarOverride, CongressSession, Opinion
from importers.clock import local_today
from tests.backoffice.html_forms import form_data

DATE_RANGE = "日期须在1949-10-01至2100-12-31之间。"


def _post_form(client, url: str, **changes: str) -> str:
    data = form_data(client.get(url).get_data(as_text=True))
    data.update(changes)
    response = client.post(url, data=data)
    assert response.status_code == 200, response.status_code  # the form again, not saved
    return unescape(response.get_data(as_text=True))


def _first_opinion(app) -> tuple[int, dict]:
    with app.app_context():
        # One with a contact, so that its child rows are in the form too.
        query = sa.select(Opinion).join(Opinion.contacts).order_by(Opinion.id)
        opinion = db.session.scalars(query).first()
        return opinion.id, {"assigned_on": opinion.assigned_on, "version": opinion.version}


def test_the_opinion_form_refuses_what_no_record_holds(as_user, app) -> None:
    client = as_user("operator")
    opinion_id, before = _first_opinion(app)
    for field, value, message in [
        ("assigned_on", "9999-12-31", DATE_RANGE),
        ("assigned_on", "0001-01-01", DATE_RANGE),
        ("reply_extension_months", "99999999999999999999", "请填写不小于0的整数。"),
        ("contacts-0-contacted_on", "2101-01-01", DATE_RANGE),  # a child row
        # A contact made is dated today at the latest (as in a sheet: the field's own flag).
        ("contacts-0-contacted_on", (local_today() + timedelta(days=1)).isoformat(),
         f"不能晚于今天（{local_today().isoformat()}）"),
    ]:
        page = _post_form(client, f"/admin/opinion/edit/?id={opinion_id}", **{field: value})
        assert message in page, (field, value)
        assert _first_opinion(app)[1] == before


def test_a_new_session_keeps_its_year_and_periods_within_bounds(as_user, app) -> None:
    client = as_user("operator")
    name = "第十八届人民代表大会第一次会议"
    for field, value, message in [
        ("year", "99999", "请填写1949至2100之间的整数。"),
        ("consult_months", "2000000000", "请填写1至12之间的整数。"),
        ("accept_working_days", "99999999999999999999", "请填写1至60之间的整数。"),
    ]:
        fields = {"name": name, "year": "2030", field: value}
        assert message in _post_form(client, "/admin/session/new/", **fields), field
    with app.app_context():
        created = sa.select(sa.func.count()).where(CongressSession.name == name)
        assert db.session.scalar(created) == 0


def test_a_calendar_day_out_of_range_is_refused(as_user, app) -> None:
    count = sa.select(sa.func.count()).select_from(CalendarOverride)
    with app.app_context():
        before = db.session.scalar(count)
    page = _post_form(as_user("sysadmin"), "/admin/calendar/new/", day="9999-12-31", note="x")
    assert DATE_RANGE in page
    with app.app_context():
        assert db.session.scalar(count) == before
