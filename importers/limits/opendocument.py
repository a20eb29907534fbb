"""Check an .ods before calamine reads it: its parts, its sheets, its cells' extent.

OpenDocument writes a run of equal rows or cells once, with a repeat count. calamine
drops the empty runs that end a row or a sheet (LibreOffice ends every sheet with about
a million empty rows, 1,024 cells wide) but writes out every other run in full: a value
repeated across 16,384 columns on a million rows is a grid of 2**34 cells. So the
extent here runs to the last cell that holds something, repeats included.
"""

from __future__ import annotations

from pathlib import Path

from importers.limits.rules import Extent, Limits, Tally, check_sheet_count
from importers.limits.xmlscan import local, scan, text
from importers.limits.zips import Container
from importers.problems import CORRUPT, ReadError

CONTENT = "content.xml"  # the part calamine reads the sheets from
_CELLS = frozenset({"table-cell", "covered-table-cell"})
# A cell holds something when it carries a value or a formula, or any element (text).
_VALUES = frozenset({"value-type", "value", "date-value", "time-value", "boolean-value",
                     "string-value", "formula"})


def check_opendocument(path: Path, limits: Limits) -> None:
    """Raise OverLimit (or ReadError) if the workbook passes a limit or cannot be checked."""
    container = Container(path, limits)
    parts = container.measure(b"")
    tally = Tally(limits)
    for part in parts:
        if part.name.lower() == CONTENT:
            tables = _Tables(tally)
            scan(container.inflate(part.info), tables.start, tables.end, part.name)


class _Tables:
    """Follow a content part's tables, rows and cells, repeats counted."""

    def __init__(self, tally: Tally) -> None:
        self.tally, self.limits = tally, tally.limits
        self.sheets = 0
        self.depth = 0  # tables open (a table inside a table reads as part of it)
        self.sheet = ""
        self.extent = Extent()
        self.row = 0  # rows before the current one, repeats included
        self.row_repeats = 0  # of the open row; 0 when no row is open
        self.row_used = 0  # the last column that holds something in the open row
        self.column = 0  # columns before the current cell, repeats included
        self.cell_repeats = 0  # of the open cell; 0 when no cell is open
        self.cell_used = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.cell_repeats:
            self.cell_used = True  # an element inside a cell: text, a link, a note
            return
        tag = local(name)
        if tag == "table":
            self._open_table(attrs)
        elif not self.depth:
            return
        elif tag == "table-row":
            self.row_repeats = self._count(attrs, "table:number-rows-repeated")
            self.row_used = self.column = 0
        elif tag in _CELLS and self.row_repeats:
            self.cell_repeats = self._count(attrs, "table:number-columns-repeated")
            self.cell_used = any(local(key) in _VALUES for key in attrs)

    def end(self, name: str) -> None:
        tag = local(name)
        if self.cell_repeats:
            if tag not in _CELLS:
                return
            if self.cell_used:
                self.row_used = self.column + self.cell_repeats
            self.column += self.cell_repeats
            self.cell_repeats = 0
        elif tag == "table-row" and self.row_repeats:
            if self.row_used:
                self.extent.grow(self.row + self.row_repeats, self.row_used)
                if (self.extent.rows > self.limits.rows
                        or self.extent.columns > self.limits.columns):
                    self.tally.used(self.sheet, self.extent)  # raises, naming the limit
            self.row += self.row_repeats
            self.row_repeats = 0
        elif tag == "table" and self.depth:
            self.depth -= 1
            if not self.depth:
                self.tally.used(self.sheet, self.extent)

    def _open_table(self, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > 1:
            return
        self.sheets += 1
        check_sheet_count(self.sheets, self.limits)
        self.sheet = text(attrs.get("table:name", f"第{self.sheets}个工作表"))
        self.extent = Extent()
        self.row = self.row_repeats = 0

    def _count(self, attrs: dict[str, str], key: str) -> int:
        value = attrs.get(key, "1")
        if len(value) > 10 or not (value.isascii() and value.isdigit()) or int(value) < 1:
            raise ReadError(f"{CORRUPT}（工作表“{self.sheet}”的重复次数“{value[:20]}”有误）")
        return int(value)
