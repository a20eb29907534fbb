"""A streaming .xlsx workbook: data sheets, an instructions sheet, hidden dropdown lists.

    with ExportBook("清单.xlsx") as book:
        book.add_sheet("数据", columns, rows, title="…")

Rows are written as they come (xlsxwriter's constant-memory mode): memory stays flat
however many rows a sheet gets. The instructions and the lists dropdowns draw from are
written when the book closes, after the data sheets, so a reader meets the data first.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from xlsxwriter.workbook import Workbook

from importers.exporting.guide import INSTRUCTION_WIDTHS, Guide, instruction_rows
from importers.exporting.safety import looks_like_formula
from importers.exporting.sheets import Column, Formats, SheetWriter, display_width
from importers.problems import column_letter
from importers.stamps import STAMP_HEADER, STAMP_SHEET, Signer, packed, stamp_line
from importers.workbooks import INSTRUCTIONS_SHEET

Target = str | Path | IO[bytes]

LISTS_SHEET = "下拉选项"  # hidden; readers skip hidden sheets


class ExportBook:
    """A workbook written once, front to back; close it (or use `with`) to finish the file.

    Given a `signer`, the rows of each kind's sheet are stamped (`importers.stamps`) on a
    hidden sheet written alongside, so that an import can tell what changed since.
    """

    def __init__(self, target: Target, *, tmpdir: str | None = None,
                 signer: Signer | None = None) -> None:
        self._book = Workbook(target, {
            "constant_memory": True,
            # Cells are editable unless their format locks them: on a protected sheet the
            # office's cells are locked one by one, the rest (most) need no format at all.
            "default_format_properties": {"font_name": "Calibri", "font_size": 11,
                                          "locked": False},
            "tmpdir": tmpdir,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        })
        self.formats = Formats(self._book)
        self._lists: dict[str, list[str]] = {}
        self._guides: list[Guide] = []
        self._general_notes: list[str] = []
        self._open: SheetWriter | None = None
        self.rows_written = 0
        self.signer = signer
        self.exported_at = datetime.now(UTC).replace(microsecond=0)
        self._tmpdir = tmpdir
        # Stamp lines wait in a temporary file: their sheet comes last, after the data.
        self._stamps: IO[str] | None = None

    # -- sheets ----------------------------------------------------------------------------
    def add_sheet(self, name: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]],
                  *, title: str | None = None, freeze_columns: int = 0,
                  guide: Guide | None = None, active: bool = False) -> int:
        """Write a sheet of rows under a title and a header; return how many rows it got.

        The active sheet is the one Excel shows on opening (the first by default).
        """
        writer = SheetWriter(self._book, self.formats, name, columns, title, freeze_columns)
        if active:
            writer.activate()
        count = writer.write_rows(rows)
        writer.finish()
        self.rows_written += count
        if guide is not None:
            self._guides.append(guide)
        return count

    def list_source(self, name: str, values: Sequence[str]) -> str | None:
        """Return the reference of a dropdown list kept on the hidden lists sheet."""
        if not values:
            return None
        known = self._lists.setdefault(name, list(values))
        column = column_letter(list(self._lists).index(name))
        return f"='{LISTS_SHEET}'!${column}$2:${column}${len(known) + 1}"

    def stamp(self, payload: str) -> None:
        """Sign one row's stamp (`stamps.stamp_payload`) and keep it for the hidden sheet."""
        assert self.signer is not None
        if self._stamps is None:
            # Closed with the book (close or __exit__), not at the end of this call.
            self._stamps = tempfile.TemporaryFile(  # noqa: SIM115
                "w+", encoding="utf-8", dir=self._tmpdir)
        self._stamps.write(stamp_line(payload, self.signer(payload)))

    def add_notes(self, *notes: str) -> None:
        """Add general notes to the top of the instructions sheet."""
        self._general_notes.extend(notes)

    # -- closing ---------------------------------------------------------------------------
    def close(self) -> None:
        if self._guides:
            self._write_instructions()
        if self._lists:
            self._write_lists()
        if self._stamps is not None:
            with self._stamps:
                self._write_stamps(self._stamps)
        self._book.close()

    def __enter__(self) -> ExportBook:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is None:
            self.close()
        else:
            # Still close the temporary files; the first error is the one to report.
            with contextlib.suppress(Exception):
                self._book.close()
        if self._stamps is not None:
            self._stamps.close()

    def _write_lists(self) -> None:
        columns = [Column(name, "text", width=display_width(name) + 4)
                   for name in self._lists]
        longest = max(len(values) for values in self._lists.values())
        rows = ([values[i] if i < len(values) else None for values in self._lists.values()]
                for i in range(longest))
        sheet = self._book.add_worksheet(LISTS_SHEET)
        for c, column in enumerate(columns):
            sheet.set_column(c, c, column.width)
            self._write_text(sheet, 0, c, column.header, "header")
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value:
                    self._write_text(sheet, r, c, value, "text")
        sheet.hide()

    def _write_stamps(self, lines: IO[str]) -> None:
        """Write the stamps on a sheet nobody sees or edits by accident (very hidden, locked)."""
        sheet = self._book.add_worksheet(STAMP_SHEET)
        self._write_text(sheet, 0, 0, STAMP_HEADER, "header")
        lines.seek(0)
        # Written bare: a hidden sheet needs no format, and a payload starts with "[".
        for r, cell in enumerate(packed(lines), start=1):
            sheet.write_string(r, 0, cell)
        sheet.very_hidden()
        sheet.protect("")

    def _write_instructions(self) -> None:
        sheet = self._book.add_worksheet(INSTRUCTIONS_SHEET)
        for c, width in enumerate(INSTRUCTION_WIDTHS):
            sheet.set_column(c, c, width)
        span = sum(INSTRUCTION_WIDTHS)
        for r, (role, cells) in enumerate(instruction_rows(self._general_notes, self._guides)):
            if len(cells) == 1:
                # A line of prose spans the table's width; Excel does not fit the height
                # of a merged cell, so give it as many lines as the text needs.
                lines = -(-display_width(cells[0]) // span)
                if lines > 1:
                    sheet.set_row(r, 16 * lines)
                sheet.merge_range(r, 0, r, len(INSTRUCTION_WIDTHS) - 1, "",
                                  self.formats.get(role))
            for c, value in enumerate(cells):
                self._write_text(sheet, r, c, value, role)

    def _write_text(self, sheet: Any, r: int, c: int, value: str, role: str) -> None:
        """Write text as a string cell, marked as text if it would start a formula."""
        quoted = looks_like_formula(value)
        sheet.write_string(r, c, value, self.formats.get(role, quoted=quoted))
