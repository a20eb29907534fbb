"""Check an .xlsx or .xlsm before calamine reads it: its parts, its sheets, its cells' extent.

calamine builds a sheet as a dense grid from the first to the last cell that holds
anything, so one value in A1 and one in XFD1048576 ask for 2**34 cells (512 GiB). Each
worksheet part is streamed through expat here, following calamine's own cell reader:
a <c> takes its place from its `r`, or else from the running row and column; it counts
when it holds an element (a value, an inline string, a formula); a <row> with `r` sets
the row, and each </row> moves to the next.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from importers.limits.rules import Extent, Limits, Tally, check_sheet_count
from importers.limits.xmlscan import LOCAL_NAMES, local, scan, text
from importers.limits.zips import Container, Part
from importers.problems import CORRUPT, ReadError

T = TypeVar("T")

SHEET_MARKER = b"sheetData"  # calamine takes cells from the part only after this element
_OFFICE_DOCUMENT = "/relationships/officeDocument"


def check_ooxml(path: Path, limits: Limits) -> None:
    """Raise OverLimit (or ReadError) if the workbook passes a limit or cannot be checked."""
    container = Container(path, limits)
    parts = container.measure(SHEET_MARKER)
    by_name = {part.name.lower(): part for part in parts}
    names = _sheet_names(container, by_name)
    check_sheet_count(len(names), limits)
    tally = Tally(limits)
    for part in parts:
        if part.marked:
            _check_sheet(container, part, names.get(part.name.lower(), part.name), tally)


def _check_sheet(container: Container, part: Part, sheet: str, tally: Tally) -> None:
    bound = _bound(container.inflate(part.info), sheet, tally)
    if bound is not None and not tally.over(bound):
        tally.used(sheet, bound)
        return
    cells = _SheetCells(sheet, tally)
    scan(container.inflate(part.info), cells.start, cells.end, part.name)
    tally.used(sheet, cells.extent)


# Any cell's start tag, prefixed or not; its place when `r` comes first, in double quotes.
_CELL_TAG = re.compile(rb'<(?:[^\s<>/:]*:)?c(?:\s+r="([A-Za-z]{1,7})([0-9]{1,9})"|[\s/>])')
_DIMENSION = re.compile(rb'<(?:[^\s<>/:]*:)?dimension\s+ref="([A-Za-z0-9:]+)"')
_CARRY = 1 << 20


def _bound(chunks: Iterator[bytes], sheet: str, tally: Tally) -> Extent | None:
    """Return a bound on the sheet's used extent from its tags alone, or None if none is sure.

    The expat scan costs a handler call per element; this costs a regular expression
    over the bytes. When every cell names its place, the places of all cells, empty ones
    included, bound where calamine's cells can be. A cell without `r` first (a place
    that depends on the cells before it) leaves the question to the scan, and so does a
    bound beyond the limits: empty cells with a style may lie beyond the last value.
    """
    extent, carry, head = Extent(), b"", True
    for chunk in chunks:
        data = carry + chunk
        cut = data.rfind(b"<")  # a tag may run on into the next chunk
        if cut < 0:
            cut = len(data)
        body, carry = data[:cut], data[cut:]
        if len(carry) > _CARRY:
            return None
        if head and (found := _DIMENSION.search(body)):
            head = False
            _check_declared(found.group(1).decode(), sheet, tally)
        cells = _CELL_TAG.findall(body)
        if not cells:
            continue
        rows = {digits for _letters, digits in cells}
        if b"" in rows:
            return None
        columns = {letters for letters, _digits in cells}
        extent.grow(max(map(int, rows)),
                    max(_position(letters.decode() + "1", sheet)[1] for letters in columns) + 1)
    return extent


class _SheetCells:
    """Follow calamine's cell reader through a worksheet part, growing the used extent.

    The handlers run for every element of the sheet (a million at 100,000 rows), so
    they are written for speed: names looked up in a dictionary, no calls on the way.
    """

    def __init__(self, sheet: str, tally: Tally) -> None:
        self.sheet, self.tally, self.limits = sheet, tally, tally.limits
        self.row = self.column = 0  # where a cell without `r` lands (0-based)
        self.cell: tuple[int, int] | None = None  # the open cell's place
        self.counted = False  # whether the open cell was found to hold something
        self.state = _HEAD
        self.extent = Extent()

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.cell is not None:
            if not self.counted:
                self.counted = True
                row, column = self.cell
                extent = self.extent
                if row >= extent.rows or column >= extent.columns:
                    extent.grow(row + 1, column + 1)
                    if extent.rows > self.limits.rows or extent.columns > self.limits.columns:
                        self.tally.used(self.sheet, extent)  # raises, naming the limit
            return
        if self.state is _DATA:
            tag = LOCAL_NAMES[name]
            if tag == "c":
                reference = attrs.get("r")
                if reference is None:
                    self.cell = (self.row, self.column)
                else:
                    self.cell = _position(reference, self.sheet)
                    self.column = self.cell[1]
                self.counted = False
            elif tag == "row" and (reference := attrs.get("r")) is not None:
                self.row = _position(reference, self.sheet, column=False)[0]
        elif self.state is _HEAD:
            tag = LOCAL_NAMES[name]
            if tag == "dimension" and (reference := attrs.get("ref")):
                _check_declared(reference, self.sheet, self.tally)
            elif tag == "sheetData":
                self.state = _DATA

    def end(self, name: str) -> None:
        if self.cell is not None:
            if LOCAL_NAMES[name] == "c":
                self.column = self.cell[1] + 1
                self.cell = None
        elif self.state is _DATA:
            tag = LOCAL_NAMES[name]
            if tag == "row":
                self.row += 1
                self.column = 0
            elif tag == "sheetData":
                self.state = _DONE


def _check_declared(reference: str, sheet: str, tally: Tally) -> None:
    """Check the range a sheet's <dimension> declares (one calamine cannot read it refuses)."""
    extent = Extent()
    for corner in reference.split(":"):
        try:
            row, column = _position(corner, sheet)
        except ReadError:
            return
        extent.grow(row + 1, column + 1)
    tally.declared(sheet, reference, extent)


_HEAD, _DATA, _DONE = "head", "data", "done"  # before, inside and after sheetData
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_COLUMNS: dict[str, int] = {}  # letters -> 0-based column, as they are met
_LONGEST = 16  # longer than any place calamine's 32-bit row and column can hold


def _position(reference: str, sheet: str, column: bool = True) -> tuple[int, int]:
    """Return the 0-based (row, column) of `XFD1048576` as calamine reads it."""
    digits = reference.lstrip(_LETTERS)
    letters = reference[:len(reference) - len(digits)]
    if (len(reference) > _LONGEST or not (digits.isascii() and digits.isdigit())
            or int(digits) == 0 or (column and not letters)):
        raise ReadError(f"{CORRUPT}（工作表“{sheet}”的单元格位置“{reference[:20]}”有误）")
    index = _COLUMNS.get(letters)
    if index is None:
        index = -1
        for letter in letters.upper():
            index = (index + 1) * 26 + ord(letter) - 65
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = index
    return int(digits) - 1, index


def searched_sheets(container: Container, suspect: Callable[[Iterator[bytes]], bool],
                    read: Callable[[bytes], T]) -> dict[str, T]:
    """Return, by sheet name, what `read` finds in each worksheet part that `suspect` (a
    cheap look at its inflated chunks) flags; sheets where it finds nothing are left out."""
    found: dict[str, T] = {}
    for info, name in sheet_parts(container):
        if suspect(container.inflate(info)):
            value = read(b"".join(container.inflate(info)))
            if value:
                found[name] = value
    return found


def sheet_parts(container: Container) -> Iterator[tuple[zipfile.ZipInfo, str]]:
    """Yield each worksheet part with its sheet's name, in the container's order.

    For a container that passed `check_ooxml`: parts are not measured again.
    """
    by_name = {info.filename.lower(): Part(info, info.file_size, False)
               for info in container.infos}
    names = _sheet_names(container, by_name)
    for name, part in by_name.items():
        if name in names:
            yield part.info, names[name]


def _sheet_names(container: Container, by_name: dict[str, Part]) -> dict[str, str]:
    """Return each worksheet part's name (lower case) -> its sheet's name, in workbook order.

    Found the way calamine finds them: the package's relations name the workbook part,
    the workbook lists its sheets, the workbook's relations give each sheet's part.
    """
    workbook = _target(_relations(container, by_name.get("_rels/.rels"), ""),
                       type_suffix=_OFFICE_DOCUMENT)
    if workbook is None or workbook.lower() not in by_name:
        return {}
    folder, file = posixpath.split(workbook)
    targets = _relations(container, by_name.get(f"{folder}/_rels/{file}.rels".lower().lstrip("/")),
                         folder)
    sheets = _workbook_sheets(container, by_name[workbook.lower()])
    return {targets.get(rid, (f"?{index}", ""))[0].lower(): name
            for index, (name, rid) in enumerate(sheets)}


def _relations(container: Container, part: Part | None, folder: str) -> dict[str, tuple[str, str]]:
    """Return a relations part's Id -> (target part's name, relation type)."""
    found: dict[str, tuple[str, str]] = {}
    if part is None:
        return found

    def start(name: str, attrs: dict[str, str]) -> None:
        if local(name) == "Relationship" and "Id" in attrs:
            found[attrs["Id"]] = (_resolve(folder, text(attrs.get("Target", ""))),
                                  attrs.get("Type", ""))

    scan(container.inflate(part.info), start, lambda _name: None, part.name)
    return found


def _target(relations: dict[str, tuple[str, str]], type_suffix: str) -> str | None:
    return next((target for target, kind in relations.values() if kind.endswith(type_suffix)),
                None)


def _resolve(folder: str, target: str) -> str:
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    return posixpath.normpath(path).lstrip("/")


def _workbook_sheets(container: Container, part: Part) -> list[tuple[str, str]]:
    """Return the workbook's sheets as (name, relation id), checking their number as it goes."""
    sheets: list[tuple[str, str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if local(name) == "sheet":
            rid = next((value for key, value in attrs.items() if local(key) == "id"), "")
            sheets.append((text(attrs.get("name", "")), rid))
            check_sheet_count(len(sheets), container.limits)

    scan(container.inflate(part.info), start, lambda _name: None, part.name)
    return sheets
