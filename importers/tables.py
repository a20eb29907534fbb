"""Read the data rows under a sheet's header into typed, validated records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from importers.headers import Header, normalise_header
from importers.limits import DEFAULT_LIMITS, Limits
from importers.problems import Problem, cell_ref, column_letter
from importers.records import Origin, Record
from importers.rows import FillDown, skip_reason, wide_rows
from importers.schemas import Field, FieldType, Schema
from importers.schemas.base import Looks
from importers.units import UnitLookup
from importers.values import (
    NONE_WORDS,
    BadValue,
    Parser,
    as_text,
    choice_parser,
    error_value,
    happened_date,
    parse_date,
    parse_name,
    parse_number,
    parse_text,
    parse_unit_grades,
    split_values,
    yes_no_parser,
)
from importers.workbooks import Sheet


@dataclass(frozen=True)
class Context:
    """What a sheet does not say itself: the session, its year, the units known so far."""

    session: str | None = None
    year: int | None = None
    units: UnitLookup | None = None
    limits: Limits = DEFAULT_LIMITS  # how big a file may be
    deputies: frozenset[str] = frozenset()  # the roster's names, to know a deputies column


def parser_for(field: Field, context: Context) -> Parser:
    """Return the function that turns a non-blank cell into the field's value."""
    single = _single_parser(field, context)
    if not field.multi:
        return single

    def parse_many(raw: Any) -> list[Any]:
        return list(dict.fromkeys(single(part) for part in split_values(raw)))

    return parse_many


def _single_parser(field: Field, context: Context) -> Parser:
    unit = context.units.resolve if context.units else parse_text
    year = context.year
    match field.type:
        case FieldType.NUMBER:
            return parse_number
        case FieldType.DATE:
            if field.happened:
                return lambda raw: happened_date(parse_date(raw, year))
            return lambda raw: parse_date(raw, year)
        case FieldType.BOOL:
            return yes_no_parser(*field.yes_no, header=field.header)
        case FieldType.CHOICE:
            assert field.choices is not None
            return choice_parser(field.choices)
        case FieldType.UNIT:
            return unit
        case FieldType.UNIT_GRADES:
            return lambda raw: parse_unit_grades(raw, unit)
    return parse_name if field.looks is Looks.DEPUTY else parse_text


def blank_value(field: Field) -> Any:
    """Return what an empty cell means for a field: no, nothing, or an empty list."""
    if field.type is FieldType.BOOL and not field.required:
        return False
    if field.multi or field.type is FieldType.UNIT_GRADES:
        return []
    return None


@dataclass
class _Column:
    field: Field
    position: int  # in a record's data
    column: int  # in the sheet
    parse: Parser
    blank: Any

    def empty(self) -> Any:
        """Return the field's blank value; a list is new each time, never shared."""
        return [] if self.blank.__class__ is list else self.blank


def read_table(file: str, sheet: Sheet, header: Header,
               context: Context) -> tuple[list[Record], list[Problem]]:
    """Return the records of the rows below the header and the problems found in them."""
    schema = header.schema
    names = tuple(f.name for f in schema.fields)
    origin = Origin(schema.kind, file, sheet.name, names, dict(header.columns))
    constants = sheet_constants(schema, sheet.name, header, context)
    # Every record starts as this template: what a missing column or the sheet's name says.
    template = [constants[f.name] if f.name in constants else blank_value(f)
                for f in schema.fields]
    columns = [_Column(schema.by_name[name], origin.index[name], index,
                       parser_for(schema.by_name[name], context), blank_value(schema.by_name[name]))
               for name, index in header.columns.items()]
    # A field's second column (a repeated header) is only checked against its first.
    twins = [(twin, next(c for c in columns if c.column == header.columns[name]))
             for twin, name in header.twins.items() if name in header.columns]
    # Each record gets lists of its own, never one list shared with other records.
    fresh_lists = [i for i, value in enumerate(template) if isinstance(value, list)]
    needed = [f for f in schema.fields
              if (f.required and f.name in header.columns) or f.required_if]
    key = [origin.index[name] for name in schema.key]
    blank_key = tuple(template[position] for position in key)
    fill = FillDown(sheet.merged, header.bottom)
    wide = wide_rows(sheet.merged)
    header_keys = _header_row_texts(header)
    problems: list[Problem] = []
    records: list[Record] = []
    for r, row in enumerate(sheet.rows()):
        if r <= header.bottom:
            continue
        if fill:
            fill.apply(r, row)
        if skip_reason(row, r in wide) or _repeats_header(row, header_keys):
            continue
        record = Record(origin, r, template.copy())
        data = record.data
        for position in fresh_lists:
            data[position] = []
        width = len(row)
        for column in columns:
            raw = row[column.column] if column.column < width else ""
            if _is_empty(raw):
                data[column.position] = column.empty()
                continue
            try:
                data[column.position] = column.parse(raw)
            except BadValue as error:
                data[column.position] = column.empty()
                why = (raw.__class__ is str and error_value(raw)) or str(error)
                _report(record, problems, column.field, column.column, raw, why)
        if twins:
            _check_twins(record, row, twins, problems)
        record.key = tuple([data[position] for position in key])
        if record.key == blank_key and record.problems is None and data == template:
            continue  # nothing but cells no field reads: a template's 序号 filled in ahead
        if needed:
            _check_required(record, needed, schema, problems)
        records.append(record)
    return records, problems


def _is_empty(raw: Any) -> bool:
    if raw.__class__ is str:
        text = raw.strip()
        return not text or text.upper() in NONE_WORDS
    return raw is None


def _report(record: Record, problems: list[Problem], field: Field, column: int | None,
            raw: Any, message: str) -> None:
    sheet = record.origin.sheet
    cell = cell_ref(sheet, record.row, column)
    message = f"{field.header}：{message}"
    problem = Problem(record.origin.file, sheet, cell, field.name, raw, message)
    record.add_problem(problem)
    problems.append(problem)


def _check_twins(record: Record, row: list[Any], twins: list[tuple[int, _Column]],
                 problems: list[Problem]) -> None:
    """Refuse a row whose second column of a field says something else than the first."""
    for twin, first in twins:
        raw = row[twin] if twin < len(row) else ""
        if _is_empty(raw):
            continue
        try:
            same = first.parse(raw) == record.data[first.position]
        except BadValue:
            same = False
        if not same:
            where = f"{column_letter(first.column)}{record.row + 1}"
            _report(record, problems, first.field, twin, raw,
                    f"与同一项的 {where} 不一致，无法确定以哪一列为准")


def _check_required(record: Record, needed: list[Field], schema: Schema,
                    problems: list[Problem]) -> None:
    columns = record.origin.columns
    reported = {p.field for p in record.problems or ()}
    for field in needed:
        if record[field.name] not in (None, "", []) or field.name in reported:
            continue
        if field.required:
            _report(record, problems, field, columns[field.name], "", "必填项为空")
        elif field.required_if and record[field.required_if[0]] == field.required_if[1]:
            other = schema.by_name[field.required_if[0]]
            said = _say(other, field.required_if[1])
            _report(record, problems, field, columns.get(field.name), "",
                    f"{other.header}为“{said}”时必须填写")


def _say(field: Field, value: Any) -> str:
    if field.type is FieldType.BOOL:
        return field.yes_no[0] if value else field.yes_no[1]
    return as_text(value)


def sheet_constants(schema: Schema, sheet_name: str, header: Header,
                    context: Context) -> dict[str, Any]:
    """Take the schema's sheet field from the sheet's name when no column holds it."""
    name = schema.sheet_field
    if not name or name in header.columns:
        return {}
    try:
        return {name: parser_for(schema.by_name[name], context)(sheet_name)}
    except BadValue:
        return {}


def _header_row_texts(header: Header) -> list[tuple[int, str]]:
    return [(column, normalise_header(header.texts.get(column, "").split("/")[-1]))
            for column in header.columns.values()]


def _repeats_header(row: list[Any], header_keys: list[tuple[int, str]]) -> bool:
    """Tell whether a row repeats the header, as sheets printed over several pages do, or
    a table pasted under another: its upper row, or its lower one (签收日期 and 答复日期
    under their group titles, the rest blank)."""
    column, key = header_keys[0]
    # Cheap test on one cell first: this runs for every row.
    first = row[column] if column < len(row) else ""
    if first.__class__ is not str or (first.strip() and normalise_header(first) != key):
        return False
    hits = filled = 0
    for column, key in header_keys:
        value = row[column] if column < len(row) else ""
        if value.__class__ is str and value.strip():
            filled += 1
            hits += normalise_header(value) == key
        elif value not in (None, ""):
            filled += 1
    return hits >= max(2, len(header_keys) // 2) or (hits >= 2 and hits == filled)
