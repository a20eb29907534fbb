"""Open a workbook of any format the offices send and hand back its sheets as grids.

.xlsx, .xlsm, .xls and .ods go through python-calamine; .csv is decoded as UTF-8
(with or without BOM), UTF-16 or GB18030 (a superset of GBK). Every file is first
checked against the limits (`importers.limits`), so that no reader is handed a bomb.
Every failure becomes a `ReadError` with a Chinese message instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import python_calamine as calamine

from importers.blanked import Places, blanked_cells
from importers.delimited import read_text, text_rows
from importers.hidden_rows import hidden_rows
from importers.limits import DEFAULT_LIMITS, Limits, check_workbook
from importers.problems import CORRUPT, ReadError

SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
CSV_SUFFIXES = frozenset({".csv", ".txt"})
SUFFIXES = SPREADSHEET_SUFFIXES | CSV_SUFFIXES

Range = tuple[tuple[int, int], tuple[int, int]]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


# The sheet our exports add to explain their columns: readers pass over it.
INSTRUCTIONS_SHEET = "填写说明"
HEAD_ROWS = 31  # rows kept at hand to find a header in, one more for a two-level header


@dataclass(slots=True)
class Sheet:
    """A sheet's rows from A1 (row and column 0), its merged ranges and visibility.

    The first rows are at hand in `head`; the rest stream from `tail` once, so that a
    100,000-row sheet never sits in memory as Python objects all at once.
    """

    name: str
    head: list[list[Any]]
    tail: Iterator[list[Any]] = field(default_factory=lambda: iter(()))
    merged: list[Range] = field(default_factory=list)
    visible: bool = True
    hidden_rows: frozenset[int] = frozenset()  # rows the sheet hides (a filter's), 0-based

    def rows(self) -> Iterator[list[Any]]:
        """Yield every row once, the head then the tail."""
        yield from self.head
        yield from self.tail

    def peek(self, count: int) -> list[list[Any]]:
        """Return the first `count` rows, reading ahead into the head; `rows()` still
        yields every row once."""
        if len(self.head) < count:
            self.head.extend(islice(self.tail, count - len(self.head)))
        return self.head[:count]

    @property
    def empty(self) -> bool:
        return not any(any(cell != "" and cell is not None for cell in row) for row in self.head)


def read_sheets(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Sheet]:
    """Yield every worksheet of a file, in workbook order; raise ReadError if it cannot be read.

    The file is checked against the limits first (OverLimit, a ReadError, if it passes one).
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ReadError(f"不支持的文件类型“{path.suffix}”，请使用 .xlsx、.xls、.ods 或 .csv")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ReadError(f"无法打开文件：{error.strerror}") from None
    if size == 0:
        raise ReadError("文件是空的（0 字节）")
    if _looks_encrypted(path):
        raise ReadError(_ENCRYPTED)
    check_workbook(path, limits)
    if suffix in CSV_SUFFIXES:
        return iter([_read_csv(path)])
    return _read_spreadsheet(path, limits)


def sheets_named(path: Path, name: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[Sheet]:
    """Yield the worksheets of that name (hidden or not), reading no other; a CSV has none.

    Read each sheet's rows before asking for the next: the workbook closes at the end.
    Raises ReadError as `read_sheets` does.
    """
    if path.suffix.lower() in CSV_SUFFIXES:
        return
    read_sheets(path, limits)  # the same checks, before anything is parsed
    with _calamine_errors(path):
        workbook = calamine.CalamineWorkbook.from_path(path)
        blanked, hidden = blanked_cells(path, limits), hidden_rows(path, limits)
    with workbook:
        for meta in workbook.sheets_metadata:
            if meta.typ == calamine.SheetTypeEnum.WorkSheet and meta.name == name:
                with _calamine_errors(path):
                    yield _sheet(workbook, meta, blanked.get(meta.name), hidden.get(meta.name))


def _read_spreadsheet(path: Path, limits: Limits) -> Iterator[Sheet]:
    with _calamine_errors(path):
        workbook = calamine.CalamineWorkbook.from_path(path)
        blanked, hidden = blanked_cells(path, limits), hidden_rows(path, limits)
    with workbook:
        for meta in workbook.sheets_metadata:
            if meta.typ == calamine.SheetTypeEnum.WorkSheet:
                with _calamine_errors(path):
                    sheet = _sheet(workbook, meta, blanked.get(meta.name), hidden.get(meta.name))
                yield sheet


@contextmanager
def _calamine_errors(path: Path) -> Iterator[None]:
    """Turn whatever calamine raises on a bad file into a ReadError the user can act on."""
    try:
        yield
    except calamine.PasswordError:
        raise ReadError(_ENCRYPTED) from None
    except (calamine.CalamineError, OSError, ValueError) as error:
        if _looks_encrypted(path):
            raise ReadError(_ENCRYPTED) from None
        raise ReadError(f"{CORRUPT}（{error}）") from None


_ENCRYPTED = "文件设有打开密码（已加密），无法读取；请在 Excel 中取消密码后重新导入"


def _looks_encrypted(path: Path) -> bool:
    # An encrypted .xlsx is an OLE container holding an EncryptionInfo stream.
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    return head.startswith(_OLE_MAGIC) and _ENCRYPTION_STREAM in head


def _sheet(workbook: calamine.CalamineWorkbook, meta: calamine.SheetMetadata,
           blanked: Places | None, hidden: frozenset[int] | None) -> Sheet:
    sheet = workbook.get_sheet_by_name(meta.name)
    rows = _absolute_rows(sheet)
    if blanked:
        rows = _restored(rows, blanked)
    return Sheet(
        name=meta.name,
        head=list(islice(rows, HEAD_ROWS)),
        tail=rows,
        merged=list(sheet.merged_cell_ranges or ()),
        visible=meta.visible == calamine.SheetVisibleEnum.Visible,
        hidden_rows=hidden or frozenset(),
    )


def _absolute_rows(sheet: calamine.CalamineSheet) -> Iterator[list[Any]]:
    """Yield rows counted from row 1 and cells from column A, as Excel numbers them."""
    if sheet.start is None:
        return
    # calamine yields rows from the first row but cells from the first used column.
    pad = [""] * sheet.start[1]
    for row in sheet.iter_rows():
        yield pad + row if pad else row


def _restored(rows: Iterator[list[Any]], blanked: Places) -> Iterator[list[Any]]:
    """Yield the rows with what calamine left blank put back (an error, or no result)."""
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (r, c), text in blanked.items():
        by_row.setdefault(r, []).append((c, text))
    for r, row in enumerate(rows):
        for c, text in by_row.get(r, ()):
            if c >= len(row):
                row.extend([""] * (c + 1 - len(row)))
            if row[c] == "":
                row[c] = text
        yield row


def _read_csv(path: Path) -> Sheet:
    rows = text_rows(read_text(path))
    # Excel names the only sheet of a CSV after the file.
    return Sheet(name=path.stem, head=list(islice(rows, HEAD_ROWS)), tail=rows)

