"""Cells written any way offices write them become one typed value, or a clear problem."""

from datetime import date, datetime

import pytest

from importers.units import UnitLookup
from importers.values import (
    BadValue,
    UnitGrade,
    choice_parser,
    parse_bool,
    parse_date,
    parse_number,
    parse_unit_grades,
    split_values,
    yes_no_parser,
)
from importers.vocabulary import AnswerType, Category, ContactStage, Grade


@pytest.mark.parametrize("raw", [
    "0001", "1", "第1号", "第0001号", 1, 1.0, "1.0", " 1 ", "１", "No.1", "1号",
])
def test_opinion_numbers_in_any_written_form_read_as_one_integer(raw):
    assert parse_number(raw) == 1


@pytest.mark.parametrize("raw", ["12a", "0", "第号", 1.5, -3, "一"])
def test_bad_opinion_numbers_are_refused(raw):
    with pytest.raises(BadValue, match="编号"):
        parse_number(raw)


@pytest.mark.parametrize("raw", [
    date(2017, 3, 5), datetime(2017, 3, 5, 0, 0), 42799, 42799.0, "42799",
    "2017年3月5日", "2017年03月05日", "2017 年 3 月 5 日", "2017.3.5", "2017.03.05.", "2017/3/5",
    "2017-03-05", "2017-3-5", "17-3-5", "17/3/5", "2017-03-05 00:00:00", "20170305",
    "二〇一七年三月五日", "２０１７年３月５日", "2017年3月5号",
])
def test_dates_in_any_common_form_read_as_a_date(raw):
    assert parse_date(raw, year=2017) == date(2017, 3, 5)


@pytest.mark.parametrize("raw", [
    42809, 42809.0, 42809.25, "42809",  # Excel serials, with or without a time of day
    20170315, 20170315.0, "20170315", "20170315.0",  # yyyymmdd as a number or as text
    "2017年3月15日", "2017年03月15", "2017 年 3 月 15 日",
    "2017.3.15", "2017. 3. 15", " 2017 .03 .15 ", "2017.03.15.",
    "2017/3/15", "2017/03/15 14:30", "2017-3-15", "2017-03-15T00:00:00",
    "２０１７／３／１５", "２０１７．３．１５", "2017－03－15", "2017—03—15", "2017–03–15",
    "17年3月15日", "17.3.15", "17/3/15",  # two-digit years near the session's year
    "15/3/2017", "3/15/2017",  # day and month in either order when only one can be a month
])
def test_every_common_date_form_reads_as_the_same_date(raw):
    assert parse_date(raw, year=2017) == date(2017, 3, 15)


@pytest.mark.parametrize(("raw", "message"), [
    ("2017/13/01", "2017年13月1日不存在"),
    ("2017-02-29", "2017年2月29日不存在"),
    (20171332, "2017年13月32日不存在"),
    ("20171332", "2017年13月32日不存在"),
    ("3/4/2017", "日期顺序不明确"),  # 3 April or 4 March: refused, never guessed
    ("99.3.15", "相差较远"),  # 1999 or 2099, far from the session either way
    (17170315, "不在合理范围"),
    ("2017.3", "无法识别的日期"),
])
def test_out_of_range_or_ambiguous_dates_are_refused_with_the_reason(raw, message):
    with pytest.raises(BadValue, match=message):
        parse_date(raw, year=2017)


def test_a_two_digit_year_needs_the_session_year():
    with pytest.raises(BadValue, match="只有两位"):
        parse_date("17年3月15日")
    assert parse_date("99.12.31", year=2001) == date(1999, 12, 31)  # the nearer century


@pytest.mark.parametrize("raw", [
    "第12号", "0012", "12", 12.0, "No. 12", "１２", "12号", "第 12 号",
])
def test_opinion_numbers_in_every_common_form(raw):
    assert parse_number(raw) == 12


def test_chinese_numeral_days_with_tens_are_read():
    assert parse_date("二〇一七年十二月二十五日") == date(2017, 12, 25)
    assert parse_date("二〇一七年十月十日") == date(2017, 10, 10)


@pytest.mark.parametrize(("raw", "message"), [
    ("2017-02-30", "不存在"), ("明天", "无法识别的日期"), ("3月5日", "缺少年份"),
    (5.0, "不在合理范围"), (True, "应为日期"), ("2017年3月", "无法识别的日期"),
])
def test_bad_dates_say_why(raw, message):
    with pytest.raises(BadValue, match=message):
        parse_date(raw)


@pytest.mark.parametrize(("raw", "expected"), [
    ("", False), (None, False), ("是", True), ("√", True), ("✓", True), ("Y", True),
    ("否", False), ("×", False), (True, True), (0, False), (1.0, True), (" 是 ", True),
])
def test_yes_no_cells_read_and_blank_means_no(raw, expected):
    assert parse_bool(raw) is expected


def test_an_unclear_yes_no_cell_is_refused():
    with pytest.raises(BadValue, match="是"):
        parse_bool("也许")


def test_a_field_may_say_yes_and_no_in_its_own_words():
    agree = yes_no_parser("同意", "不同意")
    assert agree("同意") is True
    assert agree("不同意") is False
    with pytest.raises(BadValue, match="同意"):
        agree("再说")


@pytest.mark.parametrize("raw", ["A", "a", "A类", "已经解决", "已解决", "A类（已经解决）", "Ａ"])
def test_answer_types_read_from_letter_or_label(raw):
    assert choice_parser(AnswerType)(raw) is AnswerType.SOLVED


def test_a_choice_outside_the_vocabulary_lists_what_is_allowed():
    with pytest.raises(BadValue, match="办前、办中、办后"):
        choice_parser(ContactStage)("中途")
    with pytest.raises(BadValue):
        choice_parser(AnswerType)("A类（留作参考）")  # names two different members


# Two-character values: a one-character piece is taken for part of a name split by spaces.
@pytest.mark.parametrize("raw", [
    "甲一、乙二、丙三", "甲一，乙二，丙三", "甲一,乙二,丙三", "甲一；乙二；丙三",
    "甲一;乙二;丙三", "甲一/乙二/丙三", "甲一 乙二 丙三", "甲一\n乙二\n丙三",
    " 甲一 ,乙二；丙三 ", "甲一、 乙二　丙三",
])
def test_multi_value_cells_split_on_any_common_separator(raw):
    assert split_values(raw) == ["甲一", "乙二", "丙三"]


@pytest.mark.parametrize("raw", ["", "无", "/", "-", "暂无", None])
def test_multi_value_cells_saying_none_are_empty(raw):
    assert split_values(raw) == []


LOOKUP = UnitLookup({"区交通委": ["闵行区交通委员会", "交通委"], "区绿化市容局": ["区绿容局"]})


def test_units_resolve_by_name_alias_and_despite_spaces():
    assert LOOKUP.resolve("区交通委") == "区交通委"
    assert LOOKUP.resolve(" 闵行区交通委员会 ") == "区交通委"
    assert LOOKUP.resolve("交 通 委") == "区交通委"


def test_unknown_units_suggest_the_closest_names():
    with pytest.raises(BadValue, match="未知单位“区交通委员”，是否为：区交通委"):
        LOOKUP.resolve("区交通委员")
    with pytest.raises(BadValue, match="请先在承办单位名录中登记"):
        LOOKUP.resolve("火星办")


@pytest.mark.parametrize("raw", [
    "区绿容局:好；交通委:较好", "区绿容局：好;交通委：较好", "区绿容局（好）、交通委（较好）",
    "区绿容局 好 交通委 较好", "区绿容局-好，交通委-较好", "区绿容局好\n交通委较好",
])
def test_co_handler_grades_in_one_cell_read_as_unit_grade_pairs(raw):
    assert parse_unit_grades(raw, LOOKUP.resolve) == [
        UnitGrade("区绿化市容局", Grade.GOOD), UnitGrade("区交通委", Grade.FAIRLY_GOOD),
    ]


def test_unreadable_co_handler_grades_are_refused():
    with pytest.raises(BadValue, match="会办单位评价"):
        parse_unit_grades("区绿容局:很好", LOOKUP.resolve)
    with pytest.raises(BadValue, match="未知单位"):
        parse_unit_grades("火星办:好", LOOKUP.resolve)


def test_a_choice_with_a_note_or_numbering_still_reads():
    assert choice_parser(Category)("一、城市建设和管理") is Category.URBAN
    assert choice_parser(Category)("社会事业（46件）") is Category.SOCIAL


def test_yes_no_accepts_the_words_of_its_own_header():
    concluded = yes_no_parser("是", "否", header="是否办结")
    assert [concluded(w) for w in ("已办结", "办结", "未办结", "是", "")] == [
        True, True, False, True, False]


def test_a_note_after_a_unit_name_does_not_hide_the_unit():
    assert LOOKUP.resolve("区交通委（牵头）") == "区交通委"
    assert LOOKUP.resolve("交通委(会办)") == "区交通委"
