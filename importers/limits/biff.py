"""Check an .xls before calamine reads it: its sheets, their DIMENSIONS, their cells' extent.

calamine reads every sheet of an .xls as it opens the file. For each it reserves room
for the rows × columns its DIMENSIONS record declares (BIFF8 counts rows in 32 bits: a
forged record asks for terabytes, and one whose last row comes before its first wraps
round to four billion rows), then builds the dense grid its cells span (a value at row
65,536 of column 65,536 beside one in A1 asks for 2**32 cells). The sheets are walked
here record by record, from where the workbook says each starts, as calamine walks them.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import olefile

from importers.limits.rules import Extent, Limits, Tally, check_sheet_count
from importers.problems import CORRUPT, ReadError, column_letter

_STREAMS = ("Workbook", "Book")  # olefile finds either in any letter case, as calamine does
BOF, EOF, _CONTINUE = 0x0809, 0x000A, 0x003C
BOUND_SHEET, _FILE_PASS, _DIMENSIONS, _MUL_RK = 0x0085, 0x002F, 0x0200, 0x00BD
# Records calamine takes a cell from, each led by its row and column (blanks it skips):
# NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA.
_CELLS = frozenset({0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006})
_U16, _U32 = struct.Struct("<H"), struct.Struct("<I")
_PLACE = struct.Struct("<HH")
_WRAP = 2**32


def check_biff(path: Path, limits: Limits) -> None:
    """Raise OverLimit (or ReadError) if the workbook passes a limit or cannot be checked."""
    for stream in streams(path):
        _check_stream(memoryview(stream), limits)


def streams(path: Path) -> list[bytes]:
    size = path.stat().st_size
    try:
        with olefile.OleFileIO(str(path)) as container:
            names = [name for name in _STREAMS if container.exists(name)]
            # A stream longer than the file repeats its sectors: calamine would follow it.
            if any(container.get_size(name) > size for name in names):
                raise ReadError(f"{CORRUPT}（文件内部结构有误）")
            return [container.openstream(name).read() for name in names]
    except ReadError:
        raise
    except Exception as error:  # olefile says a damaged container in many ways
        raise ReadError(f"{CORRUPT}（{error}）") from None


def _check_stream(stream: memoryview, limits: Limits) -> None:
    sheets: list[tuple[int, str]] = []
    for kind, data in records(stream, 0):
        if kind == _FILE_PASS and len(data) >= 2 and _U16.unpack_from(data)[0]:
            return  # encrypted: calamine refuses it before reading a sheet
        if kind == BOUND_SHEET and len(data) >= 4:
            sheets.append((_U32.unpack_from(data)[0], sheet_name(data, len(sheets) + 1)))
            check_sheet_count(len(sheets), limits)
        elif kind == EOF:
            break
    tally = Tally(limits)
    for start, name in sheets:
        if start > len(stream):
            raise ReadError(f"{CORRUPT}（工作表“{name}”的位置超出文件）")
        tally.used(name, _sheet_extent(stream, start, name, tally))


def _sheet_extent(stream: memoryview, start: int, name: str, tally: Tally) -> Extent:
    """Return the extent of one sheet's cells, checking its DIMENSIONS on the way."""
    limits, extent = tally.limits, Extent()
    nested = 0  # inside a chart's or a macro's own BOF ... EOF, whose records calamine skips
    seen_bof = False
    for kind, data in records(stream, start):
        if nested:
            nested += (kind == BOF) - (kind == EOF)
        elif kind in _CELLS and len(data) >= 4:
            row, column = _PLACE.unpack_from(data)
            extent.grow(row + 1, column + 1)
        elif kind == _MUL_RK and len(data) >= 6:
            row, first = _PLACE.unpack_from(data)
            extent.grow(row + 1, max(first, _U16.unpack_from(data, len(data) - 2)[0]) + 1)
        elif kind == _DIMENSIONS:
            _check_dimensions(data, name, tally)
        elif kind == BOF:
            nested, seen_bof = (nested + 1 if seen_bof else nested), True
        elif kind == EOF:
            break
        if extent.rows > limits.rows or extent.columns > limits.columns:
            tally.used(name, extent)  # raises, naming the limit
    return extent


def _check_dimensions(data: memoryview, name: str, tally: Tally) -> None:
    """Check the rows × columns calamine reserves room for, as it computes them."""
    if len(data) == 14:
        first_row, last_row = struct.unpack_from("<II", data)
        first_column, last_column = struct.unpack_from("<HH", data, 8)
    elif len(data) == 10:
        first_row, last_row, first_column, last_column = struct.unpack_from("<HHHH", data)
    else:
        return  # calamine refuses the sheet itself
    if first_column > 0xFF or last_column < first_column:
        first_column = 0
    if last_row < 1 or last_column < 1:
        return
    extent = Extent((last_row - 1 - first_row) % _WRAP + 1,
                    (last_column - 1 - first_column) % _WRAP + 1)
    reference = (f"{column_letter(first_column)}{first_row + 1}:"
                 f"{column_letter(last_column - 1)}{last_row}")
    tally.declared(name, reference, extent)


def records(stream: memoryview, start: int) -> Iterator[tuple[int, memoryview]]:
    """Yield (type, data) of each record from start; CONTINUE records belong to the one before."""
    position, end = start, len(stream)
    while position + 4 <= end:
        kind, length = _PLACE.unpack_from(stream, position)
        position += 4
        if position + length > end:
            raise ReadError(f"{CORRUPT}（记录不完整）")
        if kind != _CONTINUE:
            yield kind, stream[position:position + length]
        position += length


def sheet_name(data: memoryview, number: int) -> str:
    """Return a BOUNDSHEET record's sheet name (BIFF8 or BIFF5), or the sheet's number."""
    raw = bytes(data[6:])
    if len(raw) >= 2:
        count, flags = raw[0], raw[1]
        if flags & 1 and len(raw) == 2 + 2 * count:
            return raw[2:].decode("utf-16-le", "replace")
        if len(raw) == 2 + count:
            return raw[2:].decode("latin-1")
        if len(raw) == 1 + count:
            return raw[1:].decode("gbk", "replace")
    return f"第{number}个工作表"
