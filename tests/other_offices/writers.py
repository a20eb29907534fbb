"""Write a generated book as .xlsx, .xls, .ods or .csv, with its merges and hidden columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import xlwt
from openpyxl.utils import get_column_letter

from tests.importers.workbook_builders import write_csv, write_ods

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based)


@dataclass
class Grid:
    """One sheet's cells from A1, the ranges merged in it and the columns hidden."""

    cells: list[list[Any]]
    merges: list[Merge] = field(default_factory=list)
    hidden: list[int] = field(default_factory=list)


@dataclass
class Book:
    sheets: dict[str, Grid]


def write_book(book: Book, stem: Path, file_format: str) -> dict[Path, dict[str, str]]:
    """Write the book next to `stem` in the format ("csv-<encoding>" for a CSV).

    Return each file written with its sheets: the name a reader sees -> the book's name.
    """
    if file_format.startswith("csv"):
        # A CSV holds one sheet: an office saving a book of several sends one file each.
        written = {}
        for name, grid in book.sheets.items():
            path = write_csv(_csv_path(stem, name, len(book.sheets)), grid.cells,
                             encoding=file_format.removeprefix("csv-"))
            written[path] = {path.stem: name}
        return written
    path = stem.with_name(f"{stem.name}.{file_format}")
    if file_format == "xlsx":
        _write_xlsx(path, book)
    elif file_format == "xls":
        _write_xls(path, book)
    elif file_format == "ods":
        write_ods(path, {name: grid.cells for name, grid in book.sheets.items()})
    else:
        raise ValueError(f"unknown format {file_format}")
    return {path: {name: name for name in book.sheets}}


def _csv_path(stem: Path, sheet: str, sheets: int) -> Path:
    return stem.with_name(f"{stem.name}.csv" if sheets == 1 else f"{stem.name}-{sheet}.csv")


def _write_xlsx(path: Path, book: Book) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, grid in book.sheets.items():
        sheet = workbook.create_sheet(name)
        for row in grid.cells:
            sheet.append(row)
        for r, row in enumerate(grid.cells, start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, date):
                    sheet.cell(r, c).number_format = "yyyy/m/d"
        for r1, c1, r2, c2 in grid.merges:
            sheet.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1,
                              end_column=c2 + 1)
        for column in grid.hidden:
            sheet.column_dimensions[get_column_letter(column + 1)].hidden = True
    workbook.save(path)
    return path


_DATE_STYLE = xlwt.easyxf(num_format_str="YYYY/M/D")
# An error value's code in a BOOLERR record (openpyxl writes an .xlsx's from the text).
_ERROR_CODES = {"#NULL!": 0x00, "#DIV/0!": 0x07, "#VALUE!": 0x0F, "#REF!": 0x17, "#NAME?": 0x1D,
                "#NUM!": 0x24, "#N/A": 0x2A}


def _write_xls(path: Path, book: Book) -> Path:
    workbook = xlwt.Workbook(encoding="utf-8")
    for name, grid in book.sheets.items():
        sheet = workbook.add_sheet(name, cell_overwrite_ok=True)
        for r, row in enumerate(grid.cells):
            for c, value in enumerate(row):
                if value == "" or value is None:
                    continue
                if isinstance(value, date):
                    sheet.write(r, c, value, _DATE_STYLE)
                elif isinstance(value, str) and value in _ERROR_CODES:
                    sheet.row(r).set_cell_error(c, _ERROR_CODES[value])
                else:
                    sheet.write(r, c, value)
        for r1, c1, r2, c2 in grid.merges:
            sheet.merge(r1, r2, c1, c2)
        for column in grid.hidden:
            sheet.col(column).hidden = True
    workbook.save(str(path))
    return path
