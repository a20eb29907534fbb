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
    cursor stays open between batches, and each uses the key's index.
    """
    last: tuple[Any, ...] | None = None
    ordered = statement.order_by(*key).limit(size)
    while True:
        page = ordered if last is None else ordered.where(sa.tuple_(*key) > sa.tuple_(*last))
        rows = db_session.execute(page).all()
        if rows:
            yield rows
        if len(rows) < size:
            return
        mapping = rows[-1]._mapping
        last = tuple(mapping[column] for column in key)
