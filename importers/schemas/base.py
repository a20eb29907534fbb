"""The declarative description of a sheet kind: its fields, key and title.

One `Schema` drives reading (headers, synonyms, types, required) and the export
templates (canonical headers, choices for dropdowns, key columns to lock).
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"  # an opinion number: 0001, 1, 第1号, 1.0
    DATE = "date"
    BOOL = "bool"  # blank means no unless the field is required
    CHOICE = "choice"  # one member of `choices`
    UNIT = "unit"  # a handling unit by name or alias
    UNIT_GRADES = "unit_grades"  # "单位:好；单位:较好" -> [UnitGrade, ...]


class Looks(StrEnum):
    """What a text field's cells look like, for recognising its column by its values."""

    UNIT = "unit"  # a handling unit's name (known, or shaped like 区交通委, 莘庄镇)
    DEPUTY = "deputy"  # a deputy of the roster (or a person's name when none is known)
    PHONE = "phone"  # a mobile or landline number
    DELEGATION = "delegation"  # 莘庄镇代表团


@dataclass(frozen=True)
class Field:
    """One column of a sheet kind."""

    name: str
    header: str  # canonical Chinese header: the 2017 samples' header, written by exports
    type: FieldType = FieldType.TEXT
    required: bool = False
    synonyms: tuple[str, ...] = ()
    choices: type[StrEnum] | None = None
    multi: bool = False  # several values in one cell, any common separator
    yes_no: tuple[str, str] = ("是", "否")  # the two words of a BOOL field
    required_if: tuple[str, Any] | None = None  # (other field, value) that makes this one needed
    looks: Looks | None = None  # what a TEXT field's cells look like, when that tells
    # A DATE of something done (a contact, a report, an evaluation), never after today:
    # 2071 typed for 2017 is refused at its cell, not taken as a plan.
    happened: bool = False
    # The attribute (and column) of the kind's model that stores the field, when one does;
    # the back-office derives what it reads, writes and checks from it.
    column: str | None = None

    def __post_init__(self) -> None:
        if (self.type is FieldType.CHOICE) != (self.choices is not None):
            raise ValueError(f"{self.name}: choices go with the CHOICE type, and only with it")
        if self.happened and self.type is not FieldType.DATE:
            raise ValueError(f"{self.name}: only a date can have happened")

    @property
    def headers(self) -> tuple[str, ...]:
        """Return the canonical header, then its synonyms."""
        return (self.header, *self.synonyms)


# Running row counts: columns every kind recognises and does not read.
ROW_COUNTS = ("序号", "行号", "排序")


@dataclass(frozen=True)
class Schema:
    """A sheet kind: its fields in the export's column order, its key and title."""

    kind: str
    title: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    # Columns recognised and deliberately not read, such as the running row count 序号.
    ignored: tuple[str, ...] = ROW_COUNTS
    # A field whose value may be the sheet's name, as in one sheet per category.
    sheet_field: str | None = None
    # field -> the field whose column holds it when no column of its own does: an
    # assignment list with a summary and no title takes the summary for the title.
    stand_ins: dict[str, str] = field(default_factory=dict, compare=False)
    by_name: dict[str, Field] = field(init=False, repr=False, compare=False)
    # The kind's row as exports write it: a named tuple of the fields in column order, made
    # with every field by name (`OPINIONS.row(number=..., title=..., ...)`), so that a field
    # left out, unknown or misspelt fails where the row is made, while writers read it as
    # the plain tuple it is.
    row: type[tuple[Any, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})
        object.__setattr__(self, "row", namedtuple(
            _row_name(self.kind), [f.name for f in self.fields], module=__name__))
        named = (*self.key, self.sheet_field, *self.stand_ins, *self.stand_ins.values())
        missing = [name for name in named if name and name not in self.by_name]
        if missing:
            raise ValueError(f"{self.kind}: unknown fields {missing}")

    @property
    def headers(self) -> list[str]:
        """Return the canonical headers in column order."""
        return [f.header for f in self.fields]

    @property
    def required(self) -> list[Field]:
        return [f for f in self.fields if f.required]


def _row_name(kind: str) -> str:
    """Return the class name of a kind's row, e.g. CoEvaluationsRow."""
    return "".join(part.capitalize() for part in kind.split("-")) + "Row"
