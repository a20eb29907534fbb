"""Export stamps: what the database held for each row a sheet was exported with.

An export writes, on a hidden and protected sheet (导出记录), one line per data row: the
sheet, the kind, the row's key, the exported text of every field the user may change
there and the export time (as JSON, one cell), and its signature, so that an edited
line is known as one. An import
reads them back (`read_stamps`) to tell a value the database changed since the export
from a value the file changes: a file returned late must not undo a newer edit.

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
STAMP_HEADERS = ("导出时的行（工作表、类型、行键、各可填字段的值、导出时间）", "校验码")
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

    def cells(self, signer: Signer, at: str | None = None) -> tuple[str, str]:
        """Return the stamp line's cells: its payload and the payload's signature."""
        payload = _JSON.encode([self.sheet, self.kind, self.key, self.values,
                                at or self.at.isoformat()])
        return payload, signer(payload)


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
               at: datetime, keep: Callable[[Stamp], None]) -> Iterator[Sequence[Any]]:
    """Pass a kind's rows (values in field order) through, keeping a stamp of each."""
    names = [field.name for field in SCHEMAS[kind].fields]
    keys = [names.index(name) for name in SCHEMAS[kind].key]
    fields = [(i, name) for i, name in enumerate(names) if name in set(editable)]
    for row in rows:
        width = len(row)
        keep(Stamp(sheet, kind,
                   " ".join(stamp_text(row[i], kind, names[i]) for i in keys),
                   {name: stamp_text(row[i] if i < width else None, kind, name)
                    for i, name in fields}, at))
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
                    _read_line(reading, str(path), r, cells, verify)
    except ReadError:
        return None  # the import reads the file and says what is wrong with it
    return reading


def _read_line(reading: StampReading, path: str, r: int, cells: Sequence[Any],
               verify: Callable[[str, str], bool]) -> None:
    stamp = _stamp(cells, verify)
    if stamp is None:
        reading.problems.append(Problem(
            path, STAMP_SHEET, cell_ref(STAMP_SHEET, r, 0), None, None,
            "导出记录的这一行被改动过或无法识别，对应的行按未带导出记录的表格导入",
            level="warning"))
    else:
        reading.stamps[stamp.kind, stamp.key] = stamp


def _stamp(cells: Sequence[Any], verify: Callable[[str, str], bool]) -> Stamp | None:
    """Return the stamp of a line whose signature holds and whose payload is well formed."""
    if len(cells) < len(STAMP_HEADERS):
        return None
    payload, signature = (str(cell) for cell in cells[:2])
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
