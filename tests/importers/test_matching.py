"""A column is understood by what its header says and what its cells hold, or reported."""

from datetime import date

import pytest

from importers.columns import How
from importers.headers import Labels
from importers.matching import (
    MARGIN,
    SAMPLE_ROWS,
    THRESHOLD,
    Candidate,
    Knowledge,
    Profiler,
    assign,
    candidates_for,
    header_keys,
    similarity,
)
from importers.schemas import SCHEMAS
from importers.units import UnitLookup

UNITS = UnitLookup({"区交通委": ["交通委"], "区绿化市容局": ["区绿容局"], "莘庄镇": []})


@pytest.mark.parametrize(("written", "key"), [
    ("满 意 度", "满意度"), ("满\u3000意\u3000度", "满意度"), ("答复\n日期", "答复日期"),
    ("＊答复日期：", "答复日期"), ("★类别", "类别"), ("※ 主办单位 ※", "主办单位"),
    ("编号*", "编号"),
    ("【编号】", "编号"), ("〔编号〕", "编号"), ("交办日期（必填）", "交办日期"),
    ("答复类型(A/B/C/D)", "答复类型"), ("交办日期(必填)(yyyy-mm-dd)", "交办日期"),
    ("1.编号", "编号"), ("一、编号", "编号"), ("（一）编号", "编号"), ("ＮＯ", "no"),
])
def test_header_forms_drop_spaces_widths_brackets_notes_and_decorations(written, key):
    assert header_keys(written)[-1] == key


def test_an_equal_header_is_certain_and_a_contained_one_is_closer_than_shared_characters():
    assert similarity("答复日期", "答复日期") == 1.0
    contained = similarity("名称", "单位名称")
    shared = similarity("回复日期", "答复日期")
    assert 1.0 > contained > shared > similarity("联系人手机", "领衔人") > 0.0
    assert similarity("甲乙", "丙丁") == 0.0


def test_a_fields_other_names_tip_a_close_call():
    units = Labels.build(SCHEMAS["units"])
    forms = header_keys("机构全称")
    scores = units.similarities(forms)
    # 名称, 单位名称 and 全称 all speak for the unit's name; nothing in 简称/别名 does as much.
    assert scores["name"] > scores.get("aliases", 0.0)


def candidate(field, confidence, how=How.SIMILAR):
    return Candidate(field, how, confidence)


def test_a_column_is_matched_only_when_clearly_ahead():
    ahead = THRESHOLD + MARGIN
    resolution = assign({
        0: [candidate("replied_on", ahead + 0.05), candidate("concluded_on", 0.05)],
        1: [candidate("accepted_on", ahead), candidate("consulted_on", ahead - MARGIN / 2)],
        2: [candidate("remarks", THRESHOLD - 0.01)],
    })
    assert resolution.chosen == {0: candidate("replied_on", ahead + 0.05)}
    assert [c.field for c in resolution.unclear[1]] == ["accepted_on", "consulted_on"]
    assert [c.field for c in resolution.unclear[2]] == ["remarks"]


def test_one_field_is_fed_by_one_column_the_surest_first():
    resolution = assign({
        3: [candidate("lead_unit", 0.7)],
        5: [candidate("lead_unit", 0.9), candidate("co_units", 0.2)],
        6: [candidate("number", 0.9)],
    }, taken={"number"})
    assert resolution.chosen == {5: candidate("lead_unit", 0.9)}
    assert 3 not in resolution.chosen and 6 not in resolution.chosen


def test_values_confirm_a_similar_header_contradict_it_or_alone_need_nearly_every_cell():
    plain = candidates_for({"replied_on": 0.6}, {})[0].confidence
    confirmed = candidates_for({"replied_on": 0.6}, {"replied_on": 1.0})[0].confidence
    contradicted = candidates_for({"replied_on": 0.6}, {"replied_on": 0.0})[0].confidence
    assert contradicted < THRESHOLD <= plain < confirmed < 1.0
    [by_values] = candidates_for({}, {"category": 0.95, "lead_unit": 0.5})
    assert (by_values.field, by_values.how) == ("category", How.VALUES)
    assert by_values.confidence < confirmed


def column(*cells):
    """Return rows with a header row and the cells below it in column 0."""
    return [["表头"], *([cell] for cell in cells)]


FIELDS = {name: SCHEMAS[kind].by_name[field] for name, (kind, field) in {
    "date": ("handling", "replied_on"), "number": ("handling", "number"),
    "unit": ("handling", "lead_unit"), "grade": ("evaluations", "grade"),
    "agree": ("evaluations", "agree"), "praised": ("evaluations", "praised"),
    "phone": ("deputies", "phone"), "deputy": ("opinions", "lead_deputy"),
    "cosigners": ("opinions", "cosigners"), "category": ("opinions", "category"),
    "delegation": ("deputies", "delegation"), "answer": ("handling", "answer_type"),
    "co_grades": ("evaluations", "co_grades"), "title": ("handling", "title"),
}.items()}

KNOWLEDGE = Knowledge(UNITS, frozenset({"张三", "李四", "王五"}), 2017)


@pytest.mark.parametrize(("field", "cells"), [
    ("date", [date(2017, 3, 1), 42795, 20170301, "2017年3月1日", "2017. 3. 1", "17.3.1"]),
    ("number", [1, "0002", "第3号", 4.0, "No.5"]),
    ("unit", ["区交通委", "交通委", "区绿容局", " 莘庄镇 "]),
    ("grade", ["好", "较好", "一般", "差"]),
    ("agree", ["同意", "不同意", "同意"]),
    ("praised", ["是", "否", "√", "×"]),
    ("phone", ["13900000000", 13812345678.0, "021-64123456", "64123456"]),
    ("deputy", ["张三", "李四", "王五"]),
    ("cosigners", ["张三、李四", "王五", "李四，张三"]),
    ("category", ["社会事业", "城市建设和管理", "财经", "一、社会事业"]),
    ("delegation", ["莘庄镇代表团", "七宝镇代表团", "虹桥镇代表团"]),
    ("answer", ["A", "B类", "留作参考", "已解决"]),
    ("co_grades", ["区绿容局:好；交通委:较好", "交通委:一般", "区绿容局（好）"]),
])
def test_a_columns_cells_fit_its_field_in_every_common_form(field, cells):
    assert Profiler(column(*cells), KNOWLEDGE).fit(0, 0, FIELDS[field]) == 1.0


@pytest.mark.parametrize(("field", "cells"), [
    ("date", ["已答复", "不详", "见附件"]), ("number", [13900000000, 42795, "甲"]),
    ("unit", ["张三", "好", "2017-03-01"]), ("grade", ["同意", "是", "A"]),
    ("phone", ["张三", "2017", "第3号"]), ("deputy", ["赵九", "钱十", "社会事业"]),
    ("category", ["好", "区交通委", "A"]), ("delegation", ["莘庄镇", "张三", "好"]),
])
def test_cells_of_another_kind_do_not_fit(field, cells):
    assert Profiler(column(*cells), KNOWLEDGE).fit(0, 0, FIELDS[field]) == 0.0


def test_without_a_roster_a_deputy_is_a_persons_name_but_no_unit_or_vocabulary_word():
    profiler = Profiler(column("赵九", "钱十", "欧阳娜娜", "社会事业", "七宝镇"))
    assert profiler.fit(0, 0, FIELDS["deputy"]) == 3 / 5


def test_a_text_field_or_a_nearly_empty_column_says_nothing_by_its_values():
    assert Profiler(column("关于某事的建议", "关于某事", "x")).fit(0, 0, FIELDS["title"]) is None
    assert Profiler(column("2017-03-01", "", "无")).fit(0, 0, FIELDS["date"]) is None


def test_only_a_sample_of_rows_is_profiled():
    rows = column(*(["2017-03-01"] * SAMPLE_ROWS), *(["不详"] * 5000))
    profiler = Profiler(rows)
    assert len(profiler.cells(0, 0)) == SAMPLE_ROWS
    assert profiler.fit(0, 0, FIELDS["date"]) == 1.0


def test_the_head_noun_at_the_end_decides_between_two_contained_names():
    # 进展反馈日期 is a date (反馈日期) more than the progress text (进展反馈).
    assert similarity("进展反馈日期", "反馈日期") - similarity("进展反馈日期", "进展反馈") >= MARGIN
