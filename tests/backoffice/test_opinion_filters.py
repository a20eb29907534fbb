"""Every filter of the opinions list, and the home page's figures that link to them."""

import re

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import CoHandling, CongressSession, Evaluation, Opinion, Unit
from importers.clock import local_today


def _listed_count(client, url: str) -> int:
    page = client.get(url).get_data(as_text=True)
    match = re.search(r"列表 \((\d+)\)", page)
    return int(match.group(1)) if match else 0


def _filter_url(app, name: str, value: str) -> str:
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "opinion")
    with app.test_request_context():
        return view.filtered_list_url(**{name: value})


def _count(condition) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Opinion).where(condition))


FILTERS = [
    ("届次会议", lambda: str(db.session.scalar(
        sa.select(CongressSession.id).where(CongressSession.year == 2017))),
     lambda v: Opinion.session_id == int(v)),
    ("类别", lambda: "社会事业", lambda v: Opinion.category == v),
    ("主办单位", lambda: str(db.session.scalar(sa.select(Unit.id).where(Unit.name == "浦江镇"))),
     lambda v: Opinion.lead_unit_id == int(v)),
    ("会办单位", lambda: str(db.session.scalar(sa.select(Unit.id).where(Unit.name == "区交通委"))),
     lambda v: Opinion.id.in_(
         sa.select(CoHandling.opinion_id).where(CoHandling.unit_id == int(v)))),
    ("答复类型", lambda: "D", lambda v: Opinion.answer_type == v),
    ("办结", lambda: "", lambda v: Opinion.concluded_on <= local_today()),  # no date: today
    ("不同意退回", lambda: "1",
     lambda v: Opinion.id.in_(sa.select(Evaluation.opinion_id).where(~Evaluation.agrees))),
    ("领导督办", lambda: "0", lambda v: Opinion.supervisor.is_(None)),
    ("年度超期记录", lambda: "1", lambda v: sa.or_(
        Opinion.accepted_on > Opinion.accept_due_on,
        Opinion.consulted_on > Opinion.consult_due_on,
        Opinion.replied_on > Opinion.reply_due_on,
        Opinion.replied_on.is_(None))),
]


@pytest.mark.parametrize(("name", "value", "condition"), FILTERS, ids=[f[0] for f in FILTERS])
def test_each_filter_lists_exactly_its_opinions(as_user, app, name, value, condition) -> None:
    client = as_user("operator")
    with app.app_context():
        chosen = value()
        expected = _count(condition(chosen))
    assert expected > 0
    assert _listed_count(client, _filter_url(app, name, chosen)) == expected


def test_home_figures_match_the_lists_they_link_to(as_user) -> None:
    client = as_user("operator")
    page = client.get("/admin/").get_data(as_text=True)
    figures = re.findall(r'href="([^"]+)">\s*<div class="card-body[^>]*>\s*'
                         r'<div class="display-4">(\d+)</div>\s*<div[^>]*>(?:<abbr[^>]*>)?([^<]+)<',
                         page)
    assert {label for _, _, label in figures} >= {"书面意见", "已办结", "当前超期未办"}
    for url, count, label in figures:
        if label != "正在答复":  # "still answering" has no filter of its own
            assert _listed_count(client, url.replace("&amp;", "&")) == int(count), label


def test_a_unit_users_home_counts_only_its_own(as_user, app) -> None:
    from tests.backoffice.scoping import unit_id

    page = as_user("pujiang").get("/admin/").get_data(as_text=True)
    with app.app_context():
        session_id = db.session.scalar(
            sa.select(CongressSession.id).where(CongressSession.year == 2017))
        own = sa.or_(
            Opinion.lead_unit_id == unit_id("浦江镇"),
            Opinion.id.in_(sa.select(CoHandling.opinion_id).where(
                CoHandling.unit_id == unit_id("浦江镇"))),
        )
        expected = _count(sa.and_(Opinion.session_id == session_id, own))
    assert re.search(rf'display-4">{expected}</div>\s*<div[^>]*>书面意见<', page)
