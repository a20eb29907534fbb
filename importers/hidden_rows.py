"""Rows an .xlsx keeps hidden: calamine reads them like any other.

A sheet saved while filtered (筛选) hides the rows filtered out; the person who sent it
saw only the rest. They are read all the same (the file holds them), and the reader says
which were hidden, so that nobody imports unseen rows unawares. Searched in the sheet's
XML, cheaply first: nearly every sheet hides no row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from importers.limits.ooxml import searched_sheets
from importers.limits.rules import Limits
from importers.limits.zips import Container

_HIDDEN = re.compile(rb'hidden="(?:1|true)"')
_ROW = re.compile(rb'<row\b([^>]*)>')
_NUMBER = re.compile(rb'\br="([0-9]{1,7})"')


def hidden_rows(path: Path, limits: Limits) -> dict[str, frozenset[int]]:
    """Return, by sheet name, the rows (0-based) an .xlsx or .xlsm hides (none for other
    formats)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    return searched_sheets(Container(path, limits), _suspect,
                           lambda data: frozenset(_hidden(data)))


def _suspect(chunks: Iterator[bytes]) -> bool:
    """Tell whether a part may hide a row (or a column: told apart later)."""
    tail = b""
    for chunk in chunks:
        if _HIDDEN.search(tail + chunk):
            return True
        tail = chunk[-32:]
    return False


def _hidden(data: bytes) -> Iterator[int]:
    for attributes in _ROW.findall(data):
        number = _NUMBER.search(attributes)
        if number and _HIDDEN.search(attributes):
            yield int(number.group(1)) - 1
