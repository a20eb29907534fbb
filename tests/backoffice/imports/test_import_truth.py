"""Importing a sample year into an empty database gives exactly the facts of its truth.json."""

import json

import pytest

from backoffice.demo import DATA, YEARS
from backoffice.extensions import db
from backoffice.imports import run_import
from tests.backoffice.imports.db_truth import session_truth, truth_as_stored


@pytest.mark.parametrize("year", sorted(YEARS))
def test_a_sample_year_imports_as_its_truth(empty_app, year):
    truth = json.loads((DATA / year / "truth.json").read_text(encoding="utf-8"))
    with empty_app.app_context():
        result = run_import(db.session, [DATA / year], "auto", session=YEARS[year],
                            year=int(year), dry_run=False, actor="test")
        assert result.status == "applied" and result.errors == []
        # D replies without a sign-off are facts (the assessment counts them), said as such.
        assert {p.message for p in result.warnings} == {
            "留作参考（D类）答复须先经分管副区长阅批，请填写阅批人和阅批日期。"}
        got, want = session_truth(YEARS[year]), truth_as_stored(truth)
        got_opinions = {o["number"]: o for o in got.pop("opinions")}
        want_opinions = {o["number"]: o for o in want.pop("opinions")}
        assert sorted(got_opinions) == sorted(want_opinions)
        for number, opinion in want_opinions.items():
            assert got_opinions[number] == opinion, number
        assert got == want
