"""A year written by another office, imported with no map, gives the expected report and
assessment: tests/fixtures/expected/<year>.json, figure by figure."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from backoffice.assessment import assess_year
from backoffice.extensions import db
from backoffice.imports import run_import
from backoffice.models import CongressSession
from backoffice.reporting.annual_loading import session_report
from scoring import assessment_json
from tests.other_offices.conftest import load_truth
from tests.other_offices.variants import END_TO_END, YEARS
from tests.scoring.test_sample_years import differences

EXPECTED = Path(__file__).resolve().parents[1] / "fixtures" / "expected"


CASES = [(year, office) for year in YEARS for office in END_TO_END]


@pytest.mark.parametrize(("year", "office"), CASES, ids=[f"{y}-{o}" for y, o in CASES])
def test_another_office_s_year_gives_the_expected_report_and_assessment(
        empty_app, generated_year, year, office):
    folder, _files = generated_year(year, office)
    truth = load_truth(year)
    expected = json.loads((EXPECTED / f"{year}.json").read_text(encoding="utf-8"))
    as_of = date.fromisoformat(truth["as_of"])
    with empty_app.app_context():
        result = run_import(db.session, [folder], "auto", session=truth["session"],
                            year=truth["year"], dry_run=False, actor="test")
        refused = "\n".join(str(p) for p in result.errors[:20])
        assert result.status == "applied", f"{len(result.errors)} errors, first:\n{refused}"
        session = db.session.scalars(
            sa.select(CongressSession).where(CongressSession.name == truth["session"])).one()
        report = json.loads(json.dumps(session_report(db.session, session, as_of).to_json(),
                                       ensure_ascii=False))
        assessment = json.loads(json.dumps(assessment_json(assess_year(db.session, int(year),
                                                                       as_of)),
                                           ensure_ascii=False))
    wrong = [key for key in expected["report"] if report.get(key) != expected["report"][key]]
    assert not wrong, f"report figures differ: {wrong}"
    assert report == expected["report"]
    assert not differences(assessment, expected["assessment"]), "\n".join(
        differences(assessment, expected["assessment"]))
    assert assessment == expected["assessment"]
