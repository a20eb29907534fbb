"""Result files of jobs (exports): written under a temporary name, kept once complete.

The one place that knows where they live, so that they can move to shared storage.
"""

import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO

from flask import current_app


def folder() -> Path:
    path = Path(current_app.config["JOBS_FOLDER"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_result(job_id: int, suffix: str, write: Callable[[IO[bytes]], object]) -> str:
    """Write a job's result file; return its stored name. A failed write leaves no file."""
    stored = f"job-{job_id}-{uuid.uuid4().hex[:8]}{suffix}"
    final = folder() / stored
    partial = final.with_name(final.name + ".part")
    try:
        with partial.open("wb") as part:
            write(part)
        os.replace(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return stored


def result_path(stored: str) -> Path | None:
    """Return the path of a stored result file, or None when it is gone."""
    path = folder() / Path(stored).name
    return path if path.is_file() else None


def remove_result(stored: str | None) -> None:
    if stored:
        (folder() / Path(stored).name).unlink(missing_ok=True)
