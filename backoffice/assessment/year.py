"""Assess a year from the database: its facts on a day, under its stored rules."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy import orm

import scoring
from backoffice.assessment.facts import year_facts
from backoffice.assessment.rulesets import ruleset_for_year
from backoffice.models import CongressSession
from importers.clock import local_today
from scoring.wording import day


def default_as_of(year: int, today: date | None = None) -> date:
    """Return the day a year is assessed on unless told otherwise.

    A past year is assessed at its end (31 December); the year in progress as of today,
    since the office runs the assessment in December before the year closes (the
    samples were run on 2016-12-16 and 2017-12-15).
    """
    return min(today or local_today(), date(year, 12, 31))


def check_year(db_session: orm.Session, year: int, as_of: date) -> None:
    """Raise ValueError, in Chinese, when the year has no session or as_of precedes it."""
    query = sa.select(CongressSession.id).where(CongressSession.year == year).limit(1)
    if db_session.scalar(query) is None:
        raise ValueError(f"没有{year}年的届次会议，无法考核。")
    if as_of < date(year, 1, 1):
        raise ValueError(f"考核截止日{day(as_of)}早于{year}年，请填写{year}年内或之后的日期。")


def assess_year(
    db_session: orm.Session,
    year: int,
    as_of: date | None = None,
    ruleset: scoring.Ruleset | None = None,
) -> scoring.Assessment:
    """Assess the year on as_of (default: `default_as_of`) under its stored ruleset.

    A `ruleset` passed in replaces the stored one (what-if); nothing is written.
    """
    facts = year_facts(db_session, year, as_of or default_as_of(year))
    return scoring.assess(facts, ruleset or ruleset_for_year(db_session, year))


def assessment_years(db_session: orm.Session) -> list[int]:
    """Return the years that have a congress session, latest first."""
    query = sa.select(CongressSession.year).distinct().order_by(CongressSession.year.desc())
    return list(db_session.scalars(query))
