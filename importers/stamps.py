"""Export stamps: what the database held for each row a sheet was exported with.

An export writes, on a hidden and protected sheet (导出记录), one line per data row: the
sheet, the kind, the row's key, the exported text of every field the user may change
there and the export time (as JSON), a tab and its signature, so that an edited line is
known as one. Lines go many to a cell (`packed`): xlsxwriter spends more on a cell than
on its characters, and a cell or two per row doubled the time to write an export. An
import reads them back (`read_stamps`) to tell a value the database changed since the
export from a value the file changes: a file returned late must not undo a newer edit.

Values are kept as the import preview shows them (`stamp_text`), so that a stamp, the
database's value and the file's value compare as text whatever their types, and a new
field of a schema needs nothing here. A long text is kept as its beginning and a digest
of the whole: enough to tell a change and to recognise the text, at a fraction of
the size (an opinion's content would otherwise be written twice).
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from importers.limits import DEFAULT_LIMITS, Limits
from importers.problems import Problem, cell_ref
from importers.schemas import SCHEMAS, FieldType

STAMP_SHEET = "导出记录"
STAMP_HEADER = "导出时的行（工作表、类型、行键、各可填字段的值、导出时间）及其校验码，每行一条"
STAMP_CELL_CHARS = 30_000  # lines packed into a cell: under Excel's 32,767 characters a cell
EMPTY = "（空）"  # how the preview shows a blank value
LONG_TEXT, KEPT_TEXT = 60, 30  # characters: a text longer is kept as its first ones and a digest
Signer = Callable[[str], str]  # the payload of a stamp line -> its signature

StampKey = tuple[str, str]  # kind, the row's key as `row_key` writes it
_JSON = json.JSONEncoder(ensure_ascii=False)  # made once: json.dumps makes one a call


@dataclass(frozen=True, slots=True)
class Stamp:
    """One exported row: its sheet, kind and key, the text of its editable fields, when."""

    sheet: str
    kind: str
    key: str
    values: dict[str, str]
    at: datetime


def stamp_payload(sheet: str, kind: str, key: str, values: Mapping[str, str], at: str) -> str:
    """Return a stamp line's payload, which its signature covers: one line of JSON."""
    # JSON escapes tabs and line breaks: the payload never holds the line's separators.
    return _JSON.encode([sheet, kind, key, values, at])


def stamp_line(payload: str, signature: str) -> str:
    """Return a stamp line as the stamp sheet holds it, ending in its line break."""
    return f"{payload}\t{signature}\n"


def packed(lines: Iterable[str]) -> Iterator[str]:
    """Join stamp lines (`stamp_line`) into cells of at most STAMP_CELL_CHARS characters."""
    cell: list[str] = []
    size = 0
    for line in lines:
        if cell and size + len(line) > STAMP_CELL_CHARS:
            yield "".join(cell).rstrip("\n")
            cell, size = [], 0
        cell.append(line)
        size += len(line)
    if cell:
        yield "".join(cell).rstrip("\n")


def stamp_text(value: Any, kind: str, field: str) -> str:
    """Return a field's value as the preview shows it, the form stamps compare in.

    Unit grades come as (unit, grade) pairs from the database and as a unit -> grade
    mapping from the planner: both read 区交通委:好；莘庄镇:较好, in unit order.
    """
    # Blanks, texts and dates first: they are most cells, and an export stamps them all.
    kind_of = value.__class__
    if value is None or kind_of is str:
        return _short(value) if value else EMPTY
    if kind_of is date:
        return value.isoformat()
    # Here, not at the top: the planner imports the schemas this module's readers use.
    from importers.planning.plan import show

    spec = SCHEMAS[kind].by_name.get(field)
    if spec is not None and spec.type is FieldType.UNIT_GRADES and value:
        pairs = value.items() if isinstance(value, Mapping) else value
        value = {unit: str(grade) for unit, grade in sorted(pairs, key=lambda p: str(p[0]))}
    return _short(show(value, kind, field))


def _short(text: str) -> str:
    """Return a text as stamps keep it: as it is, or when long its beginning and a digest."""
    if len(text) <= LONG_TEXT:
        return text
    digest = hashlib.blake2b(text.encode(), digest_size=6).hexdigest()
    return f"{text[:KEPT_TEXT]}…（共{len(text)}字，摘要{digest}）"


def row_key(kind: str, values: Mapping[str, Any] | Callable[[str], Any]) -> str:
    """Return a row's key as stamps hold it: its key fields as shown, e.g. 0003 区交通委."""
    get = values.get if isinstance(values, Mapping) else values
    return " ".join(stamp_text(get(name), kind, name) for name in SCHEMAS[kind].key)


def stamps_for(kind: str, sheet: str, editable: Iterable[str], rows: Iterable[Sequence[Any]],
               at: datetime, keep: Callable[[str], None]) -> Iterator[Sequence[Any]]:
    """Pass a kind's rows (values in field order) through, keeping each one's stamp payload."""
    names = [field.name for field in SCHEMAS[kind].fields]
    keys = [(i, names[i]) for i in map(names.index, SCHEMAS[kind].key)]
    fields = [(i, name) for i, name in enumerate(names) if name in set(editable)]
    exported = at.isoformat()
    # Runs for every row written: the payload made straight from the row.
    for row in rows:
        width = len(row)
        keep(stamp_payload(sheet, kind,
                           " ".join([stamp_text(row[i], kind, name) for i, name in keys]),
                           {name: stamp_text(row[i] if i < width else None, kind, name)
                            for i, name in fields}, exported))
        yield row


@dataclass
class StampReading:
    """The stamps read from one file, and what was wrong with any line."""

    stamps: dict[StampKey, Stamp]
    problems: list[Problem]


def read_stamps(path: str | Path, verify: Callable[[str, str], bool],
                limits: Limits = DEFAULT_LIMITS) -> StampReading | None:
    """Return a file's stamps by (kind, key), or None when it carries no stamp sheet.

    A line that fails its signature, or cannot be read, is left out with a warning at
    its cell: its row is then imported as a row of an unstamped sheet (the office's own).
    """
    from importers.workbooks import ReadError, sheets_named

    reading = None
    try:
        for sheet in sheets_named(Path(path), STAMP_SHEET, limits):
            reading = StampReading({}, [])
            for r, cells in enumerate(sheet.rows()):
                if r > 0 and any(cells):
                    _read_row(reading, str(path), r, cells, verify)
    except ReadError:
        return None  # the import reads the file and says what is wrong with it
    return reading


def _read_row(reading: StampReading, path: str, r: int, cells: Sequence[Any],
              verify: Callable[[str, str], bool]) -> None:
    """Read the stamp lines of one row of the stamp sheet, warning of each bad one."""
    first = str(cells[0] or "")
    if "\t" in first:
        lines = [line.rstrip("\r").split("\t", 1) for line in first.split("\n")]
    else:
        # A line a row, payload and signature in two cells, as exports wrote them before.
        lines = [[str(cell or "") for cell in cells[:2]]]
    for n, line in enumerate(lines, start=1):
        stamp = _stamp(line, verify)
        if stamp is not None:
            reading.stamps[stamp.kind, stamp.key] = stamp
            continue
        which = f"第{n}条" if len(lines) > 1 else "这一行"
        reading.problems.append(Problem(
            path, STAMP_SHEET, cell_ref(STAMP_SHEET, r, 0), None, None,
            f"导出记录的{which}被改动过或无法识别，对应的行按未带导出记录的表格导入",
            level="warning"))


def _stamp(line: Sequence[str], verify: Callable[[str, str], bool]) -> Stamp | None:
    """Return the stamp of a line whose signature holds and whose payload is well formed."""
    if len(line) != 2:
        return None
    payload, signature = line
    if not verify(payload, signature):
        return None
    try:
        sheet, kind, key, values, at = json.loads(payload)
        stamp = Stamp(str(sheet), str(kind), str(key), values, datetime.fromisoformat(at))
    except (ValueError, TypeError):
        return None
    if (kind not in SCHEMAS or not isinstance(values, dict) or stamp.at.tzinfo is None
            or not all(isinstance(v, str) for v in values.values())):
        return None
    return stamp


_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]+)</dcterms:modified>")


def modified_at(path: str | Path) -> datetime | None:
    """Return when a workbook says it was last saved (an .xlsx's own properties), if known.

    Only the workbook's own record counts: a file's time on this disk is when it was
    uploaded. Other formats say nothing reliable, so they give None.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    found = _MODIFIED.search(core)
    if found is None:
        return None
    try:
        moment = datetime.fromisoformat(found.group(1).decode().strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
