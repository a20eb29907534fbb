"""Sheets out: exports that go round, without Flask.

    from importers.exporting import ExportBook, write_kind, write_rows

    write_kind("交办清单.xlsx", "opinions", rows, units=unit_names)   # imports back as opinions
    write_rows("排名.xlsx", ["单位", "得分"], rows, title="考核排名")  # any table

A kind's template comes from the schema the readers use (`templates`); sheets stream
through xlsxwriter's constant-memory mode (`sheets`, `book`); text a spreadsheet would
run as a formula is always written as text (`safety`); `plain` writes plain tables to
.xlsx or to a CSV with a BOM; `worklist` writes and splits a unit's worklist;
`guide` says on an instructions sheet how to fill each column in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from importers.exporting.book import INSTRUCTIONS_SHEET, LISTS_SHEET, ExportBook, Target
from importers.exporting.plain import UTF8_BOM, csv_cell, csv_lines, write_csv, write_rows
from importers.exporting.safety import FORMULA_TRIGGERS, csv_safe, looks_like_formula
from importers.exporting.sheets import Column
from importers.exporting.templates import Row, Template, write_kind_sheet
from importers.exporting.worklist import (
    PARTS,
    WorklistPart,
    is_worklist,
    split_workbook,
    write_worklist,
)
from importers.stamps import Signer


def write_kind(target: Target, kind: str | Template, rows: Iterable[Row], *,
               units: Sequence[str] = (),
               lists: Mapping[str, Sequence[str]] | None = None,
               signer: Signer | None = None) -> int:
    """Write one kind's template filled with rows to an .xlsx; return the row count.

    What it writes reads back (`importers.read_file(path, kind)`) as the same values;
    with a signer, its rows are stamped (`importers.stamps`).
    """
    with ExportBook(target, signer=signer) as book:
        return write_kind_sheet(book, kind, rows, units=units, lists=lists)


__all__ = [
    "FORMULA_TRIGGERS",
    "INSTRUCTIONS_SHEET",
    "LISTS_SHEET",
    "PARTS",
    "UTF8_BOM",
    "Column",
    "ExportBook",
    "Row",
    "Target",
    "Template",
    "WorklistPart",
    "csv_cell",
    "csv_lines",
    "csv_safe",
    "is_worklist",
    "looks_like_formula",
    "split_workbook",
    "write_csv",
    "write_kind",
    "write_kind_sheet",
    "write_rows",
    "write_worklist",
]
