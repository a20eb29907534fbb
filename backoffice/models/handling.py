"""What happens to an opinion after assignment: contacts, progress reports, evaluations."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, vocabulary_column
from backoffice.models.opinions import Opinion
from importers.vocabulary import ContactMethod, ContactStage, Grade


class Contact(Base):
    """A contact with the deputy (沟通走访) before, during or after handling."""

    __tablename__ = "contacts"
    __version_parent__ = "opinion"  # edited inside the opinion's form

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("opinions.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = vocabulary_column(ContactStage, name="contact_stage")
    method: Mapped[str] = vocabulary_column(ContactMethod, name="contact_method")
    contacted_on: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    opinion: Mapped[Opinion] = relationship(back_populates="contacts")

    def __str__(self) -> str:
        return f"{self.stage}沟通 {self.contacted_on} {self.method}"


class ProgressReport(Base):
    """A progress report (进展反馈) to the deputy on a B or C opinion."""

    __tablename__ = "progress_reports"
    __version_parent__ = "opinion"

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("opinions.id", ondelete="CASCADE"), index=True
    )
    reported_on: Mapped[date]
    text: Mapped[str] = mapped_column(sa.String(1000), default="")

    opinion: Mapped[Opinion] = relationship(back_populates="progress_reports")

    def __str__(self) -> str:
        return f"进展反馈 {self.reported_on}"


class Evaluation(Base):
    """One deputy feedback on the reply; the latest one carries the opinion's grade."""

    __tablename__ = "evaluations"
    __version_parent__ = "opinion"
    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("opinions.id", ondelete="CASCADE"), index=True
    )
    evaluated_on: Mapped[date]
    agrees: Mapped[bool] = mapped_column(index=True)
    grade: Mapped[str | None] = vocabulary_column(Grade, name="grade", nullable=True)
    praised: Mapped[bool] = mapped_column(default=False)
    consents_to_publish: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    opinion: Mapped[Opinion] = relationship(back_populates="evaluations")

    def __str__(self) -> str:
        stance = "同意" if self.agrees else "不同意"
        return f"代表评价 {self.evaluated_on} {stance}{f' {self.grade}' if self.grade else ''}"
