"""What a column's cells hold, judged on a sample of rows, and how well that fits a field.

A profile never reads a whole sheet: the first `SAMPLE_ROWS` data rows are enough to tell
unit names from dates, and keep a 100,000-row import as fast as without it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from importers.rows import skip_reason
from importers.schemas import Field, FieldType
from importers.schemas.base import Looks
from importers.units import UnitLookup, without_note
from importers.values import (
    NONE_WORDS,
    BadValue,
    as_text,
    choice_parser,
    parse_date,
    parse_number,
    parse_unit_grades,
    split_values,
    squeeze,
    yes_no_parser,
)
from importers.vocabulary import OTHER_SPELLINGS, Grade, spellings

SAMPLE_ROWS = 200  # data rows profiled under a header
MIN_CELLS = 3  # fewer filled cells than this say nothing about a column
FIRST_LOOK = 20  # cells after which a column fitting less than half is not looked at further
LARGEST_NUMBER = 9999  # an opinion number; larger integers are dates, phones or codes

_PHONE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$|^(?:0\d{2,3})?\d{7,8}(?:转\d{1,5})?$")
_UNIT_SHAPE = re.compile(
    r"^.{1,15}(?:局|委|委员会|办|办公室|镇|街道|中心|公司|集团|院|所|署|会|队|站|处|科|部|厅|社|馆"
    r"|工业区|园区|管委会|政府)$")
_PERSON_SHAPE = re.compile(r"^[\u4e00-\u9fff]{2,4}$|^[\u4e00-\u9fff]{1,3}·[\u4e00-\u9fff]{1,6}$")
_DELEGATION = re.compile(r"代表团$|代表组$")

Check = Callable[[Any], bool]
VOCABULARIES = (Grade, *OTHER_SPELLINGS)


@dataclass(frozen=True)
class Knowledge:
    """What the reader knows besides the sheet: the units, the deputies and the year."""

    units: UnitLookup | None = None
    deputies: Collection[str] = frozenset()
    year: int | None = None


class Profiler:
    """Tell how well a column's cells under a header row fit a field, on a sample of rows."""

    def __init__(self, rows: Sequence[Sequence[Any]], knowledge: Knowledge | None = None,
                 sample: int = SAMPLE_ROWS) -> None:
        self.rows = rows
        self.knowledge = knowledge or Knowledge()
        self.sample = sample
        self._cells: dict[tuple[int, int], list[Any]] = {}
        self._rows_under: dict[int, list[Sequence[Any]]] = {}
        self._fits: dict[tuple[int, int, Any], float | None] = {}
        self._deputies = frozenset(squeeze(name) for name in self.knowledge.deputies)

    def cells(self, bottom: int, column: int) -> list[Any]:
        """Return the filled cells of a column in the sampled rows under row `bottom`."""
        found = self._cells.get((bottom, column))
        if found is None:
            found = []
            for row in self._data_rows(bottom):
                raw = row[column] if column < len(row) else ""
                if raw is None or raw == "" or (raw.__class__ is str and (
                        not raw.strip() or raw.strip().upper() in NONE_WORDS)):
                    continue
                found.append(raw)
            self._cells[(bottom, column)] = found
        return found

    def _data_rows(self, bottom: int) -> list[Sequence[Any]]:
        """Return the sampled rows under row `bottom` that are data: not totals or notes,
        which under a short table would outvote its first column's few cells."""
        found = self._rows_under.get(bottom)
        if found is None:
            found = self._rows_under[bottom] = [
                row for row in self.rows[bottom + 1:bottom + 1 + self.sample]
                if skip_reason(row, False) is None]
        return found

    def fit(self, bottom: int, column: int, field: Field, least: int = MIN_CELLS
            ) -> float | None:
        """Return the share of sampled cells that read as the field's values, or None when
        the field's values have no telling shape or the column fewer than `least` filled
        cells (a header's few candidates may be weighed on fewer than a field is proposed)."""
        key = _check_key(field)
        if key is None:
            return None
        found = self._fits.get((bottom, column, key), ...)
        if found is ...:
            cells = self.cells(bottom, column)
            found = _share(cells, self._check(key)) if cells else None
            self._fits[(bottom, column, key)] = found
        if found is not None and len(self.cells(bottom, column)) < least:
            return None
        return found

    def fits(self, bottom: int, column: int, fields: Iterable[Field], least: int = MIN_CELLS
             ) -> Mapping[str, float | None]:
        """Return field name -> fit for a column, each worked out only when first asked."""
        return _Fits(self, bottom, column, {f.name: f for f in fields}, least)

    def _check(self, key: tuple[Any, ...]) -> Check:
        what, multi = key[0], key[-1]
        single = self._single(what, key[1:-1])
        if not multi:
            return single
        return lambda raw: bool(parts := split_values(raw)) and all(map(single, parts))

    def _single(self, what: str, detail: tuple[Any, ...]) -> Check:
        knowledge = self.knowledge
        match what:
            case "number":
                return _is_number
            case "date":
                return lambda raw: _reads(lambda r: parse_date(r, knowledge.year), raw)
            case "bool":
                parse = yes_no_parser(*detail)
                return lambda raw: _reads(parse, raw)
            case "choice":
                parse = _choice(detail[0])
                return lambda raw: _reads(parse, raw)
            case "unit_grades":
                return lambda raw: _reads(lambda r: parse_unit_grades(r, as_text), raw)
            case Looks.UNIT:
                units = knowledge.units
                return lambda raw: (units is not None and units.knows(raw)) or bool(
                    _UNIT_SHAPE.match(without_note(squeeze(as_text(raw)))))
            case Looks.DEPUTY if self._deputies:
                return lambda raw: squeeze(as_text(raw)) in self._deputies
            case Looks.DEPUTY:
                return _is_person
            case Looks.PHONE:
                return lambda raw: bool(_PHONE.match(re.sub(r"[-\s()]", "", as_text(raw))))
            case Looks.DELEGATION:
                return lambda raw: bool(_DELEGATION.search(squeeze(as_text(raw))))
        raise ValueError(f"no check for {what}")


class _Fits(Mapping[str, float | None]):
    """A column's fit to each of some fields, profiled lazily: a header that names its
    field clearly needs the values of that field only."""

    def __init__(self, profiler: Profiler, bottom: int, column: int,
                 fields: dict[str, Field], least: int) -> None:
        self._profiler, self._bottom, self._column, self._fields = profiler, bottom, column, fields
        self._least = least

    def __getitem__(self, name: str) -> float | None:
        return self._profiler.fit(self._bottom, self._column, self._fields[name], self._least)

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)


def _share(cells: list[Any], check: Check) -> float:
    """Return the share of cells that pass; a column plainly of another kind is told after
    its first few cells, so that wide sheets of unknown columns stay cheap."""
    first = cells[:FIRST_LOOK]
    hits = sum(1 for raw in first if check(raw))
    if len(cells) == len(first) or hits < len(first) / 2:
        return hits / len(first)
    return (hits + sum(1 for raw in cells[FIRST_LOOK:] if check(raw))) / len(cells)


def _check_key(field: Field) -> tuple[Any, ...] | None:
    """Return what identifies the test a field's cells pass (shared by fields alike)."""
    match field.type:
        case FieldType.NUMBER:
            key: tuple[Any, ...] = ("number",)
        case FieldType.DATE:
            key = ("date",)
        case FieldType.BOOL:
            key = ("bool", *field.yes_no, field.header)
        case FieldType.CHOICE:
            key = ("choice", field.choices)
        case FieldType.UNIT_GRADES:
            key = ("unit_grades",)
        case FieldType.UNIT:
            key = (Looks.UNIT,)
        case _ if field.looks is not None:
            key = (field.looks,)
        case _:
            return None
    return (*key, field.multi)


def _is_person(raw: Any) -> bool:
    """Tell whether a cell looks like a person's name: two to four characters that are
    no unit's name and no word of a vocabulary (社会事业, 委办局)."""
    text = squeeze(as_text(raw))
    return (bool(_PERSON_SHAPE.match(text)) and not _UNIT_SHAPE.match(text)
            and text.upper() not in _vocabulary_words())


@cache
def _vocabulary_words() -> frozenset[str]:
    words = {spelling for choices in VOCABULARIES for spelling in spellings(choices)}
    return frozenset(squeeze(word).upper() for word in words)


def _reads(parse: Callable[[Any], Any], raw: Any) -> bool:
    try:
        parse(raw)
    except BadValue:
        return False
    return True


def _is_number(raw: Any) -> bool:
    try:
        return parse_number(raw) <= LARGEST_NUMBER
    except BadValue:
        return False


@cache
def _choice(choices: type[StrEnum]) -> Callable[[Any], StrEnum]:
    return choice_parser(choices)


__all__ = ["MIN_CELLS", "SAMPLE_ROWS", "Knowledge", "Profiler"]
