"""Handling units, the other names sheets use for them, and their liaisons."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import Base, Versioned, vocabulary_column
from importers.vocabulary import UnitKind


class Unit(Versioned, Base):
    """A handling unit (承办单位): a bureau or a town/street."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[str] = vocabulary_column(UnitKind, name="unit_kind")
    active: Mapped[bool] = mapped_column(default=True)

    aliases: Mapped[list["UnitAlias"]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="UnitAlias.alias"
    )
    liaison_terms: Mapped[list["LiaisonTerm"]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="LiaisonTerm.started_on"
    )

    def __str__(self) -> str:
        return self.name


class UnitAlias(Base):
    """Another name of a unit (全称, 简称) as written in sheets."""

    __tablename__ = "unit_aliases"
    __version_parent__ = "unit"  # edited inside the unit's form

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(sa.String(64), unique=True)

    unit: Mapped[Unit] = relationship(back_populates="aliases")

    def __str__(self) -> str:
        return self.alias


class LiaisonTerm(Versioned, Base):
    """A person's term as a unit's liaison (联络员); an open term has no end."""

    __tablename__ = "liaison_terms"
    __version_parent__ = "unit"
    __table_args__ = (
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ordered_dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    person: Mapped[str] = mapped_column(sa.String(32))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    email: Mapped[str | None] = mapped_column(sa.String(128))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]

    unit: Mapped[Unit] = relationship(back_populates="liaison_terms")

    def __str__(self) -> str:
        return f"{self.person}（{self.started_on}起）"
