"""Publishing freezes a year's result with its rules, who and when; later changes to data
or rules leave it alone; publishing again makes the next version and shows what changed."""

import io
import re
from dataclasses import replace
from datetime import date

import openpyxl
import sqlalchemy as sa

from backoffice.assessment import save_ruleset
from backoffice.extensions import db
from backoffice.models import Notice, PublishedAssessment, Unit
from scoring.rules import RULESET_2017
from tests.conftest import csrf_token
from tests.scoring.truth_facts import expected_assessment

LIVE = "/admin/assessment/?year=2017&as_of=2017-12-15"


def _ranking(page: str) -> str:
    return re.search(r'<table class="[^"]*assessment-ranking".*?</table>', page, re.S).group(0)


def _row(page: str, unit: str) -> str:
    return re.search(rf'<tr [^>]*data-unit="{unit}".*?</tr>', page, re.S).group(0)


def _publish(client) -> str:
    token = csrf_token(client, LIVE)
    data = {"year": "2017", "as_of": "2017-12-15", "csrf_token": token}
    response = client.post("/admin/assessment/publish/", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location


def test_a_published_result_stays_as_published_and_republishing_shows_changes(as_user, app) -> None:
    client = as_user("operator")
    first_url = _publish(client)
    assert "已发布2017年度考核结果第1版。" in client.get(first_url).get_data(as_text=True)
    first_page = client.get(first_url).get_data(as_text=True)
    assert "这是该年度首次发布的版本。" in first_page
    assert "94.47" in _row(first_page, "区环保局")
    with app.app_context():
        first = db.session.scalar(sa.select(PublishedAssessment))
        first_id = first.id
        assert (first.year, first.version, first.as_of) == (2017, 1, date(2017, 12, 15))
        assert first.published_by == "operator" and first.published_at is not None
        assert first.rules == RULESET_2017.to_dict()
        assert first.result == expected_assessment(2017)

        # After publishing: a criticism of 区环保局 (二档, 94.47) and a lower praise cap.
        unit = db.session.scalar(sa.select(Unit).where(Unit.name == "区环保局"))
        db.session.add(
            Notice(issued_on=date(2017, 6, 1), kind="通报批评", unit=unit, reason="答复敷衍")
        )
        save_ruleset(db.session, replace(RULESET_2017, praise_cap=3), "admin")
        db.session.commit()

    live = client.get(LIVE).get_data(as_text=True)
    assert "91.47" in _row(live, "区环保局")
    again = client.get(first_url).get_data(as_text=True)
    assert _ranking(again) == _ranking(first_page)
    explanation = client.get(
        f"/admin/assessment/published/unit/?id={first_id}&unit=区环保局"
    ).get_data(as_text=True)
    assert "答复敷衍" not in explanation and "94.47" in explanation
    sheet = client.get(f"/admin/assessment/published/export/?id={first_id}")
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    final = rows[1].index("最终得分")
    assert next(row for row in rows[2:] if row[1] == "区环保局")[final] == 94.47
    with app.app_context():
        kept = db.session.get(PublishedAssessment, first_id)
        assert kept.result == expected_assessment(2017)
        assert kept.rules == RULESET_2017.to_dict()

    second_page = client.get(_publish(client)).get_data(as_text=True)
    assert "2017年度考核结果　第2版" in second_page
    assert "与第1版" in second_page
    assert "表扬加分上限：5 → 3" in second_page
    changed = _row(second_page[second_page.index("version-changes") :], "区环保局")
    assert 'data-changed="yes"' in changed
    assert "最终得分 94.47→91.47" in changed and "通报批评 —→-3.00" in changed
    with app.app_context():
        versions = db.session.scalars(
            sa.select(PublishedAssessment.version).order_by(PublishedAssessment.version)
        ).all()
        assert versions == [1, 2]


def test_the_trail_notes_who_published_which_version_without_copying_the_result(
    as_user, app
) -> None:
    from backoffice.models import AuditEntry

    _publish(as_user("operator"))
    with app.app_context():
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.table_name == "published_assessments")
        ).one()
        assert entry.actor == "operator" and entry.action == "新增"
        assert entry.changes["version"] == [None, 1]
        assert "result" not in entry.changes and "explanations" not in entry.changes
