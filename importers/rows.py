"""Rows that are not data (blank, totals, footnotes, titles) and cells merged down."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from importers.values import is_blank, squeeze
from importers.workbooks import Range

_TOTAL = re.compile(r"^[*※]?(合计|总计|小计|共计|累计)")
_FOOTNOTE = re.compile(
    r"^[*※]?(注|注释|附注|说明|备注|填表说明)(\d+|[一二三四五六七八九十]+)?[:.、]"
)
# A numbered note of a 填表说明 block (1、… 2.… （3）… 十、…): words, not a date or a number.
_NUMBERED_NOTE = re.compile(
    r"^(?:\((?:\d{1,2}|[一二三四五六七八九十]{1,3})\)|(?:\d{1,2}|[一二三四五六七八九十]{1,3})[、.:])"
    r"(?!\d).*[\u3400-\u9fff]"
)


class FillDown:
    """Copy each vertically merged cell's value into the rows it spans, as rows stream by."""

    def __init__(self, merged: Sequence[Range], below: int) -> None:
        # Only merges in the data, below the header, are filled.
        self._starts: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for (r1, c1), (r2, _c2) in merged:
            if r2 > r1 > below:
                self._starts[r1].append((c1, r2))
        self._active: list[tuple[int, int, Any]] = []  # (column, last row, value)

    def __bool__(self) -> bool:
        return bool(self._starts or self._active)

    def apply(self, r: int, row: list[Any]) -> None:
        """Fill row r in place from merges above it, then note merges that start on it."""
        if self._active:
            self._active = [(c, last, value) for c, last, value in self._active if r <= last]
            for c, _last, value in self._active:
                if c < len(row) and is_blank(row[c]):
                    row[c] = value
        for c, last in self._starts.pop(r, ()):
            if c < len(row):
                self._active.append((c, last, row[c]))


def wide_rows(merged: Sequence[Range]) -> frozenset[int]:
    """Return the rows that start a cell merged across three or more columns (titles)."""
    return frozenset(r1 for (r1, c1), (_r2, c2) in merged if c2 - c1 >= 2)


def _numbers_columns(row: Sequence[Any]) -> bool:
    """Tell whether a row numbers the columns (栏次: 1 2 3 … under an official form's
    header), every filled cell one more than the one before, four at least."""
    expected = 1
    for value in row:
        if value is None or value == "":
            continue
        if value.__class__ not in (int, float) or value != expected:
            return False
        expected += 1
    return expected > 4


def skip_reason(row: Sequence[Any], is_wide: bool) -> str | None:
    """Return why a row is not data ('blank', 'total', 'footnote', 'title', 'column
    numbers'), or None."""
    # Runs for every row: look at the first two filled cells only.
    first = second = None
    filled = 0
    for value in row:
        if value is None or (value.__class__ is str and not value.strip()):
            continue
        if first is None:
            first = value
        else:
            second = value
        filled += 1
        if filled > 1:
            break
    if first is None:
        return "blank"
    if first == 1 and first.__class__ in (int, float) and _numbers_columns(row):
        return "column numbers"
    # A total's word comes first, or after the serial number its row was given (2, 合计).
    if second.__class__ is str and first.__class__ in (int, float) and _TOTAL.match(
            squeeze(second)):
        return "total"
    if first.__class__ is str:
        text = squeeze(first)
        if _TOTAL.match(text):
            return "total"
        if filled == 1 and (_FOOTNOTE.match(text) or _NUMBERED_NOTE.match(text)):
            return "footnote"
    if filled == 1 and is_wide:
        return "title"
    return None
