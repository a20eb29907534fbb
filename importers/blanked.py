"""Cells calamine reads as blank that are not: error values and formulas with no result.

calamine gives "" for a cell holding #N/A or #REF! and for a formula saved without its
result (a workbook a program wrote); taken for blank, a reply date looked up with
VLOOKUP would read as "not replied". Their places are found here, from the file itself,
so that the reader can put the error (or `UNCALCULATED`) back and refuse it at its cell.
The file has passed the limits (`importers.limits`) before it is searched.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from importers.limits.biff import BOF, BOUND_SHEET, EOF, records, sheet_name, streams
from importers.limits.ooxml import searched_sheets
from importers.limits.rules import Limits
from importers.limits.zips import Container
from importers.values import UNCALCULATED

Places = dict[tuple[int, int], str]  # (row, column), 0-based -> the text the cell stands for

# Cheap searches first: a sheet with neither (nearly every sheet) is not parsed.
_ERROR_TYPE = b't="e"'
_NO_RESULT = re.compile(rb"<f\b[^>]*(?:/>|>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>")
_CELL = re.compile(rb'<c\s+r="([A-Z]{1,3})([0-9]{1,7})"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_TYPE_ERROR = re.compile(rb'\bt="e"')
_TYPE_TEXT = re.compile(rb'\bt="str"')
_VALUE = re.compile(rb"<v>([^<]+)</v>")


def blanked_cells(path: Path, limits: Limits) -> dict[str, Places]:
    """Return, by sheet name, the cells of an .xlsx, .xlsm or .xls that read as blank but hold
    an error value or a formula without its result (none for other formats)."""
    stat = path.stat()
    return _blanked(path.resolve(), stat.st_size, stat.st_mtime_ns, stat.st_ino, limits)


@lru_cache(maxsize=64)
def _blanked(path: Path, _size: int, _mtime: int, _inode: int, limits: Limits
             ) -> dict[str, Places]:
    # A folder's files are opened twice, to order them by kind and to read them: the
    # search is done once per file, keyed by its identity as the limits' check is.
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _ooxml(path, limits)
    if suffix == ".xls":
        return _biff(path)
    return {}


def _ooxml(path: Path, limits: Limits) -> dict[str, Places]:
    return searched_sheets(Container(path, limits), _suspect,
                           lambda data: dict(_ooxml_places(data)))


def _suspect(chunks: Iterator[bytes]) -> bool:
    """Tell whether a part may hold an error value or a formula without its result."""
    tail = b""
    for chunk in chunks:
        window = tail + chunk
        if _ERROR_TYPE in window or _NO_RESULT.search(window):
            return True
        # A match lies inside one cell: carry the last cell begun into the next window.
        tail = window[window.rfind(b"<c"):] if b"<c" in chunk else window
    return False


def _ooxml_places(data: bytes) -> Iterator[tuple[tuple[int, int], str]]:
    for letters, digits, attributes, inner in _CELL.findall(data):
        inner = inner or b""
        if _TYPE_ERROR.search(attributes):
            value = _VALUE.search(inner)
            text = value.group(1).decode("utf-8", "replace") if value else "#N/A"
        elif b"<f" in inner and not _VALUE.search(inner) and not _TYPE_TEXT.search(attributes):
            text = UNCALCULATED  # (a text result saved empty, =IF(…,"",…), is a blank)
        else:
            continue
        yield (int(digits) - 1, _column(letters.decode())), text


def _column(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


# BOOLERR (a value cell) and FORMULA (its result) records; an error's code -> its text.
_BOOLERR, _FORMULA = 0x0205, 0x0006
_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?",
           0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}
_PLACE = struct.Struct("<HH")


def _biff(path: Path) -> dict[str, Places]:
    found: dict[str, Places] = {}
    for stream in map(memoryview, streams(path)):
        sheets = []
        for kind, data in records(stream, 0):
            if kind == BOUND_SHEET and len(data) >= 4:
                offset = struct.unpack_from("<I", data)[0]
                sheets.append((offset, sheet_name(data, len(sheets) + 1)))
            elif kind == EOF:
                break
        for start, name in sheets:
            places = dict(_biff_places(stream, start))
            if places:
                found[name] = places
    return found


def _biff_places(stream: memoryview, start: int) -> Iterator[tuple[tuple[int, int], str]]:
    nested = -1  # the sheet's own BOF makes it 0; a chart's or a macro's inside it, more
    for kind, data in records(stream, start):
        if kind == BOF:
            nested += 1
        elif kind == EOF:
            nested -= 1
            if nested < 0:
                return
        elif nested > 0:
            continue
        elif kind == _BOOLERR and len(data) >= 8 and data[7] == 1:
            yield _PLACE.unpack_from(data), _ERRORS.get(data[6], "#N/A")
        elif (kind == _FORMULA and len(data) >= 14 and data[6] == 2
              and data[12] == 0xFF and data[13] == 0xFF):
            yield _PLACE.unpack_from(data), _ERRORS.get(data[8], "#N/A")
