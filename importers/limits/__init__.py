"""Limits on a workbook, checked before any reader parses it: no bomb reaches calamine.

    from importers.limits import Limits, check_workbook
    check_workbook(path, Limits(rows=500_000))  # raises OverLimit with a Chinese message

The checks are cheap and stream: a zip container's parts are measured by inflating
them a step at a time (declared sizes are not trusted), sheets are scanned as calamine
will read them (`ooxml`, `opendocument`, `biff`), text files are counted (`text`).
The limits themselves and their messages are in `rules`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from importers.limits.biff import check_biff
from importers.limits.ooxml import check_ooxml
from importers.limits.opendocument import check_opendocument
from importers.limits.rules import Limits, OverLimit, check_file_size
from importers.limits.text import check_text

__all__ = ["DEFAULT_LIMITS", "Limits", "OverLimit", "check_workbook"]

DEFAULT_LIMITS = Limits()

# calamine picks its reader by the file's extension; so does the check.
_CHECKS: dict[str, Callable[[Path, Limits], None]] = {
    ".xlsx": check_ooxml,
    ".xlsm": check_ooxml,
    ".ods": check_opendocument,
    ".xls": check_biff,
    ".csv": check_text,
    ".txt": check_text,
}


def check_workbook(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise OverLimit if the file passes a limit, ReadError if it cannot be checked."""
    check_file_size(path.stat().st_size, limits)
    check = _CHECKS.get(path.suffix.lower())
    if check is not None:
        stat = path.stat()
        _checked(check, path.resolve(), stat.st_size, stat.st_mtime_ns, stat.st_ino, limits)


@lru_cache(maxsize=64)
def _checked(check: Callable[[Path, Limits], None], path: Path, _size: int, _mtime: int,
             _inode: int, limits: Limits) -> None:
    # An upload is checked when it arrives, then again by each reader that opens it
    # (a worklist test, the read itself): a file passes once, keyed by its identity.
    check(path, limits)
