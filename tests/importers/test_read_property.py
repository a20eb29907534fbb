"""Random valid assignment lists, written messily as workbooks, read back to the same values."""

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from importers.reading import read_file
from importers.vocabulary import Category
from tests.importers.workbook_builders import OPINION_HEADER, UNITS, write_csv, write_xlsx

NAME_CHARACTERS = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓傅沈彭吕"
SEPARATORS = ["、", "，", ",", "；", ";", "/", " ", "\n", " , "]
names = st.text(NAME_CHARACTERS, min_size=2, max_size=3)
units = st.sampled_from(sorted(UNITS))


@st.composite
def written_number(draw, number):
    return draw(st.sampled_from([f"{number:04d}", str(number), f"第{number}号",
                                 f"第{number:04d}号", number, float(number), f"{number}.0"]))


@st.composite
def written_date(draw, day):
    serial = (day - date(1899, 12, 30)).days
    return draw(st.sampled_from([
        day, datetime(day.year, day.month, day.day), serial, float(serial),
        f"{day.year}年{day.month}月{day.day}日", f"{day.year}.{day.month}.{day.day}",
        f"{day.year}/{day.month}/{day.day}", day.isoformat(),
    ]))


@st.composite
def written_unit(draw, unit):
    spelling = draw(st.sampled_from([unit, *UNITS[unit]]))
    return draw(st.sampled_from([spelling, f" {spelling} ", f"{spelling}　"]))


@st.composite
def written_list(draw, items, write=st.just):
    if not items:
        return draw(st.sampled_from(["", "无", "/"]))
    written = [draw(write(item)) for item in items]
    return draw(st.sampled_from(SEPARATORS)).join(str(w).strip() for w in written)


@st.composite
def opinion(draw, number):
    facts = {
        "number": number,
        "title": "关于" + draw(st.text(NAME_CHARACTERS, min_size=1, max_size=20)) + "的建议",
        "lead_deputy": draw(names),
        "cosigners": draw(st.lists(names, max_size=4, unique=True)),
        "delegation": draw(st.sampled_from(["莘庄镇代表团", "七宝镇代表团"])),
        "category": draw(st.sampled_from(list(Category))),
        "lead_unit": draw(units),
        "co_units": draw(st.lists(units, max_size=3, unique=True)),
        "assigned_on": date(2000, 1, 1) + timedelta(days=draw(st.integers(0, 11000))),
        "supervisor": draw(st.one_of(st.none(), names)),
        "content": None,
    }
    row = [
        number, draw(written_number(number)), facts["title"], facts["lead_deputy"],
        draw(written_list(facts["cosigners"])), facts["delegation"], facts["category"].value,
        draw(written_unit(facts["lead_unit"])),
        draw(written_list(facts["co_units"], written_unit)),
        draw(written_date(facts["assigned_on"])), facts["supervisor"] or "",
    ]
    return facts, row


@st.composite
def assignment_list(draw):
    numbers = draw(st.lists(st.integers(1, 9999), min_size=1, max_size=12, unique=True))
    return [draw(opinion(number)) for number in numbers]


@settings(max_examples=60, deadline=None)
@given(table=assignment_list(), titles=st.integers(0, 2), as_csv=st.booleans(),
       trailer=st.sampled_from([[], [[]], [["合计：n件"]], [["注：说明文字"]]]))
def test_random_valid_tables_read_back_to_the_same_values(table, titles, as_csv, trailer):
    rows = [[f"标题行{i}"] for i in range(titles)] + [OPINION_HEADER]
    rows += [row for _facts, row in table] + trailer
    with tempfile.TemporaryDirectory() as folder:
        if as_csv:
            rows = [[_as_csv_text(value) for value in row] for row in rows]
            path = write_csv(Path(folder) / "list.csv", rows)
        else:
            path = write_xlsx(Path(folder) / "list.xlsx", rows)
        result = read_file(path, units=UNITS)
    assert result.problems == []
    assert [record.values for record in result.records] == [facts for facts, _row in table]
    assert [record.excel_row for record in result.records] == [
        titles + 2 + i for i in range(len(table))]


def _as_csv_text(value):
    # A CSV holds text only; Excel writes a date cell as its ISO date.
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
