"""A district leader's home page: the opinions they supervise (督办, matched by the
account's 姓名), overdue by unit and the figures exactly as the dashboard counts them, and
nothing to change; the opinions list filters by supervising leader."""

import html
import json
import re
from datetime import date

import pytest
import sqlalchemy as sa

from backoffice import deadline_queries
from backoffice.extensions import db
from backoffice.models import CongressSession, Opinion, User
from backoffice.reporting.dashboard import AS_OF_FILTERS, dashboard
from backoffice.reporting.supervision import supervisor_name
from backoffice.standing import standings
from scoring.lateness import OVERDUE_NOW
from tests.backoffice.test_dashboard import _cards, _listed
from tests.conftest import sign_in

# The page reads through the dashboard and the list filters, tested on both databases;
# what is new here is pages and links.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

LEADER = "孙建国"  # supervises three of the demo's 2017 opinions
DAY = date(2017, 5, 25)
CARD = re.compile(r'class="card h-100 text-body supervised-opinion" data-number="(\d+)"\s*'
                  r'href="([^"]+)">(.*?)</a>', re.S)
UNIT = re.compile(r'data-unit="([^"]+)" href="([^"]+)">\s*<span>[^<]+</span>'
                  r'<span class="badge[^"]*">(\d+)件</span>')


def _name_leader(name: str) -> None:
    user = db.session.scalar(sa.select(User).where(User.username == "leader"))
    user.display_name = name
    db.session.commit()


def test_a_leader_lands_on_their_supervised_opinions_and_the_dashboards_figures(
    app, as_user
) -> None:
    with app.app_context():
        _name_leader(LEADER)
        session = db.session.scalar(sa.select(CongressSession).where(CongressSession.year == 2017))
        # None of theirs is overdue that day: they take on one that is.
        overdue = AS_OF_FILTERS[OVERDUE_NOW.label](deadline_queries.conditions_as_of(DAY))
        db.session.scalars(sa.select(Opinion).where(
            Opinion.session_id == session.id, Opinion.supervisor.is_(None), overdue)
            .order_by(Opinion.number).limit(1)).one().supervisor = LEADER
        db.session.commit()
        theirs = db.session.scalars(sa.select(Opinion).where(
            Opinion.session_id == session.id, Opinion.supervisor == LEADER)).all()
        standing = standings(db.session, theirs, DAY)
        expected = {o.number: standing[o.id] for o in theirs}
        board = dashboard(db.session, session.id, DAY, sa.true())
    assert len(expected) == 4

    leader = as_user("leader")
    page = leader.get("/admin/?as_of=2017-05-25").get_data(as_text=True)
    assert "chart-overdue_by_unit" not in page  # not the office's dashboard
    found = {number: body for number, _, body in CARD.findall(page)}
    assert set(found) == set(expected)
    for number, body in found.items():
        text, standing = html.unescape(re.sub(r"<[^>]+>", "", body)), expected[number]
        assert f"督办领导：{LEADER}" in text
        assert f"办理状态：{standing.stage}" in text
        assert f"下一期限：{standing.next_due or '暂无'}" in text
        assert (f"当前超期未办：{standing.overdue}" in text) == bool(standing.overdue)
    assert any(standing.overdue for standing in expected.values())  # the case is shown
    # Overdue by unit: the dashboard's, unit by unit, each linked to its list.
    units = UNIT.findall(page)
    assert [(name, int(count)) for name, _, count in units] == [
        (name, count) for _, name, count in board.overdue_by_unit]
    assert units and all(_listed(leader, html.unescape(url)) == int(count)
                         for _, url, count in units[:3])
    # The figures: the office's dashboard's, each landing on its list.
    office = app.test_client()
    assert sign_in(office, "operator").status_code == 302
    office_cards = _cards(office, "/admin/?as_of=2017-05-25")
    assert _cards(leader, "/admin/?as_of=2017-05-25") == office_cards
    # Their own supervised opinions and everyone's, as lists.
    mine = html.unescape(re.search(r'<a href="([^"]+)">在意见列表中查看</a>', page).group(1))
    assert "督办领导" in leader.get(mine).get_data(as_text=True)
    assert _listed(leader, mine) == 4
    every = html.unescape(re.search(r'href="([^"]+)" data-link="every-supervised"', page).group(1))
    assert _listed(leader, every) == office_cards["supervised"][0] > 3

    # Nothing to change: no form posts anywhere but signing out, no link to a form.
    assert re.findall(r'<form[^>]*method="post"[^>]*action="([^"]+)"', page) == ["/logout"]
    assert not re.search(r'href="[^"]*/(new|edit|delete)/', page)


def test_the_supervisor_filter_lists_exactly_a_leaders_opinions_named_at_creation(
    app, as_user
) -> None:
    with app.app_context():
        counts = dict(db.session.execute(
            sa.select(Opinion.supervisor, sa.func.count()).where(Opinion.supervisor.is_not(None))
            .group_by(Opinion.supervisor)).all())
        opinions = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "opinion")
        with app.test_request_context():
            urls = {name: opinions.filtered_list_url(督办领导=name) for name in counts}
    assert counts == {"吴德文": 3, "周志宏": 4, "孙建国": 5, "赵磊": 4, "陈宇": 2}
    client = as_user("operator")
    for name, url in urls.items():
        assert _listed(client, url) == counts[name], name
    listing = client.get("/admin/opinion/").get_data(as_text=True)
    groups = json.loads(html.unescape(
        re.search(r'<div id="filter-groups-data"[^>]*>(.*?)</div>', listing).group(1)))
    offered = [name for name, _ in groups["督办领导"][0]["options"]]  # the leaders to choose
    assert offered == sorted(counts)

    # A leader is matched by the 姓名 given at creation; one without is told what to do.
    made = app.test_cli_runner().invoke(
        args=["create-user", "zhao", "--role", "leader", "--name", " 赵磊 "],
        input="Supervises-for-2017\n")
    assert made.exit_code == 0, made.output
    with app.app_context():
        zhao = db.session.scalar(sa.select(User).where(User.username == "zhao"))
        assert supervisor_name(zhao) == zhao.display_name == "赵磊"
    unnamed = app.test_client()
    assert sign_in(unnamed, "leader").status_code == 302
    page = unnamed.get("/admin/").get_data(as_text=True)
    assert "您的账户未填写姓名" in page and 'data-link="every-supervised"' in page
    assert "supervised-opinion" not in page
