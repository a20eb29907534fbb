"""Open a workbook of any format the offices send and hand back its sheets as grids.

.xlsx, .xlsm, .xls and .ods go through python-calamine; .csv is decoded as UTF-8
(with or without BOM), UTF-16 or GB18030 (a superset of GBK). Every failure becomes
a `ReadError` with a Chinese message instead of a traceback.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as calamine

from importers.problems import ReadError

SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
CSV_SUFFIXES = frozenset({".csv", ".txt"})
SUFFIXES = SPREADSHEET_SUFFIXES | CSV_SUFFIXES

Range = tuple[tuple[int, int], tuple[int, int]]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


@dataclass(slots=True)
class Sheet:
    """A sheet's cells from A1 (row and column 0), its merged ranges and visibility."""

    name: str
    rows: list[list[Any]]
    merged: list[Range] = field(default_factory=list)
    visible: bool = True


def read_sheets(path: Path, nrows: int | None = None) -> list[Sheet]:
    """Return every worksheet of a file; with nrows, only that many rows of each."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ReadError(f"不支持的文件类型“{path.suffix}”，请使用 .xlsx、.xls、.ods 或 .csv")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ReadError(f"无法打开文件：{error.strerror}") from None
    if size == 0:
        raise ReadError("文件是空的（0 字节）")
    if suffix in CSV_SUFFIXES:
        return [_read_csv(path, nrows)]
    return _read_spreadsheet(path, nrows)


def _read_spreadsheet(path: Path, nrows: int | None) -> list[Sheet]:
    try:
        with calamine.CalamineWorkbook.from_path(path) as workbook:
            return [_sheet(workbook, meta, nrows) for meta in workbook.sheets_metadata
                    if meta.typ == calamine.SheetTypeEnum.WorkSheet]
    except calamine.PasswordError:
        raise ReadError(_ENCRYPTED) from None
    except (calamine.CalamineError, OSError, ValueError) as error:
        if _looks_encrypted(path):
            raise ReadError(_ENCRYPTED) from None
        raise ReadError(f"文件已损坏或不是有效的表格文件，无法读取（{error}）") from None


_ENCRYPTED = "文件设有打开密码（已加密），无法读取；请在 Excel 中取消密码后重新导入"


def _looks_encrypted(path: Path) -> bool:
    # An encrypted .xlsx is an OLE container holding an EncryptionInfo stream.
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    return head.startswith(_OLE_MAGIC) and _ENCRYPTION_STREAM in head


def _sheet(workbook: calamine.CalamineWorkbook, meta: calamine.SheetMetadata,
           nrows: int | None) -> Sheet:
    sheet = workbook.get_sheet_by_name(meta.name)
    rows = sheet.to_python(skip_empty_area=False, nrows=nrows) if sheet.start else []
    return Sheet(
        name=meta.name,
        rows=rows,
        merged=list(sheet.merged_cell_ranges or ()),
        visible=meta.visible == calamine.SheetVisibleEnum.Visible,
    )


def _read_csv(path: Path, nrows: int | None) -> Sheet:
    text = decode_text(path.read_bytes())
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = [row for row, _ in zip(reader, range(nrows), strict=False)] if nrows else list(reader)
    # Excel names the only sheet of a CSV after the file.
    return Sheet(name=path.stem, rows=rows)


def decode_text(data: bytes) -> str:
    """Decode a text file saved by Excel or WPS in UTF-8, UTF-16 or GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError("无法识别文件的文字编码，请另存为 UTF-8 或 GBK 编码的 CSV")
