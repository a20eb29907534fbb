"""The declarative base and the column helpers every model shares."""

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, MappedColumn, mapped_column

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
