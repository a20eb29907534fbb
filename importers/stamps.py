"""Export stamps: what the database held for each row a sheet was exported with.

An export writes, on a hidden and protected sheet (导出记录), one line per data row: the
sheet, the kind, the row's key, the exported text of every field the user may change
there and the export time, signed so that an edited line is known as one. An import
reads them back (`read_stamps`) to tell a value the database changed since the export
from a value the file changes: a file returned late must not undo a newer edit.

Values are kept as the import preview shows them (`stamp_text`), so that a stamp, the
database's value and the file's value compare as text whatever their types, and a new
field of a schema needs nothing here.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from importers.limits import DEFAULT_LIMITS, Limits
from importers.problems import Problem, cell_ref
from importers.schemas import SCHEMAS, FieldType

STAMP_SHEET = "导出记录"
STAMP_HEADERS = ("工作表", "表格类型", "行键", "导出时的值", "导出时间", "校验码")
Signer = Callable[[str], str]  # the payload of a stamp line -> its signature

StampKey = tuple[str, str]  # kind, the row's key as `row_key` writes it


@dataclass(frozen=True, slots=True)
class Stamp:
    """One exported row: its sheet, kind and key, the text of its editable fields, when."""

    sheet: str
    kind: str
    key: str
    values: dict[str, str]
    at: datetime

    def payload(self) -> str:
        """Return the text a stamp line's signature covers."""
        return json.dumps([self.sheet, self.kind, self.key, self.values, self.at.isoformat()],
                          ensure_ascii=False, sort_keys=True)

    def cells(self, signer: Signer) -> list[str]:
        """Return the stamp line's cells, signed."""
        return [self.sheet, self.kind, self.key,
                json.dumps(self.values, ensure_ascii=False, sort_keys=True),
                self.at.isoformat(), signer(self.payload())]


def stamp_text(value: Any, kind: str, field: str) -> str:
    """Return a field's value as the preview shows it, the form stamps compare in.

    Unit grades come as (unit, grade) pairs from the database and as a unit -> grade
    mapping from the planner: both read 区交通委:好；莘庄镇:较好, in unit order.
    """
    # Here, not at the top: the planner imports the schemas this module's readers use.
    from importers.planning.plan import show

    spec = SCHEMAS[kind].by_name.get(field)
    if spec is not None and spec.type is FieldType.UNIT_GRADES and value:
        pairs = value.items() if isinstance(value, Mapping) else value
        value = {unit: str(grade) for unit, grade in sorted(pairs, key=lambda p: str(p[0]))}
    return show(value, kind, field)


def row_key(kind: str, values: Mapping[str, Any] | Callable[[str], Any]) -> str:
    """Return a row's key as stamps hold it: its key fields as shown, e.g. 0003 区交通委."""
    get = values.get if isinstance(values, Mapping) else values
    return " ".join(stamp_text(get(name), kind, name) for name in SCHEMAS[kind].key)


def stamps_for(kind: str, sheet: str, editable: Iterable[str], rows: Iterable[Sequence[Any]],
               at: datetime, keep: Callable[[Stamp], None]) -> Iterator[Sequence[Any]]:
    """Pass a kind's rows (values in field order) through, keeping a stamp of each."""
    names = [field.name for field in SCHEMAS[kind].fields]
    fields = [(i, name) for i, name in enumerate(names) if name in set(editable)]
    for row in rows:
        by_name = dict(zip(names, row, strict=False))
        keep(Stamp(sheet, kind, row_key(kind, by_name),
                   {name: stamp_text(row[i] if i < len(row) else None, kind, name)
                    for i, name in fields}, at))
        yield row


@dataclass
class StampReading:
    """The stamps read from one file, and what was wrong with any line."""

    stamps: dict[StampKey, Stamp]
    problems: list[Problem]

    @property
    def stamped(self) -> bool:
        return bool(self.stamps)


def read_stamps(path: str | Path, verify: Callable[[str, str], bool],
                limits: Limits = DEFAULT_LIMITS) -> StampReading | None:
    """Return a file's stamps by (kind, key), or None when it carries no stamp sheet.

    A line that fails its signature, or cannot be read, is left out with a warning at
    its cell: its row is then imported as a row of an unstamped sheet (the office's own).
    """
    from importers.workbooks import ReadError, read_sheets

    try:
        sheets = [sheet for sheet in read_sheets(Path(path), limits)
                  if sheet.name == STAMP_SHEET]
    except ReadError:
        return None
    if not sheets:
        return None
    stamps: dict[StampKey, Stamp] = {}
    problems: list[Problem] = []
    for r, cells in enumerate(sheets[0].rows()):
        if r == 0 or not any(cells):
            continue
        stamp = _stamp(cells, verify)
        if stamp is None:
            problems.append(Problem(
                str(path), STAMP_SHEET, cell_ref(STAMP_SHEET, r, 0), None, None,
                "导出记录的这一行被改动过或无法识别，对应的行按未带导出记录的表格导入",
                level="warning"))
            continue
        stamps[stamp.kind, stamp.key] = stamp
    return StampReading(stamps, problems)


def _stamp(cells: Sequence[Any], verify: Callable[[str, str], bool]) -> Stamp | None:
    texts = [str(cell) if cell is not None else "" for cell in cells[:len(STAMP_HEADERS)]]
    if len(texts) < len(STAMP_HEADERS):
        return None
    sheet, kind, key, values, at, signature = texts
    try:
        stamp = Stamp(sheet, kind, key, json.loads(values), datetime.fromisoformat(at))
    except ValueError:
        return None
    if (kind not in SCHEMAS or not isinstance(stamp.values, dict)
            or not all(isinstance(v, str) for v in stamp.values.values())
            or stamp.at.tzinfo is None or not verify(stamp.payload(), signature)):
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
