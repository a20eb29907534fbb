"""The declarative base and the column helpers every model shares."""

from datetime import UTC, datetime
from enum import StrEnum
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, declared_attr, mapped_column

# Named constraints let Alembic alter and drop them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


@cache
def lock_counters() -> frozenset[str]:
    """Return the tables of Versioned records: their `version` is an optimistic-lock
    counter, not data (a published assessment's `version` is data)."""
    return frozenset(mapper.local_table.name for mapper in Base.registry.mappers
                     if issubclass(mapper.class_, Versioned))


class Versioned:
    """A record edited on screens: its version goes up on every change, and a change made
    from a stale copy fails instead of overwriting a newer one (optimistic locking)."""

    version: Mapped[int] = mapped_column(default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


def vocabulary_column(
    vocabulary: type[StrEnum], *, name: str, nullable: bool = False, **kwargs
) -> MappedColumn:
    """Map a column whose values are constrained to a vocabulary by a CHECK in the database."""
    values = [member.value for member in vocabulary]
    return mapped_column(
        sa.Enum(
            *values,
            name=name,
            native_enum=False,
            create_constraint=True,
            validate_strings=True,
            length=max(len(v) for v in values) * 4,
        ),
        nullable=nullable,
        **kwargs,
    )
