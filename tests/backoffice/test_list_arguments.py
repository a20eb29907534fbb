"""A list's query string: what no screen sends is 400, a filter value it cannot use is
reported and left out, and whatever the app lets through runs on the database."""

import re
from datetime import date
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import sqlalchemy as sa
from flask import Flask
from flask_login import login_user
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException

from backoffice import deadline_queries
from backoffice.admin.figure_links import overdue_unit_url
from backoffice.admin.list_args import checked_filters
from backoffice.extensions import db
from backoffice.models import CongressSession, Opinion, Unit, User
from importers.clock import local_today
from tests.backoffice.site_walk import model_views
from tests.conftest import sign_in

BAD_REQUEST = [
    "/admin/opinion/?page=99999999999999999999",  # issue #9's two examples
    "/admin/opinion/?flt0_3=abc",
    "/admin/opinion/?page=-1",
    "/admin/opinion/?page=abc",
    "/admin/opinion/?sort=99",
    "/admin/opinion/?sort=2",  # the title: listed, not sortable
    "/admin/opinion/?desc=2",
    "/admin/opinion/?flt0_99=1",  # no such filter
    "/admin/opinion/?flt0_1=不是类别",  # a choice the filter does not offer
    "/admin/opinion/export/xlsx/?page=99999999999999999999",
    "/admin/opinion/ajax/lookup/?name=lead_deputy&query=a&offset=-1",
    "/admin/opinion/ajax/lookup/?name=lead_deputy&query=a&limit=99999",
    "/admin/?session=abc",
    "/admin/assessment/?year=99999",
    "/admin/opinion/?search=a%00b",
]


def test_what_no_screen_sends_is_a_bad_request(as_user) -> None:
    client = as_user("operator")
    answers = {url: client.get(url).status_code for url in BAD_REQUEST}
    assert answers == dict.fromkeys(BAD_REQUEST, 400)


def test_a_choice_a_filter_does_not_offer_is_a_bad_request_on_every_duty_s_lists(app):
    for username, url in (("sysadmin", "/admin/user/?flt0_0=不是角色"),
                          ("auditor", "/admin/audit/?flt0_0=不是动作")):
        client = app.test_client()
        sign_in(client, username)
        assert client.get(url).status_code == 400, url


def test_an_id_that_names_nothing_is_not_found(as_user) -> None:
    client = as_user("operator")
    urls = ["/admin/opinion/details/?id=99999999999999999999", "/admin/opinion/details/?id=x",
            "/admin/exports/unit/99999999999999999999/", "/admin/opinion/attachment/?id=-1"]
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)


def test_a_typed_filter_value_it_cannot_use_is_reported_and_left_out(app, as_user) -> None:
    client = as_user("operator")
    everything = _listed(client.get("/admin/opinion/").get_data(as_text=True))
    for value in ("2017-02-30", "0001-01-01"):
        page = client.get(_overdue_url(app, value)).get_data(as_text=True)
        assert f"筛选条件“当前超期未办”的值“{value}”无法使用，已忽略。" in unescape(page)
        assert _listed(page) == everything
    overdue = _listed(client.get(_overdue_url(app, "2017-05-25")).get_data(as_text=True))
    assert 0 < overdue < everything


def _overdue_url(app: Flask, day: str) -> str:
    view = model_views(app)["opinion"]
    with app.test_request_context():
        return view.filtered_list_url(当前超期未办=day)


def test_a_units_overdue_list_reads_its_day_wherever_the_link_puts_the_date(
        as_user, app) -> None:
    """A unit's 当前超期未办 as of a past day: the same opinions whether the link puts the
    date filter before or after the unit's (a filter reading the list's day sees it)."""
    day = date(2017, 5, 25)
    with app.app_context():
        session_id = db.session.scalar(sa.select(CongressSession.id).where(
            CongressSession.year == 2017))

        def own_overdue(unit_id: int, on: date) -> int:
            return db.session.scalar(sa.select(sa.func.count(Opinion.id)).where(
                Opinion.session_id == session_id,
                deadline_queries.own_steps(deadline_queries.conditions_as_of(on), unit_id)))

        # A unit whose count on the day differs from today's: the order then shows.
        unit_id, then = next((u, n) for u in db.session.scalars(sa.select(Unit.id))
                             if 0 < (n := own_overdue(u, day)) != own_overdue(u, local_today()))
    with app.test_request_context():
        url = overdue_unit_url(model_views(app)["opinion"], session_id, day, unit_id)
    parts = urlsplit(url)
    dated = [(k, v) for k, v in parse_qsl(parts.query) if v == day.isoformat()]
    others = [(k, v) for k, v in parse_qsl(parts.query) if v != day.isoformat()]
    date_last = [(f"flt{i}_{key.partition('_')[2]}", value)
                 for i, (key, value) in enumerate(others + dated)]
    client = as_user("operator")
    assert _listed(client.get(url).get_data(as_text=True)) == then
    assert _listed(client.get(f"{parts.path}?{urlencode(date_last)}").get_data(
        as_text=True)) == then


def test_a_dashboard_date_out_of_range_is_reported_and_replaced(as_user) -> None:
    page = as_user("operator").get("/admin/?as_of=0001-01-01").get_data(as_text=True)
    assert "日期“0001-01-01”不在1949年至2100年之间；已改用2017-12-31。" in unescape(page)
    assert "截至 2017年12月31日" in page


def _listed(page: str) -> int:
    return int(re.search(r"列表 \((\d+)\)", page).group(1))


# Any text, and the texts a careless hand or an attacker sends most.
_VALUES = st.one_of(
    st.text(max_size=20),
    st.from_regex(r"-?[0-9]{1,25}", fullmatch=True),
    st.dates().map(str),
    st.lists(st.text(max_size=5), max_size=3).map(",".join),
    st.sampled_from(["", "1", "0", "now", "ever", "是", "99999-01-01", "2017-01-01 to 2017-12-31"]),
)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_a_filter_value_the_app_lets_through_runs_on_the_database(app: Flask, data) -> None:
    views = [view for view in model_views(app).values() if view._filters]
    view = data.draw(st.sampled_from(views))
    index = data.draw(st.sampled_from(range(len(view._filters))))
    flt = view._filters[index]
    with app.test_request_context():
        options = [str(value) for value, _ in flt.get_options(view) or ()]
    value = data.draw(st.sampled_from(options) | _VALUES if options else _VALUES)
    name = f"flt0_{view.get_filter_arg(index, flt)}"
    with app.test_request_context(f"/admin/{view.endpoint}/", query_string={name: value}):
        login_user(db.session.scalar(db.select(User).where(User.username == "operator")))
        try:
            app.preprocess_request()  # what every request passes first (NUL characters)
            filters = checked_filters(view)
        except HTTPException as refused:
            assert refused.code == 400
            return
        view.get_list(0, None, False, None, filters, page_size=1)
