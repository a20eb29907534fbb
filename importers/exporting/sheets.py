"""One worksheet written as rows stream by: title row, frozen header, typed cells, locks.

A `Column` says how to write one column; a `SheetWriter` writes a sheet of them through
xlsxwriter in constant-memory mode, so each row goes to disk as soon as the next
begins. Widths come from the header and the first rows; the formats of the empty rows
below the data leave them editable, so a sheet doubles as a template to fill in.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from importers.clock import wall_clock
from importers.exporting.safety import FORMULA_TRIGGERS

CellType = Literal["text", "date", "auto"]
Put = Callable[[int, Any], Any]

TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 0, 1, 2
LAST_ROW = 1_048_575  # Excel's last row, 0-based: validations cover every row below the header
WIDTH_SAMPLE_ROWS = 200  # widths fit the header and this many first rows
MIN_WIDTH = 6
DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
LOCKED_FILL = "#F2F2F2"  # locked data cells are grey: the office's, not to be changed


@dataclass
class Column:
    """How one column is written: its header, cell type, conversion, lock and checks."""

    header: str
    type: CellType = "auto"
    convert: Callable[[Any], Any] | None = None  # value -> what the cell holds
    locked: bool = False  # in the rows written; rows added below stay editable
    width: float | None = None  # None: fitted to the header and the first rows
    min_width: float = MIN_WIDTH
    max_width: float = 50
    validation: dict[str, Any] | None = None  # xlsxwriter data_validation options
    required: bool = False  # the header is shown in red
    how: str = ""  # how to fill it in, for an instructions sheet


class Formats:
    """The workbook's cell formats, made once per combination."""

    def __init__(self, book: Workbook) -> None:
        self._book = book
        self._made: dict[tuple[Any, ...], Format] = {}

    def get(self, role: str, *, locked: bool = True, quoted: bool = False,
            number: str | None = None, required: bool = False) -> Format:
        key = (role, locked, quoted, number, required)
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self._book.add_format(
                _properties(role, locked, quoted, number, required))
        return made


def _properties(role: str, locked: bool, quoted: bool, number: str | None,
                required: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {"locked": locked, "valign": "top"}
    if role == "title":
        properties.update(bold=True, font_size=14, valign="vcenter")
    elif role == "heading":
        properties.update(bold=True, font_size=12, valign="vcenter")
    elif role == "note":
        properties.update(text_wrap=True)
    elif role == "header":
        properties.update(bold=True, bg_color="#DDEBF7", border=1, text_wrap=True,
                          align="center", valign="vcenter")
        if required:
            properties["font_color"] = "#C00000"
    elif role == "text":
        properties["num_format"] = "@"  # an empty text column: what is typed stays text
    if role in ("cell", "value") and locked:
        properties["bg_color"] = LOCKED_FILL
    if quoted:
        # Excel's own "this is text" mark: shown without the quote, kept as text on edit.
        properties["quote_prefix"] = True
    if number:
        properties["num_format"] = number
    return properties


_BAD_SHEET_CHARACTERS = str.maketrans({ch: "_" for ch in "[]:*?/\\"})


def sheet_name(name: str) -> str:
    """Return a name Excel accepts for a sheet: no []:*?/\\, at most 31 characters."""
    return name.translate(_BAD_SHEET_CHARACTERS).strip("'")[:31] or "Sheet1"


def display_width(text: str) -> int:
    """Return how many narrow characters wide text shows (a Chinese character is two)."""
    longest = 0
    for line in text.split("\n"):
        width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        longest = max(longest, width)
    return longest


class SheetWriter:
    """Write one sheet: title, header, then each row as it comes; `finish` closes it."""

    def __init__(self, book: Workbook, formats: Formats, name: str,
                 columns: Sequence[Column], title: str | None = None,
                 freeze_columns: int = 0) -> None:
        self.name = name
        self.columns = list(columns)
        self.title = title
        self.rows_written = 0
        self._sheet: Worksheet = book.add_worksheet(name)
        self._formats = formats
        self._freeze_columns = freeze_columns
        self._widths = [display_width(c.header) + 2 for c in self.columns]
        self._puts = [self._put_for(index, column) for index, column in enumerate(self.columns)]
        self._write_top()

    def activate(self) -> None:
        """Make this the sheet Excel shows on opening."""
        self._sheet.activate()

    # -- writing ---------------------------------------------------------------------------
    def write_rows(self, rows: Iterable[Sequence[Any]]) -> int:
        """Write every row below those already written; return how many were written."""
        before = self.rows_written
        r = FIRST_DATA_ROW + self.rows_written
        puts = self._puts
        sampled = WIDTH_SAMPLE_ROWS - self.rows_written
        for row in rows:
            if sampled > 0:
                self._measure(r, row)
                sampled -= 1
            else:
                for put, value in zip(puts, row, strict=False):
                    if value is not None:
                        put(r, value)
            r += 1
        self.rows_written = r - FIRST_DATA_ROW
        return self.rows_written - before

    def _measure(self, r: int, row: Sequence[Any]) -> None:
        widths = self._widths
        for c, (put, value) in enumerate(zip(self._puts, row, strict=False)):
            if value is None:
                continue
            written = put(r, value)
            if written.__class__ is str:
                widths[c] = max(widths[c], display_width(written) + 2)

    def finish(self) -> None:
        """Set widths, filter, frozen header, validations and protection."""
        sheet = self._sheet
        last_column = len(self.columns) - 1
        for c, column in enumerate(self.columns):
            width = column.width or min(max(self._widths[c], column.min_width),
                                        column.max_width)
            sheet.set_column(c, c, width, self._blank_format(column))
            if column.validation:
                sheet.data_validation(FIRST_DATA_ROW, c, LAST_ROW, c, column.validation)
        sheet.freeze_panes(FIRST_DATA_ROW, self._freeze_columns)
        sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + max(self.rows_written, 1), last_column)
        if any(column.locked for column in self.columns):
            # No password: the lock keeps the office's columns from being changed by
            # mistake, while every cell a unit fills in is left unlocked.
            sheet.protect("", {
                "autofilter": True, "sort": False, "format_columns": True,
                "format_rows": True, "select_locked_cells": True,
                "select_unlocked_cells": True,
            })

    # -- the top rows ----------------------------------------------------------------------
    def _write_top(self) -> None:
        sheet, formats = self._sheet, self._formats
        sheet.set_row(TITLE_ROW, 30)
        if self.title:
            fmt = formats.get("title", quoted=_risky(self.title))
            if len(self.columns) > 1:
                # merge_range writes through write(), which would start a formula: write
                # the merged cell empty, then the title as a string.
                sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, len(self.columns) - 1, "", fmt)
            sheet.write_string(TITLE_ROW, 0, self.title, fmt)
        for c, column in enumerate(self.columns):
            fmt = formats.get("header", quoted=_risky(column.header), required=column.required)
            sheet.write_string(HEADER_ROW, c, column.header, fmt)

    def _blank_format(self, column: Column) -> Format:
        """Return the format of the column's empty cells: editable, typed like the column."""
        if column.type == "date":
            return self._formats.get("value", locked=False, number=DATE_FORMAT)
        if column.type == "text":
            return self._formats.get("text", locked=False)
        return self._formats.get("value", locked=False)

    # -- cell writers ----------------------------------------------------------------------
    def _put_for(self, c: int, column: Column) -> Put:
        """Return the function writing a non-None value of this column; it returns the cell."""
        if column.type == "text":
            return _text_writer(self._sheet, c, self._formats, column.locked, column.convert)
        text = _text_writer(self._sheet, c, self._formats, column.locked)
        if column.type == "date":
            put = _date_writer(self._sheet, c, self._formats, column.locked, text)
        else:
            put = _auto_writer(self._sheet, c, self._formats, column.locked, text)
        convert = column.convert
        if convert is None:
            return put

        def converted(r: int, value: Any) -> Any:
            value = convert(value)
            return None if value is None else put(r, value)

        return converted


def _risky(text: str) -> bool:
    return text[:1] in FORMULA_TRIGGERS


def _text_writer(sheet: Worksheet, c: int, formats: Formats, locked: bool,
                 convert: Callable[[Any], Any] | None = None) -> Put:
    # Runs for every text cell: one function, no call it can do without. An editable
    # cell needs no format of its own (the book's default cell is unlocked), which
    # keeps each cell as cheap to write as a bare one.
    write = sheet.write_string
    plain = formats.get("cell", locked=True) if locked else None
    quoted = formats.get("cell", locked=locked, quoted=True)
    triggers = FORMULA_TRIGGERS

    def put(r: int, value: Any) -> Any:
        if convert is not None:
            value = convert(value)
            if value is None:
                return None
        if value.__class__ is not str:
            value = str(value)
        if value:
            write(r, c, value, quoted if value[0] in triggers else plain)
        return value

    return put


def _date_writer(sheet: Worksheet, c: int, formats: Formats, locked: bool, text: Put) -> Put:
    write = sheet.write_datetime
    day = formats.get("value", locked=locked, number=DATE_FORMAT)
    moment = formats.get("value", locked=locked, number=DATETIME_FORMAT)

    def put(r: int, value: Any) -> Any:
        if isinstance(value, datetime):
            write(r, c, wall_clock(value), moment)
        elif isinstance(value, date):
            write(r, c, value, day)
        else:
            return text(r, value)
        return value

    return put


def _auto_writer(sheet: Worksheet, c: int, formats: Formats, locked: bool, text: Put) -> Put:
    """Return a writer that picks the cell type from each value's Python type."""
    dates = _date_writer(sheet, c, formats, locked, text)
    general = formats.get("value", locked=locked)

    def put(r: int, value: Any) -> Any:
        kind = value.__class__
        if kind is str:
            return text(r, value)
        if kind is bool:
            return text(r, "是" if value else "否")
        if kind is int or (kind is float and math.isfinite(value)):
            sheet.write_number(r, c, value, general)
            return str(value)
        if kind is Decimal and value.is_finite():
            places = max(0, -int(value.as_tuple().exponent))
            number = "0." + "0" * places if places else "0"
            sheet.write_number(r, c, float(value), formats.get("value", locked=locked,
                                                               number=number))
            return str(value)
        if isinstance(value, date):
            return dates(r, value)
        if isinstance(value, Enum):
            return text(r, str(value.value))
        if isinstance(value, list | tuple | set | frozenset):
            return text(r, "、".join(str(item) for item in value))
        return text(r, str(value))

    return put
