"""Result files of jobs (exports, documents), kept in the shared storage (`backoffice/
storage`) under `documents/`, so that whichever app server answers hands them out, and a
backup takes them along.

A result is written whole to a local temporary file first and stored only once complete:
a failed write stores nothing.
"""

import tempfile
import uuid
from collections.abc import Callable
from typing import IO, BinaryIO

from backoffice.storage import StoredFileMissing, storage


def write_result(job_id: int, suffix: str, write: Callable[[IO[bytes]], object]) -> str:
    """Write a job's result file; return its storage key."""
    key = f"documents/job-{job_id}-{uuid.uuid4().hex[:8]}{suffix}"
    with tempfile.TemporaryFile() as part:
        write(part)
        part.seek(0)
        storage().put(key, part)
    return key


def open_result(key: str) -> BinaryIO | None:
    """Return a stored result file to read, or None when it is gone."""
    try:
        return storage().open(key)
    except StoredFileMissing:
        return None
