"""The year-end assessment's stored data: each year's rules and each published result."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.models.base import Base, Versioned, utcnow


class AssessmentRuleset(Versioned, Base):
    """The rules of one year's assessment, as `scoring.Ruleset.to_dict()` gives them.

    A year without a row is assessed with the nearest earlier year's rules.
    """

    __tablename__ = "assessment_rulesets"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    rules: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    updated_by: Mapped[str] = mapped_column(sa.String(64), default="")

    def __str__(self) -> str:
        return f"{self.year}年度考核规则"


class PublishedAssessment(Base):
    """A published result, frozen: later data or rule changes never alter it.

    `rules` is the ruleset used, `result` the assessment in the CLI's JSON shape, and
    `explanations` each unit's explanation sentences with the opinions behind them.
    """

    __tablename__ = "published_assessments"
    __table_args__ = (sa.UniqueConstraint("year", "version"),)
    # The frozen result is the record itself; the trail notes who published which version.
    __audit_omit__ = frozenset({"result", "explanations"})

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    version: Mapped[int]
    as_of: Mapped[date]
    published_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    published_by: Mapped[str] = mapped_column(sa.String(64))
    rules: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    result: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    explanations: Mapped[dict[str, Any]] = mapped_column(sa.JSON)

    def __str__(self) -> str:
        return f"{self.year}年度考核结果（第{self.version}版）"
