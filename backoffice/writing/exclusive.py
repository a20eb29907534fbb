"""Keeping screen writers out while a bulk write checks, then writes.

An import or an undo first checks that the data is still what it expects (nothing changed
since the preview, nothing changed since the import), then writes rows it reads afresh.
A form saved in between would be overwritten without a word, so from before the check to
the commit the bulk write holds the database's write lock on the records edited on
screens. A form that saves meanwhile waits, then finds its copy a version behind and is
refused like any stale form; reading is never held up.
"""

from sqlalchemy import orm

from backoffice.models.base import lock_counters


def keep_writers_out(db_session: orm.Session) -> None:
    """Hold the write lock on every `Versioned` table until this transaction ends."""
    connection = db_session.connection()
    dialect = connection.dialect
    if dialect.name == "postgresql":
        # SHARE ROW EXCLUSIVE: readers pass; UPDATE/INSERT/DELETE and other bulk writes wait.
        tables = ", ".join(dialect.identifier_preparer.quote(name)
                           for name in sorted(lock_counters()))
        connection.exec_driver_sql(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
    elif dialect.name == "sqlite":
        # SQLite locks the whole file. The driver opens a transaction only before its
        # first write, and that write already took the lock; before it, take it now.
        if not connection.connection.driver_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        raise NotImplementedError(f"no write lock for {dialect.name}")
