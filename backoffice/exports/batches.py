"""Read a query's rows in batches by keyset, so an export never holds a table in memory."""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

BATCH_SIZE = 2000


def keyset_batches(db_session: orm.Session, statement: sa.Select,
                   key: Sequence[sa.ColumnElement[Any]],
                   size: int = BATCH_SIZE) -> Iterator[Sequence[sa.Row]]:
    """Yield the statement's rows in batches, in the order of `key` (unique, ascending).

    Each batch is its own query (`WHERE key > last key ORDER BY key LIMIT size`): no
    cursor stays open between batches, and each uses the key's index. The statement runs
    on the session's connection (its transaction, without the ORM's result handling).
    """
    key = core_columns(key)
    last: tuple[Any, ...] | None = None
    ordered = statement.order_by(*key).limit(size)
    connection = db_session.connection()
    while True:
        page = ordered if last is None else ordered.where(sa.tuple_(*key) > sa.tuple_(*last))
        rows = connection.execute(page).all()
        if rows:
            yield rows
        if len(rows) < size:
            return
        mapping = rows[-1]._mapping
        last = tuple(mapping[column] for column in key)


def core_columns(columns: Sequence[Any]) -> list[sa.ColumnElement[Any]]:
    """Return the table columns of ORM attributes, as Core result rows are keyed by them."""
    return [getattr(column, "expression", column) for column in columns]
