"""Rows that are not data (blank, totals, footnotes, titles) and cells merged down."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from importers.values import as_text, is_blank, squeeze
from importers.workbooks import Range

_TOTAL = re.compile(r"^[*※]?(合计|总计|小计|共计|累计)")
_FOOTNOTE = re.compile(
    r"^[*※]?(注|注释|附注|说明|备注|填表说明)(\d+|[一二三四五六七八九十]+)?[:.、]"
)


def fill_down(rows: list[list[Any]], merged: Sequence[Range], below: int) -> None:
    """Copy each vertically merged cell's value into the rows it spans, below a header."""
    for (r1, c1), (r2, _c2) in merged:
        if r2 <= r1 or r1 <= below or r1 >= len(rows) or c1 >= len(rows[r1]):
            continue
        value = rows[r1][c1]
        for r in range(r1 + 1, min(r2, len(rows) - 1) + 1):
            row = rows[r]
            if c1 < len(row) and is_blank(row[c1]):
                row[c1] = value


def wide_rows(merged: Sequence[Range]) -> frozenset[int]:
    """Return the rows that start a cell merged across three or more columns (titles)."""
    return frozenset(r1 for (r1, c1), (_r2, c2) in merged if c2 - c1 >= 2)


def skip_reason(row: Sequence[Any], is_wide: bool) -> str | None:
    """Return why a row is not data ('blank', 'total', 'footnote', 'title'), or None."""
    filled = [value for value in row if not is_blank(value)]
    if not filled:
        return "blank"
    first = squeeze(as_text(filled[0]))
    if _TOTAL.match(first):
        return "total"
    if len(filled) == 1 and _FOOTNOTE.match(first):
        return "footnote"
    if len(filled) == 1 and is_wide:
        return "title"
    return None
