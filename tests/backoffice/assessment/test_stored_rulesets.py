"""Rulesets live in the database: shipped with the 2016 and 2017 defaults, a year without
its own borrows the nearest earlier year's, and admins edit them in a checked form."""

from dataclasses import replace

import pytest
import sqlalchemy as sa

from backoffice.assessment import (
    InvalidRuleset,
    has_own_ruleset,
    ruleset_for_year,
    save_ruleset,
    stored_rulesets,
)
from backoffice.extensions import db
from backoffice.models import AssessmentRuleset, AuditEntry
from scoring import DEFAULT_RULESETS, Tier
from scoring.rules import RULESET_2017
from tests.backoffice.html_forms import form_data

RULES = "/admin/assessment/rules/"


def test_defaults_are_shipped_and_a_year_borrows_the_nearest_earlier_rules(app) -> None:
    with app.app_context():
        assert stored_rulesets(db.session) == list(DEFAULT_RULESETS)
        assert ruleset_for_year(db.session, 2016) == DEFAULT_RULESETS[0]
        assert ruleset_for_year(db.session, 2019) == RULESET_2017
        assert not has_own_ruleset(db.session, 2019)
        with pytest.raises(LookupError, match="没有2015年或更早年度的考核规则"):
            ruleset_for_year(db.session, 2015)

        rules_2018 = replace(
            RULESET_2017, year=2018, advanced=8, tiers=(Tier(8, RULESET_2017.tiers[0].bonus),)
        )
        save_ruleset(db.session, rules_2018, "tester")
        db.session.commit()
        assert ruleset_for_year(db.session, 2019) == rules_2018
        assert ruleset_for_year(db.session, 2017) == RULESET_2017

        unsound = replace(rules_2018, advanced=9)
        with pytest.raises(InvalidRuleset) as refused:
            save_ruleset(db.session, unsound, "tester")
        assert refused.value.problems == ["各档名额之和（8）须等于先进单位数（9）。"]
        assert ruleset_for_year(db.session, 2018) == rules_2018


def _field_messages(page: str, name: str) -> str:
    """Return the markup from the field's input to the next field's row."""
    start = page.index(f'name="{name}"')
    end = page.find('class="form-group', start)
    return page[start : end if end != -1 else None]


def test_admin_edits_rules_in_the_form_with_messages_by_the_fields(as_user, app) -> None:
    client = as_user("operator")
    page = client.get(f"{RULES}?year=2018").get_data(as_text=True)
    assert "2018年尚无专门的考核规则，沿用2017年度规则。" in page
    data = form_data(page)
    assert data["year"] == "2018" and data["advanced"] == "12"

    bad = {**data, "advanced": "13", "lead_weights.satisfaction": "0", "praise_cap": "五"}
    refused = client.post(f"{RULES}save/", data=bad)
    assert refused.status_code == 200
    page = refused.get_data(as_text=True)
    assert "保存失败：请按提示更正标出的规则。" in page
    # Unreadable numbers are named first; the rules are checked once every number reads.
    assert "表扬加分上限须为数字，“五”不是数字。" in _field_messages(page, "praise_cap")
    assert 'value="五"' in page  # what was typed stays in the form
    fixed = {**bad, "praise_cap": "5"}
    page = client.post(f"{RULES}save/", data=fixed).get_data(as_text=True)
    assert "满意度权重须为正数。" in _field_messages(page, "lead_weights.satisfaction")
    tiers = page[page.index("先进单位档次") :]
    assert "各档名额之和（12）须等于先进单位数（13）。" in tiers[: tiers.index("<table")]
    with app.app_context():
        assert not has_own_ruleset(db.session, 2018)

    good = {**data, "min_score": "85", "downgrade_overdue": ""}
    saved = client.post(f"{RULES}save/", data=good)
    assert saved.status_code == 302
    assert "已保存2018年度考核规则。" in client.get(saved.location).get_data(as_text=True)
    with app.app_context():
        rules = ruleset_for_year(db.session, 2018)
        assert rules == replace(RULESET_2017, year=2018, min_score=85, downgrade_overdue=None)
        row = db.session.scalar(sa.select(AssessmentRuleset).where(AssessmentRuleset.year == 2018))
        assert row.updated_by == "operator"
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.table_name == "assessment_rulesets")
        )
        assert entry.actor == "operator" and entry.action == "新增"
