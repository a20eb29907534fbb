"""Each year's assessment rules, stored in the database and edited by admins.

The 2016 and 2017 defaults are seeded by migration 0003; a year without its own
ruleset is assessed with the nearest earlier year's.
"""

import sqlalchemy as sa
from sqlalchemy import orm

import scoring
from backoffice.models import AssessmentRuleset


class StaleRuleset(ValueError):
    """The year's rules were saved by someone else after the form was opened."""


class InvalidRuleset(ValueError):
    """The ruleset breaks a rule of `Ruleset.validate()`; the messages are in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


def stored_rulesets(db_session: orm.Session) -> list[scoring.Ruleset]:
    """Return every stored ruleset, earliest year first."""
    rows = db_session.scalars(sa.select(AssessmentRuleset).order_by(AssessmentRuleset.year))
    return [scoring.Ruleset.from_dict(row.rules) for row in rows]


def ruleset_for_year(db_session: orm.Session, year: int) -> scoring.Ruleset:
    """Return the year's ruleset, or the nearest earlier year's; LookupError when none."""
    return scoring.ruleset_for(year, stored_rulesets(db_session))


def has_own_ruleset(db_session: orm.Session, year: int) -> bool:
    """Tell whether the year has a ruleset of its own (not one borrowed from before)."""
    query = sa.select(AssessmentRuleset.id).where(AssessmentRuleset.year == year)
    return db_session.scalar(query) is not None


def stored_version(db_session: orm.Session, year: int) -> int:
    """Return the version of the year's own ruleset (0: it has none yet)."""
    query = sa.select(AssessmentRuleset.version).where(AssessmentRuleset.year == year)
    return db_session.scalar(query) or 0


def save_ruleset(db_session: orm.Session, ruleset: scoring.Ruleset, actor: str,
                 expected_version: int | None = None) -> None:
    """Store a year's ruleset, replacing its own if it has one; the caller commits.

    Raise InvalidRuleset, changing nothing, when the ruleset is not sound, and
    StaleRuleset when expected_version (the one the form was opened on) is no longer it.
    """
    problems = ruleset.validate()
    if problems:
        raise InvalidRuleset(problems)
    row = db_session.scalar(
        sa.select(AssessmentRuleset).where(AssessmentRuleset.year == ruleset.year)
    )
    if expected_version is not None and (row.version if row else 0) != expected_version:
        raise StaleRuleset(f"{ruleset.year}年度考核规则")
    if row is None:
        row = AssessmentRuleset(year=ruleset.year)
        db_session.add(row)
    row.rules = ruleset.to_dict()
    row.updated_by = actor
