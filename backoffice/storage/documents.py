"""Generated documents (a job's report, notice or export), kept for their download."""

from __future__ import annotations

import uuid
from typing import BinaryIO

from sqlalchemy import orm

from backoffice.storage import staging


def keep(db_session: orm.Session, suffix: str, stream: BinaryIO) -> str:
    """Store a document, published when db_session commits; return its key.

    The key is generated (`documents/<random>.xlsx`); the name it is downloaded under
    belongs with the row that records it.
    """
    key = f"documents/{uuid.uuid4().hex}{suffix.lower()}"
    staging.stage(db_session, key, stream)
    return key
