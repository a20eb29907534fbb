"""Files written with a database change: published when it commits, removed when not.

`stage` writes the file under a temporary key at once (so a full disk or a failed
upload refuses the change before anything is committed); the session's commit moves it
to its key, and a transaction that ends any other way (rolled back, closed) removes it.
Nothing a failed save wrote is left behind, and nothing published lacks its row.
"""

from __future__ import annotations

import logging
from typing import BinaryIO

from sqlalchemy import event, orm

from backoffice.storage import Storage, storage
from backoffice.storage.base import StorageError, temporary_key

_STAGED = "staged_files"
logger = logging.getLogger(__name__)


def stage(session: orm.Session | orm.scoped_session, key: str, stream: BinaryIO,
          store: Storage | None = None) -> int:
    """Write the stream for key, to be published when session commits; return its size."""
    if isinstance(session, orm.scoped_session):
        session = session()
    store = store or storage()
    temporary = temporary_key(key)
    size = store.put(temporary, stream)
    if not session.in_transaction():
        # Tied to a transaction, so that a rollback before any other work removes it too.
        session.begin()
    session.info.setdefault(_STAGED, []).append((store, temporary, key))
    return size


def listen() -> None:
    """Publish or remove staged files with every ORM session; safe to call once per app."""
    for name, listener in (("after_commit", _publish),
                           ("after_transaction_end", _discard)):
        if not event.contains(orm.Session, name, listener):
            event.listen(orm.Session, name, listener)


def _publish(session: orm.Session) -> None:
    for store, temporary, key in session.info.pop(_STAGED, []):
        try:
            store.move(temporary, key)
        except (OSError, StorageError):
            # Committed already: the file stays under its temporary key to be recovered.
            logger.exception("已提交的文件 %s 未能从 %s 移到原位", key, temporary)


def _discard(session: orm.Session, transaction: orm.SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    for store, temporary, _key in session.info.pop(_STAGED, []):
        try:
            store.delete(temporary)
        except (OSError, StorageError):
            logger.exception("未提交的临时文件 %s 未能删除", temporary)
