"""Rows of each sheet kind as an export is given them, and what reading them back gives."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import strategies as st

from importers.clock import local_today
from importers.schemas import Field, FieldType, Schema
from importers.values import UnitGrade
from importers.vocabulary import Grade

UNIT_NAMES = ["区交通委", "莘庄镇", "区绿化市容局", "七宝镇"]
UNITS = {name: [] for name in UNIT_NAMES}

# Text an office writes, and text a spreadsheet would take for a formula. Kept out: what
# the reader rightly reads differently (surrounding spaces, "无", a separator inside one
# of several values) and words that make a row a total or a footnote (合计, 注:).
_CHARACTERS = ("关于加快推进道路改造建议"
               "王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓")
_PLAIN = st.text(_CHARACTERS + "abcXYZ0123456789（）()“”《》.:", min_size=1, max_size=30)


@st.composite
def texts(draw: Any) -> str:
    start = draw(st.sampled_from(["", "", "", "=", "+", "-", "@", "=1+1 ", "-2 "]))
    return start + draw(_PLAIN)


names = st.text(_CHARACTERS, min_size=1, max_size=6)
days = st.dates(date(1949, 10, 1), date(2100, 12, 31))
# What was done is dated today at the latest: the reader refuses a later day.
days_done = st.dates(date(1949, 10, 1), local_today())


def value_strategy(field: Field) -> st.SearchStrategy[Any]:
    """Return values of a field as the reader gives them back (None or [] when blank)."""
    match field.type:
        case FieldType.NUMBER:
            single: st.SearchStrategy[Any] = st.integers(1, 9999)
        case FieldType.DATE:
            single = days_done if field.happened else days
        case FieldType.BOOL:
            return st.booleans()
        case FieldType.CHOICE:
            assert field.choices is not None
            single = st.sampled_from(list(field.choices))
        case FieldType.UNIT:
            single = st.sampled_from(UNIT_NAMES)
        case FieldType.UNIT_GRADES:
            pair = st.builds(UnitGrade, st.sampled_from(UNIT_NAMES), st.sampled_from(list(Grade)))
            return st.lists(pair, max_size=3, unique_by=lambda p: p.unit)
        case _:
            single = names if field.multi else texts()
    if field.multi:
        return st.lists(single, max_size=3, unique=True)
    return single if field.required else st.one_of(st.none(), single)


@st.composite
def record_values(draw: Any, schema: Schema) -> dict[str, Any]:
    """Return one valid row's values: required fields filled, required_if honoured."""
    values = {f.name: draw(value_strategy(f)) for f in schema.fields}
    for field in schema.fields:
        if field.required_if and values[field.required_if[0]] == field.required_if[1]:
            values[field.name] = draw(value_strategy(
                Field(field.name, field.header, field.type, required=True,
                      choices=field.choices)))
    return values


def table(schema: Schema, max_size: int = 8) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Return rows of a kind with distinct keys, as a reader requires."""
    return st.lists(record_values(schema), max_size=max_size,
                    unique_by=lambda row: tuple(row[name] for name in schema.key))


def sample_rows(schema: Schema, count: int = 3) -> list[dict[str, Any]]:
    """Return rows with every field filled, distinct keys, a formula-like text in each."""
    return [{field.name: _sample(field, n) for field in schema.fields} for n in range(count)]


def _sample(field: Field, n: int) -> Any:
    match field.type:
        case FieldType.NUMBER:
            return n + 1
        case FieldType.DATE:
            return date(2017, 3, 1 + n)
        case FieldType.BOOL:
            return n % 2 == 0
        case FieldType.CHOICE:
            assert field.choices is not None
            members = list(field.choices)
            return members[n % len(members)]
        case FieldType.UNIT:
            units = UNIT_NAMES[n % 3: n % 3 + 2]
            return units if field.multi else units[0]
        case FieldType.UNIT_GRADES:
            return [UnitGrade(UNIT_NAMES[n % 4], Grade.GOOD), UnitGrade("七宝镇" if n % 4 != 3
                                                                       else "莘庄镇", Grade.POOR)]
    if field.multi:
        return [f"甲{n}", f"乙{n}"]
    return f"=第{n}行{field.header}" if n == 1 else f"第{n}行{field.header}"
