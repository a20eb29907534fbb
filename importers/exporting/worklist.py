"""A unit's worklist: one workbook, one sheet per kind the unit fills in.

The office sends it; the unit fills in the white cells; the office imports it back.
Each sheet is a template of its kind (办理情况 = handling, 沟通走访记录 = contacts,
办理进展反馈 = progress, the two 会办 sheets = co-evaluations). A reader takes one kind
per file, so `split_workbook` turns a filled worklist into one file per sheet, each
then read (or imported) as its kind, in dependency order, with `kind="auto"`.

The sheets' order is chosen so that a worklist read whole, unsplit, is refused rather
than misread: a file's first sheet decides its kind, and the handling kind (number and
lead unit required, both in every sheet here) would take the other sheets' rows for
handling reports. The contacts sheet comes first (its 沟通阶段 and 沟通日期 are in no
other sheet, so every other sheet fails its header check); 办理情况 is the sheet Excel
opens on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from xlsxwriter.workbook import Workbook

from importers.exporting.book import INSTRUCTIONS_SHEET, ExportBook, Target
from importers.exporting.safety import looks_like_formula
from importers.exporting.sheets import DATE_FORMAT, DATETIME_FORMAT, FIRST_DATA_ROW
from importers.exporting.templates import Row, Template, write_kind_sheet
from importers.limits import DEFAULT_LIMITS, Limits
from importers.schemas.opinions import STANDING_HEADERS
from importers.stamps import Signer
from importers.values import is_blank
from importers.workbooks import ReadError, read_sheets

HANDLING, CONTACTS, PROGRESS, AS_CO_HANDLER, CO_HANDLERS = (
    "handling", "contacts", "progress", "as_co_handler", "co_handlers")


@dataclass(frozen=True)
class WorklistPart:
    """One sheet of a worklist: which rows go in it and what the unit may change there."""

    part: str
    kind: str
    sheet: str
    editable: frozenset[str]
    note: str
    numbers_dropdown: bool = False  # new rows pick the opinion's number from the list
    active: bool = False  # the sheet Excel opens on
    info: tuple[str, ...] = ()  # read-only columns after the fields (`Template.info`)


PARTS: tuple[WorklistPart, ...] = (
    WorklistPart(
        CONTACTS, "contacts", "沟通走访记录", frozenset({"method"}),
        "已登记的沟通走访（办前、办中、办后）；新的沟通走访请在末尾空行逐条填写。",
        numbers_dropdown=True,
    ),
    WorklistPart(
        HANDLING, "handling", "办理情况",
        frozenset({"accepted_on", "consulted_on", "consult_method", "replied_on",
                   "answer_type", "concluded", "concluded_on", "second_reply_on",
                   "contact_person", "remarks"}),
        "本单位主办、尚未办结的书面意见：请填写签收、面商、答复、答复类型和办结情况；"
        "最后几列是截至导出之日的办理状态和期限，供参考。",
        active=True, info=STANDING_HEADERS,
    ),
    WorklistPart(
        PROGRESS, "progress", "办理进展反馈", frozenset({"text"}),
        "“正在解决”“计划解决”件的进展反馈；新的反馈请在末尾空行逐条填写。",
        numbers_dropdown=True,
    ),
    WorklistPart(
        AS_CO_HANDLER, "co-evaluations", "本单位会办", frozenset({"submitted_on"}),
        "本单位会办的书面意见：请填写会办意见送达主办单位的日期。",
    ),
    WorklistPart(
        CO_HANDLERS, "co-evaluations", "会办单位评价", frozenset({"submitted_on", "rating"}),
        "本单位主办件的会办单位：请填写会办意见送达日期，并对会办单位作出评价。",
    ),
)
KINDS: tuple[str, ...] = tuple(dict.fromkeys(part.kind for part in PARTS))


def write_worklist(target: Target, unit: str, session: str,
                   rows: Mapping[str, Iterable[Row]], *, units: Sequence[str] = (),
                   numbers: Sequence[str] = (), signer: Signer | None = None) -> int:
    """Write a unit's worklist; `rows` gives each part's rows by part name.

    `numbers` are the opinions the unit may add contacts and progress reports to;
    with a signer, its rows are stamped (`importers.stamps`).
    """
    count = 0
    with ExportBook(target, signer=signer) as book:
        book.add_notes(f"本工作簿是{unit}在{session}的书面意见办理工作清单，"
                       "各工作表分别导入；请在白色单元格中填写。")
        for part in PARTS:
            template = Template(part.kind, title=f"{unit} {part.sheet}（{session}）",
                                sheet_name=part.sheet, editable=part.editable,
                                notes=(part.note,), info=part.info)
            lists = {"number": numbers} if part.numbers_dropdown and numbers else None
            count += write_kind_sheet(book, template, rows.get(part.part, ()), units=units,
                                      lists=lists, active=part.active)
    return count


def is_worklist(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> bool:
    """Tell whether a file is a worklist as written here: instructions beside several sheets.

    Any file that cannot be read as a workbook, or passes the limits, is not one
    (reading it reports why).
    """
    try:
        sheets = [s for s in read_sheets(Path(path), limits) if s.visible and not s.empty]
    except ReadError:
        return False
    names = {sheet.name for sheet in sheets}
    return INSTRUCTIONS_SHEET in names and len(names - {INSTRUCTIONS_SHEET}) > 1


def split_workbook(path: str | Path, folder: str | Path,
                   limits: Limits = DEFAULT_LIMITS) -> list[Path]:
    """Write each visible data sheet of a workbook to its own .xlsx in folder.

    Cells keep their values, types and places (a problem found in a part names the
    same cell as in the whole), merged cells stay merged; the instructions sheet and
    hidden sheets are left out, and so are sheets the unit left with no row under the
    header (nothing to import from them). Raises `ReadError` if the workbook cannot be read.
    """
    source, folder = Path(path), Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet in read_sheets(source, limits):
        if not sheet.visible or sheet.empty or sheet.name == INSTRUCTIONS_SHEET:
            continue
        rows = list(sheet.rows())
        if not any(not is_blank(value) for row in rows[FIRST_DATA_ROW:] for value in row):
            continue
        part = folder / f"{source.stem}-{sheet.name}.xlsx"
        _copy_sheet(part, sheet.name, rows, sheet.merged)
        written.append(part)
    return written


def _copy_sheet(path: Path, name: str, rows: Iterable[list[Any]],
                merged: Sequence[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    book = Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                "strings_to_urls": False})
    sheet = book.add_worksheet(name)
    formats = {
        "text": book.add_format(), "quoted": book.add_format({"quote_prefix": True}),
        "date": book.add_format({"num_format": DATE_FORMAT}),
        "datetime": book.add_format({"num_format": DATETIME_FORMAT}),
    }
    # A merged range's value is its first cell's: keep those to write after merging.
    firsts: dict[tuple[int, int], Any] = {first: None for first, last in merged if first != last}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            _copy_cell(sheet, formats, r, c, value)
            if (r, c) in firsts:
                firsts[r, c] = value
    for first, last in merged:
        if first != last:
            sheet.merge_range(*first, *last, "")
            _copy_cell(sheet, formats, *first, firsts[first])
    book.close()


def _copy_cell(sheet: Any, formats: dict[str, Any], r: int, c: int, value: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        sheet.write_number(r, c, value)
    elif isinstance(value, datetime):
        sheet.write_datetime(r, c, value, formats["datetime"])
    elif isinstance(value, date):
        sheet.write_datetime(r, c, value, formats["date"])
    else:
        text = str(value)
        sheet.write_string(r, c, text, formats["quoted" if looks_like_formula(text) else "text"])
