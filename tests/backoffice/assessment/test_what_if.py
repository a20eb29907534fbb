"""What-if: candidate rules give a ranking shown beside the current one, and nothing is saved."""

import re

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import AssessmentRuleset, AuditEntry, PublishedAssessment
from tests.backoffice.html_forms import form_data

RULES = "/admin/assessment/rules/"


def _stored(app) -> tuple:
    with app.app_context():
        rules = db.session.execute(
            sa.select(AssessmentRuleset.year, AssessmentRuleset.rules).order_by("year")
        ).all()
        counts = [
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (AssessmentRuleset, PublishedAssessment, AuditEntry)
        ]
        return rules, counts


def _row(page: str, unit: str) -> str:
    table = page[page.index("side-by-side") :]
    return re.search(rf'<tr [^>]*data-unit="{unit}".*?</tr>', table, re.S).group(0)


def test_what_if_shows_the_ranking_change_side_by_side_and_saves_nothing(as_user, app) -> None:
    client = as_user("operator")
    data = form_data(client.get(f"{RULES}?year=2017").get_data(as_text=True))
    before = _stored(app)
    # A stricter bar and one place fewer in the first tier.
    data.update({"min_score": "95", "advanced": "11", "tiers-0-size": "3", "as_of": "2017-12-15"})
    page = client.post(f"{RULES}preview/", data=data).get_data(as_text=True)
    assert "试算结果（截至2017年12月15日，尚未保存）" in page
    assert "先进单位最低得分：80 → 95" in page and "先进单位数：12 → 11" in page
    seventh = _row(page, "七宝镇")  # 5th, was 一档: the first tier now has 3 places
    assert 'data-changed="yes"' in seventh and "档次 一档→二档" in seventh
    water = _row(page, "区水务局")  # 94.88 < 95: no longer a candidate
    assert "档次 二档→—" in water
    assert 'data-changed="no"' in _row(page, "区机管局")
    assert 'value="95"' in page  # the candidate rules stay in the form
    assert _stored(app) == before

    data["advanced"] = "12"  # tiers add up to 11 now
    refused = client.post(f"{RULES}preview/", data=data).get_data(as_text=True)
    assert "试算未进行：请按提示更正标出的规则。" in refused
    assert "各档名额之和（11）须等于先进单位数（12）。" in refused
    assert "试算结果" not in refused
    assert _stored(app) == before
