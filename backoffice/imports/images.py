"""Row images as JSON: what an import wrote and what was there before, exact to the value."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa


def encode(value: Any) -> Any:
    """Return a column value as JSON data; a datetime in UTC (SQLite gives it naive)."""
    kind = value.__class__
    if kind is datetime:
        return _moment(value)
    if kind is date:
        return value.isoformat()
    return value


@lru_cache(maxsize=256)
def _moment(value: datetime) -> str:
    # Rows written together share their timestamps: each is formatted once.
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()


_AS_IS = frozenset({str, int, bool, float, type(None)})


def encode_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value if value.__class__ in _AS_IS else encode(value)
            for key, value in row.items()}


def decode(column: sa.Column, value: Any) -> Any:
    """Return a JSON value as the column's Python value."""
    if value is None:
        return None
    if isinstance(column.type, sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, sa.Date):
        return date.fromisoformat(value)
    return value


def decode_row(table: sa.Table, row: dict[str, Any]) -> dict[str, Any]:
    return {key: decode(table.c[key], value) for key, value in row.items()}
