"""A sheet kind's export template, drawn from the same schema the readers use.

The headers are the schema's canonical headers (the 2017 samples'), each value is
written as the reader reads it back (numbers as 0001, dates as date cells, yes/no as
the field's two words, lists joined by 、), fixed choices and unit names get dropdowns,
and the key columns of the rows written are locked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from importers.exporting.book import ExportBook
from importers.exporting.guide import Guide
from importers.exporting.sheets import Column, sheet_name
from importers.schemas import SCHEMAS, Field, FieldType, Schema
from importers.stamps import stamps_for
from importers.vocabulary import ANSWER_TYPE_LABELS, AnswerType

UNITS_LIST = "单位名称"
MULTI_SEPARATOR = "、"
GRADES_SEPARATOR = "；"
EARLIEST, LATEST = date(1949, 10, 1), date(2100, 12, 31)  # the dates the reader accepts
WIDE_TEXT = frozenset({"title", "content", "text", "reason", "remarks"})
Row = Sequence[Any] | Mapping[str, Any]


@dataclass(frozen=True)
class Template:
    """How one sheet of a kind is written.

    `editable` names the fields a user may change in the rows written (every field
    but the key by default); rows added below the data are editable throughout.
    """

    kind: str
    title: str | None = None  # the title row; the schema's title by default
    sheet_name: str | None = None  # the schema's title by default
    editable: frozenset[str] | None = None
    notes: tuple[str, ...] = ()  # said about this sheet on the instructions sheet
    # Headers of columns written after the fields for the reader only: locked, not
    # stamped, and among the kind's ignored headers so that an import passes them by.
    info: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not set(self.info) <= set(self.schema.ignored):
            raise ValueError(f"{self.kind}: info columns must be headers the kind ignores")

    @property
    def schema(self) -> Schema:
        return SCHEMAS[self.kind]

    @property
    def locked(self) -> frozenset[str]:
        names = {f.name for f in self.schema.fields}
        if self.editable is None:
            return frozenset(self.schema.key)
        return frozenset(names - self.editable)

    @property
    def name(self) -> str:
        return sheet_name(self.sheet_name or self.schema.title)


def write_kind_sheet(book: ExportBook, template: Template | str, rows: Iterable[Row], *,
                     units: Sequence[str] = (),
                     lists: Mapping[str, Sequence[str]] | None = None,
                     active: bool = False) -> int:
    """Write one sheet of a kind; return how many rows it got.

    Rows hold the values of the schema's fields, in field order or by field name:
    numbers (int or "0001"), dates, bools, choices (enum members or their values),
    unit names, lists for multi-value fields, (unit, grade) pairs for unit grades.
    `units` fills the unit-name dropdowns; `lists` gives other fields a dropdown.
    """
    if isinstance(template, str):
        template = Template(template)
    schema = template.schema
    locked = template.locked
    columns = [column_for(book, schema, field, field.name in locked, units,
                          (lists or {}).get(field.name))
               for field in schema.fields]
    columns += [Column(header, "text", locked=True, how="供参考，导入时不读取。")
                for header in template.info]
    guide = Guide(template.name, template.title or schema.title, columns, list(template.notes))
    # The first column (编号, a name) stays in sight when scrolling right.
    freeze = 1 if schema.fields[0].name in schema.key else 0
    ordered = _ordered(schema, rows, template.info)
    if book.signer is not None:
        editable = {field.name for field in schema.fields} - locked
        ordered = stamps_for(schema.kind, template.name, editable, ordered, book.exported_at,
                             book.stamp)
    return book.add_sheet(template.name, columns, ordered,
                          title=template.title or schema.title, freeze_columns=freeze,
                          guide=guide, active=active)


def _ordered(schema: Schema, rows: Iterable[Row],
             info: Sequence[str] = ()) -> Iterator[Sequence[Any]]:
    names = [*(f.name for f in schema.fields), *info]
    for row in rows:
        yield [row.get(name) for name in names] if isinstance(row, Mapping) else row


def column_for(book: ExportBook, schema: Schema, field: Field, locked: bool,
               units: Sequence[str] = (), choices: Sequence[str] | None = None) -> Column:
    """Return how a field's column is written, checked and explained."""
    column = Column(field.header, "date" if field.type is FieldType.DATE else "text",
                    convert=_cell_converter(field), locked=locked, required=field.required,
                    how=_how(schema, field))
    if field.type is FieldType.DATE:
        column.width = 12
        column.validation = {
            "validate": "date", "criteria": "between", "minimum": EARLIEST, "maximum": LATEST,
            "error_type": "warning", "error_title": "日期",
            "error_message": "请填写日期，如 2017-03-05",
        }
    elif field.type is FieldType.NUMBER:
        column.width = 9
    elif field.name in WIDE_TEXT:
        column.min_width, column.max_width = 30, 50
    else:
        column.max_width = 30
    options = _options(field)
    if choices:
        column.validation = _dropdown(book.list_source(field.header, choices), field,
                                      strict=False)
    elif options:
        column.validation = _dropdown(options, field, strict=not field.multi)
    elif field.type is FieldType.UNIT and units:
        column.validation = _dropdown(book.list_source(UNITS_LIST, units), field, strict=False)
    elif hint := _hint(field):
        column.validation = {"validate": "any", "input_title": field.header[:32],
                             "input_message": hint}
    return column


def converter(field: Field) -> Callable[[Any], Any] | None:
    """Return the function turning a field's value into the cell the reader reads back."""
    if field.type is FieldType.DATE:
        return None  # a date cell
    if field.multi:
        single = _single_converter(field)
        if single is str:
            # Names, as a list of str (an enum member is one): join them as they are.
            return lambda values: (values if isinstance(values, str)
                                   else MULTI_SEPARATOR.join(values) or None)

        def joined(values: Any) -> str | None:
            if isinstance(values, str):
                return values
            return MULTI_SEPARATOR.join(str(single(value)) for value in values) or None

        return joined
    return _single_converter(field)


def _single_converter(field: Field) -> Callable[[Any], Any]:
    match field.type:
        case FieldType.NUMBER:
            return _number
        case FieldType.BOOL:
            yes, no = field.yes_no
            return lambda value: yes if value else no
        case FieldType.UNIT_GRADES:
            return _unit_grades
    return str  # text, a unit's name, a choice (an enum member's str is its value)


def _cell_converter(field: Field) -> Callable[[Any], Any] | None:
    """Return the field's converter, or None when the text writer's own str() will do."""
    if field.type in (FieldType.TEXT, FieldType.UNIT, FieldType.CHOICE) and not field.multi:
        return None
    return converter(field)


def _number(value: Any) -> str:
    return f"{value:04d}" if isinstance(value, int) else str(value)


def _unit_grades(pairs: Iterable[tuple[str, Any]]) -> str | None:
    return GRADES_SEPARATOR.join(f"{unit}:{grade}" for unit, grade in pairs) or None


def _options(field: Field) -> list[str]:
    if field.type is FieldType.CHOICE and field.choices is not None:
        return [member.value for member in field.choices]
    if field.type is FieldType.BOOL:
        return list(field.yes_no)
    return []


def _dropdown(source: str | list[str] | None, field: Field, *, strict: bool) -> dict[str, Any]:
    validation: dict[str, Any] = {"validate": "list", "source": source,
                                  "input_title": field.header[:32]}
    if hint := _hint(field):
        validation["input_message"] = hint
    if strict:
        validation.update(error_title=field.header[:32],
                          error_message=f"请从下拉列表中选择{field.header}")
    else:
        # Several names in one cell, or a name written as its alias, are still read.
        validation["show_error"] = False
    return validation


def _hint(field: Field) -> str:
    if field.choices is AnswerType:
        return "；".join(f"{t.value} {ANSWER_TYPE_LABELS[t]}" for t in AnswerType)
    if field.type is FieldType.UNIT_GRADES:
        return "写成“单位:等次”，多个单位用“；”分隔，如 区交通委:好；莘庄镇:较好"
    if field.multi:
        return "可填多个，用“、”分隔"
    if field.type is FieldType.NUMBER:
        return "意见编号，如 0001"
    return ""


def _how(schema: Schema, field: Field) -> str:
    """Return how to fill a field in, in Chinese, for the instructions sheet."""
    match field.type:
        case FieldType.NUMBER:
            how = "意见编号，如 0001"
        case FieldType.DATE:
            how = "日期，如 2017-03-05"
        case FieldType.BOOL:
            yes, no = field.yes_no
            how = f"从下拉列表选择“{yes}”或“{no}”"
            if not field.required:
                how += f"；留空视为“{no}”"
        case FieldType.CHOICE:
            how = "从下拉列表选择：" + (_hint(field) or "、".join(_options(field)))
        case FieldType.UNIT:
            how = "从下拉列表选择单位名称"
        case FieldType.UNIT_GRADES:
            how = _hint(field)
        case _:
            how = "文字"
    if field.multi and field.type is not FieldType.UNIT_GRADES:
        how += "；可填多个，用“、”分隔"
    if field.required_if:
        name, value = field.required_if
        other = schema.by_name[name]
        said = other.yes_no[0 if value else 1] if other.type is FieldType.BOOL else str(value)
        how += f"；“{other.header}”为“{said}”时必填"
    return how
