"""Publish a year's result: freeze it with its rules, who and when, as a new version.

A published version is plain JSON (a `Snapshot`), so later changes to opinions, rules or
code never alter it; publishing again adds the next version, and the page of a version
shows what changed since the one before.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice.assessment.changes import Change, UnitRow, compare_results, rule_changes
from backoffice.assessment.snapshots import Snapshot, snapshot
from backoffice.assessment.year import assess_year
from backoffice.models import PublishedAssessment
from backoffice.models.security import SecurityEventKind
from backoffice.security import log
from scoring.wording import day


def publish(db_session: orm.Session, year: int, as_of: date, actor: str) -> PublishedAssessment:
    """Assess the year on as_of under its stored rules and store it as the next version.

    The caller commits; two admins publishing at once collide on (year, version).
    """
    frozen = snapshot(assess_year(db_session, year, as_of))
    latest = db_session.scalar(
        sa.select(sa.func.max(PublishedAssessment.version)).where(PublishedAssessment.year == year)
    )
    published = PublishedAssessment(
        year=year,
        version=(latest or 0) + 1,
        as_of=as_of,
        published_by=actor,
        rules=frozen.rules,
        result=frozen.result,
        explanations=frozen.explanations,
    )
    db_session.add(published)
    db_session.flush()
    log.record(db_session, SecurityEventKind.PUBLISHED, username=actor,
               object=f"{year}年度考核结果第{published.version}版", detail=f"截至{as_of}")
    return published


def frozen(published: PublishedAssessment) -> Snapshot:
    """Return a published version as it was frozen."""
    return Snapshot(
        published.year,
        published.as_of,
        published.rules,
        published.result,
        published.explanations,
    )


def publications(db_session: orm.Session) -> list[PublishedAssessment]:
    """Return every published version, newest year and version first."""
    query = sa.select(PublishedAssessment).order_by(
        PublishedAssessment.year.desc(), PublishedAssessment.version.desc()
    )
    return list(db_session.scalars(query))


def previous_version(
    db_session: orm.Session, published: PublishedAssessment
) -> PublishedAssessment | None:
    """Return the version published just before this one for the same year."""
    query = (
        sa.select(PublishedAssessment)
        .where(
            PublishedAssessment.year == published.year,
            PublishedAssessment.version < published.version,
        )
        .order_by(PublishedAssessment.version.desc())
        .limit(1)
    )
    return db_session.scalar(query)


@dataclass(frozen=True, slots=True)
class VersionChanges:
    """What a version changed since the previous one: the day, the rules, the units."""

    previous: PublishedAssessment
    general: tuple[Change, ...]  # the as_of day and the rules
    units: tuple[UnitRow, ...]  # every unit, changed or not, in the new rank order

    @property
    def changed_units(self) -> tuple[UnitRow, ...]:
        return tuple(row for row in self.units if row.changed)


def version_changes(
    db_session: orm.Session, published: PublishedAssessment
) -> VersionChanges | None:
    """Return what changed since the previous version; None for a first version."""
    previous = previous_version(db_session, published)
    if previous is None:
        return None
    general = []
    if previous.as_of != published.as_of:
        general.append(Change("考核截止日", day(previous.as_of), day(published.as_of)))
    general += rule_changes(previous.rules, published.rules)
    return VersionChanges(
        previous, tuple(general), tuple(compare_results(previous.result, published.result))
    )
