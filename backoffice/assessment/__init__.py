"""The year-end assessment in the back-office: facts from the database, stored rules,
published results. The scoring itself is `scoring`'s; this package feeds and keeps it."""

from backoffice.assessment.facts import opinion_ids, year_facts
from backoffice.assessment.rulesets import (
    InvalidRuleset,
    StaleRuleset,
    has_own_ruleset,
    ruleset_for_year,
    save_ruleset,
    stored_rulesets,
    stored_version,
)
from backoffice.assessment.year import assess_year, check_year, default_as_of

__all__ = [
    "InvalidRuleset",
    "StaleRuleset",
    "assess_year",
    "check_year",
    "default_as_of",
    "has_own_ruleset",
    "opinion_ids",
    "ruleset_for_year",
    "save_ruleset",
    "stored_rulesets",
    "stored_version",
    "year_facts",
]
