"""Read a query's rows in batches from one streaming cursor: no table held in memory."""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

BATCH_SIZE = 2000


def streamed_batches(db_session: orm.Session, statement: sa.Select,
                     order: Sequence[Any], size: int = BATCH_SIZE) -> Iterator[Sequence[sa.Row]]:
    """Yield the statement's rows in `order`, a batch at a time.

    One query, sorted once, read through a server-side cursor on PostgreSQL (SQLite
    steps through its rows as they are fetched): memory holds one batch, and each batch
    costs the same however far into the table it is. Runs on the session's connection:
    its transaction, without the ORM's result handling; the caller may run other
    queries between batches.
    """
    # On the statement, not the connection: set there, streaming would outlive the export
    # and turn every later statement of the transaction into a cursor (an INSERT too).
    result = db_session.connection().execute(
        statement.order_by(*order).execution_options(yield_per=size))
    try:
        yield from result.partitions()
    finally:
        result.close()


def core_columns(columns: Sequence[Any]) -> list[sa.ColumnElement[Any]]:
    """Return the table columns of ORM attributes, as Core result rows are keyed by them."""
    return [getattr(column, "expression", column) for column in columns]
