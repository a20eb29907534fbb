"""Read workbooks into typed records and problems: a file, a folder, or a year of them.

    result = read_paths(["samples/2017"], year=2017, session="区六届人大一次会议")
    for file in result.files: file.kind, file.records, file.problems

`kind="auto"` recognises each file's kind from its headers and reads a folder in
dependency order, so the units sheet fills the unit lookup before anything names a unit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importers.columns import ColumnMatch, header_signature
from importers.headers import Header, Labels, find_header, normalise_header, resolve_target
from importers.limits import DEFAULT_LIMITS, Limits
from importers.matching import SAMPLE_ROWS, Candidate, Knowledge, Profiler
from importers.problems import Problem, ReadError, cell_ref
from importers.records import Record
from importers.schemas import KINDS, SCHEMAS, Schema
from importers.tables import Context, read_table, sheet_constants
from importers.units import UnitLookup
from importers.values import as_text
from importers.workbooks import HEAD_ROWS, INSTRUCTIONS_SHEET, SUFFIXES, Sheet, read_sheets

AUTO = "auto"
NO_DATA_ROWS = "表格没有数据行"
ColumnMapping = Mapping[str, str | None]
Units = UnitLookup | Mapping[str, Iterable[str]]  # a lookup, or name -> aliases
# (kind, header signature) -> the mapping remembered for sheets of that layout, if any
Remembered = Callable[[str, str], ColumnMapping | None]


class UsageError(ValueError):
    """The call itself is wrong (unknown kind, mapping to no field); the message is Chinese."""


@dataclass
class FileResult:
    """What one file gave: its kind, its records in row order, and its problems."""

    path: Path
    kind: str | None
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    columns: list[ColumnMatch] = field(default_factory=list)  # of every sheet read

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def by_key(self) -> dict[tuple[Any, ...], Record]:
        """Return the records keyed by their kind's key fields (the first of duplicates)."""
        keyed: dict[tuple[Any, ...], Record] = {}
        for record in self.records:
            keyed.setdefault(record.key, record)
        return keyed


@dataclass
class ReadResult:
    """Every file read in one go, in dependency order, and the unit lookup they used."""

    files: list[FileResult]
    units: UnitLookup | None
    session: str | None = None
    year: int | None = None

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def records(self, kind: str) -> list[Record]:
        """Return the records of one kind from every file, in reading order."""
        return [r for f in self.files if f.kind == kind for r in f.records]

    def by_key(self, kind: str) -> dict[tuple[Any, ...], Record]:
        """Return one kind's records keyed by its key fields (the first of duplicates)."""
        keyed: dict[tuple[Any, ...], Record] = {}
        for record in self.records(kind):
            keyed.setdefault(record.key, record)
        return keyed


def read_file(path: str | Path, kind: str = AUTO, **options: Any) -> FileResult:
    """Read one workbook as the given kind, or recognise its kind from its headers."""
    return read_paths([path], kind, **options).files[0]


def read_paths(paths: Iterable[str | Path], kind: str = AUTO, *, session: str | None = None,
               year: int | None = None,
               units: Units | None = None, mapping: ColumnMapping | None = None,
               remembered: Remembered | None = None,
               limits: Limits = DEFAULT_LIMITS,
               deputies: Iterable[str] = ()) -> ReadResult:
    """Read files and folders (recursively) in dependency order of their kinds.

    `units` resolves unit names and aliases (a units sheet among the files extends it);
    `mapping` maps unknown headers to fields ({源列: 字段名或表头}, None to ignore);
    `remembered` gives a mapping confirmed earlier for a sheet's header signature, used
    for that sheet under `mapping`, which wins;
    a file beyond `limits` is refused, with a problem saying which, before it is parsed;
    `deputies` (the roster's names, and those of a deputies sheet among the files) help
    recognise a column of deputies by its values.
    """
    kinds = _kinds(kind)
    _check_mapping(mapping or {}, kinds)
    labels = {k: Labels.build(SCHEMAS[k], mapping) for k in kinds}
    files = [file for path in paths for file in _expand(Path(path))]
    if not files:
        raise UsageError("没有找到可导入的表格文件（.xlsx、.xlsm、.xls、.ods、.csv）")
    lookup = units if isinstance(units, UnitLookup) or units is None else UnitLookup(units)
    roster = frozenset(deputies)
    ordered = _order(files, kind, labels, Context(session, year, lookup, limits, roster))
    recall = _Recall(remembered, mapping or {}) if remembered else None
    results: list[FileResult] = []
    for path, file_kind in ordered:
        context = Context(session, year, lookup, limits, roster)
        result = _read_one(path, file_kind, labels, context, recall)
        results.append(result)
        if result.kind == "units" and result.records:
            lookup = _extended(lookup, result.records)
        elif result.kind == "deputies" and result.records:
            # The roster read first tells a column of deputies from one of staff (经办人).
            roster |= {record["name"] for record in result.records if record["name"]}
    _mark_duplicates(results)
    return ReadResult(results, lookup, session, year)


def read_folder(path: str | Path, kind: str = AUTO, **options: Any) -> ReadResult:
    """Read every workbook in a folder and its subfolders, in dependency order."""
    return read_paths([path], kind, **options)


def parse_mapping(options: Iterable[str]) -> dict[str, str | None]:
    """Turn `源列=目标列` options (from a command line or a form) into a column mapping."""
    mapping: dict[str, str | None] = {}
    for option in options:
        source, equals, target = option.partition("=")
        if not equals or not source.strip():
            raise UsageError(f"列映射“{option}”应写成 源列=目标列（目标留空表示忽略该列）")
        mapping[source.strip()] = target.strip() or None
    return mapping


def _kinds(kind: str) -> list[str]:
    if kind == AUTO:
        return list(KINDS)
    if kind not in SCHEMAS:
        raise UsageError(f"未知的表格类型“{kind}”，应为 auto 或 {'、'.join(KINDS)}")
    return [kind]


def _check_mapping(mapping: ColumnMapping, kinds: Sequence[str]) -> None:
    for source, target in mapping.items():
        if not any(resolve_target(SCHEMAS[k], target) is not None for k in kinds):
            raise UsageError(f"列映射“{source}={target}”：目标“{target}”不是任何可导入的列")


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and _is_workbook(p))
    return [path]


def _is_workbook(path: Path) -> bool:
    # Skip Excel's lock files (~$name.xlsx) and hidden files.
    return path.suffix.lower() in SUFFIXES and not path.name.startswith(("~$", "."))


def _order(files: list[Path], kind: str, labels: Mapping[str, Labels],
           context: Context) -> list[tuple[Path, str | None]]:
    """Return each file with its kind, sorted in dependency order (unknown kinds last)."""
    if kind != AUTO or len(files) == 1:
        return [(path, None if kind == AUTO else kind) for path in files]
    # Peek at the first rows only: the full read comes later, in order.
    kinds = [(path, _detect(path, labels, context)) for path in files]
    rank = {k: i for i, k in enumerate(KINDS)}
    return sorted(kinds, key=lambda item: rank.get(item[1] or "", len(rank)))


def _detect(path: Path, labels: Mapping[str, Labels], context: Context) -> str | None:
    try:
        for sheet in read_sheets(path, context.limits):
            if kind := _sheet_kind(sheet, labels, _profiler(sheet, context)):
                return kind
    except ReadError:
        pass  # said when the file is read in its turn
    return None


def _sheet_kind(sheet: Sheet, labels: Mapping[str, Labels], profiler: Profiler) -> str | None:
    if sheet.visible and (header := find_header(profiler.rows, sheet.merged, labels.values(),
                                                profiler=profiler)):
        return header.schema.kind
    return None


@dataclass(frozen=True)
class _Recall:
    """The caller's remembered mappings, and its own mapping that overrides them."""

    remembered: Remembered
    mapping: ColumnMapping

    def labels(self, labels: Labels, header: Header) -> Labels | None:
        """Return the labels of a sheet whose header has a remembered mapping, else None."""
        texts = [header.texts[column] for column in sorted(header.texts)]
        found = self.remembered(labels.schema.kind, header_signature(texts))
        if not found:
            return None
        return Labels.build(labels.schema, {**found, **self.mapping})


def _profiler(sheet: Sheet, context: Context) -> Profiler:
    """Return the profiler of a sheet's first rows: its header's rows and a sample below."""
    knowledge = Knowledge(context.units, context.deputies, context.year)
    return Profiler(sheet.peek(HEAD_ROWS + SAMPLE_ROWS), knowledge)


def _read_one(path: Path, kind: str | None, labels: Mapping[str, Labels],
              context: Context, recall: _Recall | None = None) -> FileResult:
    result = FileResult(path, kind)
    skipped: list[str] = []
    header_only: list[str] = []
    hidden: list[tuple[str, str]] = []  # a hidden sheet holding a table, and the table's kind
    any_data = False
    try:
        for sheet in read_sheets(path, context.limits):
            if not sheet.visible and not sheet.empty and (
                    found := find_header(sheet.peek(HEAD_ROWS), sheet.merged, labels.values())):
                hidden.append((sheet.name, found.schema.kind))
            if not sheet.visible or sheet.empty or sheet.name == INSTRUCTIONS_SHEET:
                continue  # hidden sheets hold dropdown lists; new workbooks carry empty ones
            any_data = True
            profiler = _profiler(sheet, context)
            if result.kind is None:
                result.kind = _sheet_kind(sheet, labels, profiler)
            before = len(result.records)
            if result.kind is None or not _read_sheet(result, sheet, labels[result.kind], context,
                                                      profiler, recall):
                skipped.append(sheet.name)
            elif sheet.name in result.sheets and len(result.records) == before:
                header_only.append(sheet.name)
    except ReadError as error:
        result.problems.append(Problem(str(path), None, None, None, None, str(error)))
        return result
    result.problems.extend(
        Problem(str(path), name, None, None, None,
                f"工作表“{name}”是隐藏的，其中的“{SCHEMAS[kind].title}”未导入；"
                "如需导入，请在 Excel 中取消隐藏后重新导入", "warning")
        for name, kind in hidden)
    if result.sheets and not result.records and not result.errors:
        result.problems.append(Problem(str(path), None, None, None, None,
                                       f"{NO_DATA_ROWS}：只有表头，下面没有可导入的行"))
    elif result.records:
        result.problems.extend(
            Problem(str(path), name, None, None, None,
                    f"工作表“{name}”只有表头，没有数据行", "warning")
            for name in header_only)
    if result.sheets or result.errors:
        result.problems.extend(
            Problem(str(path), name, None, None, None,
                    f"工作表“{name}”中没有找到“{SCHEMAS[result.kind or ''].title}”的表头，已跳过",
                    "warning")
            for name in skipped)
    elif not any_data:
        result.problems.append(Problem(str(path), None, None, None, None,
                                       f"{NO_DATA_ROWS}：文件中没有任何内容"))
    elif result.kind is None:
        result.problems.append(Problem(str(path), None, None, None, None,
                                       "无法识别表格类型：没有找到任何一种可导入表格的表头"))
    else:
        schema = SCHEMAS[result.kind]
        result.problems.append(Problem(
            str(path), None, None, None, None,
            f"文件中没有找到“{schema.title}”的表头（应含 {'、'.join(schema.headers)}）"))
    return result


def _read_sheet(result: FileResult, sheet: Sheet, labels: Labels, context: Context,
                profiler: Profiler, recall: _Recall | None = None) -> bool:
    """Read one sheet into the result; return False if it has no header of the kind."""
    header = find_header(profiler.rows, sheet.merged, [labels], profiler=profiler)
    if header is None:
        return False
    if recall and (remembered := recall.labels(labels, header)):
        header = find_header(profiler.rows, sheet.merged, [remembered],
                             profiler=profiler) or header
    file = str(result.path)
    missing = set(header.missing) - set(sheet_constants(labels.schema, sheet.name, header, context))
    result.problems.extend(_header_problems(file, sheet.name, header, missing))
    result.columns.extend(header.column_matches(sheet.name))
    if not missing:
        records, problems = read_table(file, sheet, header, context)
        result.sheets.append(sheet.name)
        result.records.extend(records)
        result.problems.extend(problems)
        result.problems.extend(_hidden_rows_read(file, sheet, records))
    return True


def _hidden_rows_read(file: str, sheet: Sheet, records: list[Record]) -> list[Problem]:
    """Say which rows read were hidden in the sheet (saved while filtered): their sender
    did not see them."""
    rows = sorted(r.row + 1 for r in records if r.row in sheet.hidden_rows)
    if not rows:
        return []
    shown = "、".join(map(str, rows[:10])) + (f"等{len(rows)}行" if len(rows) > 10 else "行")
    return [Problem(file, sheet.name, cell_ref(sheet.name, rows[0] - 1, 0), None, None,
                    f"第{shown}在表格中是隐藏的（例如筛选后保存），也一并读取了；"
                    "如这些行不应导入，请在表格中删除后重新上传", "warning")]


def _header_problems(file: str, sheet: str, header: Header, missing: set[str]) -> list[Problem]:
    """Report unknown and repeated columns (warnings) and missing required ones (errors)."""
    schema = header.schema
    problems = []
    for column in header.unknown:
        text = header.texts[column]
        message = _unknown_column_message(schema, text, header.unclear.get(column, []))
        problems.append(Problem(file, sheet, cell_ref(sheet, header.bottom, column), None, text,
                                message, "warning"))
    for column in header.repeated:
        text = header.texts[column]
        problems.append(Problem(file, sheet, cell_ref(sheet, header.bottom, column), None, text,
                                f"列“{text}”与前面的列对应同一项，按前面的列导入；"
                                "两列不一致的行将报错", "warning"))
    for name in (name for name in header.missing if name in missing):
        f = schema.by_name[name]
        message = f"缺少必填列“{f.header}”"
        if name == "number" and any(normalise_header(t) == "序号" for t in header.texts.values()):
            message += "（“序号”是行号，不是意见编号；若该列确为编号，请用列映射 序号=编号）"
        problems.append(Problem(file, sheet, cell_ref(sheet, header.bottom, None), name, None,
                                message))
    return problems


def _unknown_column_message(schema: Schema, text: str, unclear: Sequence[Candidate]) -> str:
    said = [f"“{schema.by_name[c.field].header}”（{c.confidence:.0%}）" for c in unclear]
    if len(said) == 2:
        first = schema.by_name[unclear[0].field].header
        return (f"未识别的列“{text}”：与{said[0]}和{said[1]}都相近，无法确定，该列未导入；"
                f"请指定列映射（如 {text}={first}）")
    hint = f"是否为{said[0]}？" if said else ""
    return f"未识别的列“{text}”，该列未导入；{hint}如需导入，请指定列映射（如 {text}=目标列）"


def _extended(lookup: UnitLookup | None, records: Sequence[Record]) -> UnitLookup:
    """Return the caller's lookup plus the units a units sheet just listed."""
    extended = UnitLookup.from_records(records)
    if lookup is not None:
        for name in lookup.names:
            extended.add(name, lookup.aliases(name))
    return extended


def _mark_duplicates(results: Sequence[FileResult]) -> None:
    """Report a record whose key an earlier record of the same kind already has."""
    seen: dict[tuple[str, tuple[Any, ...]], Record] = {}
    for result in results:
        for record in result.records:
            if any(part in (None, "") for part in record.key):
                continue
            first = seen.setdefault((record.kind, record.key), record)
            if first is record:
                continue
            schema = SCHEMAS[record.kind]
            name = schema.key[0]
            where = first.cell(name) or f"{first.sheet}!{first.excel_row}"
            said = "、".join(f"{schema.by_name[k].header}={_show(v)}" for k, v in
                            zip(schema.key, record.key, strict=True))
            problem = Problem(record.file, record.sheet, record.cell(name), name,
                              record.get(name),
                              f"重复：{said} 已在 {Path(first.file).name} {where} 出现")
            record.add_problem(problem)
            result.problems.append(problem)


def _show(value: Any) -> str:
    return f"{value:04d}" if isinstance(value, int) else as_text(value)
