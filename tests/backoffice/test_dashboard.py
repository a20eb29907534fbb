"""The dashboard: every figure, bar and slice equals the list it links to, on any date and
for every role; the chart library is the bundle the installed plotly writes for, compressed."""

import gzip
import html
import json
import re
from pathlib import Path

import plotly
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import CoHandling, CongressSession, Opinion

CARD = re.compile(
    r'data-figure="(\w+)">\s*<a class="card[^"]*" href="([^"]+)">\s*<div class="card-body[^>]*>'
    r'\s*<div class="display-4">(\d+)</div>\s*<div[^>]*>(?:<abbr[^>]*>)?([^<]+)<'
)


def _cards(client, url: str) -> dict[str, tuple[int, str]]:
    page = client.get(url).get_data(as_text=True)
    return {key: (int(count), html.unescape(href)) for key, href, count, _ in CARD.findall(page)}


def _listed(client, url: str) -> int:
    page = client.get(url).get_data(as_text=True)
    match = re.search(r"列表 \((\d+)\)", page)
    return int(match.group(1)) if match else 0


def _figures(client, url: str) -> dict:
    page = client.get(url).get_data(as_text=True)
    raw = re.search(r'<script type="application/json" id="figures">(.*?)</script>', page, re.S)
    return {key: json.loads(value) for key, value in json.loads(raw.group(1)).items()}


WORK_LISTS = {"overdue", "due_soon", "second_reply", "supervised", "sign_off", "progress"}


def test_every_figure_lands_on_exactly_its_opinions(as_user, app) -> None:
    client = as_user("operator")
    seen_nonzero = set()
    for as_of in ("2017-03-01", "2017-05-25", "2017-06-15", ""):
        cards = _cards(client, f"/admin/?as_of={as_of}")
        assert set(cards) == {"total", "answered", "answering", "concluded"} | WORK_LISTS
        for key, (count, url) in cards.items():
            assert _listed(client, url) == count, (as_of, key)
            if count:
                seen_nonzero.add(key)
    assert seen_nonzero == set(cards)  # every list is non-empty on one of the dates
    may = _cards(client, "/admin/?as_of=2017-05-25")
    count, url = may["overdue"]
    assert count > 0 and "2017-05-25" in url
    # Default: the demo's 2017 session is over, so its year-end.
    assert "截至 2017年12月31日" in client.get("/admin/").get_data(as_text=True)

    figures = _figures(client, "/admin/?as_of=2017-12-15")
    category = figures["category"]["data"][0]
    assert dict(zip(category["labels"], category["values"], strict=True)) == {
        "城市建设和管理": 230, "社会事业": 46, "公安和廉政建设": 29, "财政经济": 17}
    # The pie prints the report's percentages (72/14/9/5), not its own rounding (71%).
    assert category["text"] == ["72%", "14%", "9%", "5%"]
    grade = figures["grade"]["data"][0]
    assert dict(zip(grade["x"], grade["y"], strict=True)) == {
        "好": 238, "较好": 65, "一般": 11, "较差": 0, "差": 0}
    answered = figures["answered"]["data"][0]
    assert dict(zip(answered["labels"], answered["values"], strict=True)) == {
        "已答复": 320, "正在答复": 2}
    assert figures["answer_type"]["data"][0]["y"] == [137, 94, 46, 43]

    # Counts on whole-number axes: a chart of at most ten steps by one.
    assert figures["grade"]["layout"]["yaxis"]["tickformat"] == "d"
    assert "dtick" not in figures["grade"]["layout"]["yaxis"]  # 238 is far above ten

    script = client.get("/admin/plotly.min.js", headers={"Accept-Encoding": "gzip, br"})
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert script.headers["Content-Encoding"] == "gzip"
    body = script.get_data()
    assert len(body) < 500_000  # the budget for the first load's script: 1 MB
    served = gzip.decompress(body)[:200].decode()
    # The bundle is the plotly.js the installed plotly package writes its figures for.
    bundled = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text()[:200]
    version = re.search(r"plotly\.js v(\S+)", bundled).group(1)
    assert f"plotly.js (basic - minified) v{version}" in served
    script.close()

    page = client.get("/admin/?as_of=2017-13-01").get_data(as_text=True)
    assert "日期“2017-13-01”无法识别" in page


def test_every_bar_and_slice_lands_on_exactly_its_opinions(as_user) -> None:
    client = as_user("operator")
    figures = _figures(client, "/admin/?as_of=2017-05-25")
    linked = {"category", "answer_type", "answered", "overdue_by_unit"}
    assert {key for key, figure in figures.items() if "customdata" in figure["data"][0]} == linked
    checked = 0
    for key in sorted(linked):
        trace = figures[key]["data"][0]
        counts = trace["values"] if "values" in trace else (
            trace["x"] if key == "overdue_by_unit" else trace["y"])
        for count, url in list(zip(counts, trace["customdata"], strict=True))[-4:]:
            assert _listed(client, html.unescape(url)) == count, (key, url)
            checked += bool(count)
    assert checked >= 8


def test_a_unit_user_sees_its_own_opinions_only(as_user, app) -> None:
    from tests.backoffice.scoping import unit_id

    client = as_user("pujiang")
    cards = _cards(client, "/admin/?as_of=2017-05-25")
    with app.app_context():
        session_id = db.session.scalar(
            sa.select(CongressSession.id).where(CongressSession.year == 2017))
        pujiang = unit_id("浦江镇")
        co_handled = sa.select(CoHandling.opinion_id).where(CoHandling.unit_id == pujiang)
        own = db.session.scalar(sa.select(sa.func.count()).select_from(Opinion).where(
            Opinion.session_id == session_id,
            sa.or_(Opinion.lead_unit_id == pujiang, Opinion.id.in_(co_handled))))
    assert cards["total"][0] == own < 322
    for key, (count, url) in cards.items():
        assert _listed(client, url) == count, key
    admin_view = _figures(client, "/admin/?as_of=2026-11-27")["overdue_by_unit"]["data"][0]
    assert set(admin_view["y"]) <= {"浦江镇"}
    assert "届次会议" in client.get(f"/admin/?session={session_id}").get_data(as_text=True)


def test_the_case_file_shows_each_deadline_and_its_status(as_user, app) -> None:
    with app.app_context():
        opinion = db.session.scalars(
            sa.select(Opinion).join(Opinion.session)
            .where(CongressSession.year == 2017, Opinion.number == "0202")
        ).one()
        opinion_id, reply_due = opinion.id, opinion.reply_due_on
        co_names = [co.unit.name for co in opinion.co_handlings]
    page = as_user("operator").get(f"/admin/opinion/details/?id={opinion_id}")
    page = page.get_data(as_text=True)
    table = page.split('class="card deadlines"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]*)</td><td>([^<]*)</td>\s*<td><span[^>]*>"
                      r"([^<]+)</span>", table)
    by_step = {step: (due, done, status) for step, due, done, status in rows}
    assert by_step["答复"] == (reply_due.isoformat(), "", "已超期")  # 0202 was never answered
    assert by_step["签收"][2] in ("按时完成", "超期完成")
    assert all(f"{name}会办意见" in by_step for name in co_names)
