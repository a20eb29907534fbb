"""The header is found under title rows, however it is written, and every column accounted for."""

import re
from datetime import date

import openpyxl
import pytest
import python_calamine

from importers.columns import How
from importers.headers import normalise_header
from importers.matching import THRESHOLD
from importers.problems import column_letter
from importers.reading import UsageError, parse_mapping, read_file, read_paths
from importers.schemas import SCHEMAS, FieldType
from importers.values import UnitGrade
from importers.vocabulary import Grade
from tests.importers.workbook_builders import (
    OPINION_HEADER,
    SAMPLES,
    UNITS,
    opinion_row,
    write_csv,
    write_xlsx,
)


def test_header_is_found_under_merged_title_rows(tmp_path):
    path = write_xlsx(tmp_path / "list.xlsx", [
        ["区六届人大一次会议代表书面意见交办清单"], ["交办日期：2017年2月20日"], [],
        OPINION_HEADER, opinion_row("0001"),
    ], merged=["A1:K1", "A2:K2"])
    result = read_file(path, units=UNITS)
    assert result.kind == "opinions"
    [record] = result.records
    assert record["number"] == 1
    assert record.cell("lead_unit") == "Sheet1!H5"
    assert record.excel_row == 5


HANDLING_TOP = ["编号", "标题", "主办单位", "办理过程", "", "面商方式", "答复情况", "", "是否办结",
                "办结日期", "二次答复日期", "联系人", "备注"]
HANDLING_BOTTOM = ["", "", "", "签收日期", "面商日期", "", "答复日期", "答复类型", "", "", "", "",
                   ""]
HANDLING_ROW = ["0003", "关于某事的建议", "区交通委", "2017-02-22", "2017-03-01", "电话",
                "2017-04-05", "B", "是", "2017-08-17", "", "", ""]


def test_two_level_headers_join_with_merges(tmp_path):
    merged = ["A1:M1", "D2:E2", "G2:H2", *(f"{c}2:{c}3" for c in "ABCFIJKLM")]
    path = write_xlsx(tmp_path / "h.xlsx", [["办理情况汇总表"], HANDLING_TOP, HANDLING_BOTTOM,
                                            HANDLING_ROW], merged=merged)
    result = read_file(path, units=UNITS)
    assert result.problems == []
    [record] = result.records
    assert str(record["accepted_on"]) == "2017-02-22"
    assert record["answer_type"] == "B"
    assert record.cell("answer_type") == "Sheet1!H4"


def test_two_level_headers_join_without_merges(tmp_path):
    path = write_csv(tmp_path / "h.csv", [HANDLING_TOP, HANDLING_BOTTOM, HANDLING_ROW])
    result = read_file(path, units=UNITS)
    assert result.problems == []
    assert str(result.records[0]["replied_on"]) == "2017-04-05"


def test_a_group_title_and_a_sub_header_together_name_a_field(tmp_path):
    rows = [["编号", "答复", "", "主办单位"], ["", "日期", "类型", ""],
            ["1", "2017-04-05", "A", "区交通委"]]
    result = read_file(write_xlsx(tmp_path / "g.xlsx", rows, merged=["B1:C1", "A1:A2", "D1:D2"]),
                       "handling", units=UNITS)
    assert result.problems == []
    assert result.records[0]["answer_type"] == "A"
    assert str(result.records[0]["replied_on"]) == "2017-04-05"


def test_headers_match_through_synonyms_spaces_full_width_and_markers(tmp_path):
    header = ["编 号", "标题", "领衔代表", "*类别", "承办单位（主办）", "会办单位", "交办日期："]
    row = ["1", "关于某事的建议", "张三", "社会事业", "区交通委", "区绿容局", "2017-02-20"]
    result = read_file(write_xlsx(tmp_path / "s.xlsx", [header, row]), units=UNITS)
    assert result.kind == "opinions"
    assert result.problems == []
    record = result.records[0]
    assert (record["title"], record["lead_unit"], record["co_units"]) == (
        "关于某事的建议", "区交通委", ["区绿化市容局"])


def test_row_count_is_kept_apart_from_the_opinion_number(tmp_path):
    rows = [OPINION_HEADER, opinion_row("0007", 序号=1), opinion_row("0009", 序号=2)]
    result = read_file(write_xlsx(tmp_path / "n.xlsx", rows), units=UNITS)
    assert [r["number"] for r in result.records] == [7, 9]
    assert result.problems == []


def test_a_sheet_with_only_a_row_count_misses_the_number_and_says_so(tmp_path):
    header = [h for h in OPINION_HEADER if h != "编号"]
    row = opinion_row("0007")
    del row[1]
    result = read_file(write_xlsx(tmp_path / "n.xlsx", [header, row]), "opinions", units=UNITS)
    assert result.records == []
    [problem] = result.errors
    assert problem.field == "number"
    assert "缺少必填列“编号”" in problem.message and "序号=编号" in problem.message
    mapped = read_file(tmp_path / "n.xlsx", "opinions", units=UNITS, mapping={"序号": "编号"})
    assert [r["number"] for r in mapped.records] == [1]


def test_missing_required_column_is_an_error_naming_the_header_row(tmp_path):
    header = [h for h in OPINION_HEADER if h != "主办单位"]
    row = opinion_row("1")
    del row[OPINION_HEADER.index("主办单位")]
    result = read_file(write_xlsx(tmp_path / "m.xlsx", [["标题行"], header, row]), "opinions",
                       units=UNITS)
    assert result.records == []
    [problem] = result.errors
    assert (problem.field, problem.cell, problem.sheet) == ("lead_unit", "Sheet1!2:2", "Sheet1")
    assert problem.message == "缺少必填列“主办单位”"


def test_unknown_column_is_reported_not_silently_dropped(tmp_path):
    rows = [[*OPINION_HEADER, "联系人手机"], [*opinion_row("1"), "13900000000"]]
    result = read_file(write_xlsx(tmp_path / "u.xlsx", rows), units=UNITS)
    [warning] = result.warnings
    assert (warning.cell, warning.value, warning.field) == ("Sheet1!L1", "联系人手机", None)
    assert "未识别的列“联系人手机”" in warning.message and "列映射" in warning.message
    assert result.errors == []


def test_unknown_column_maps_to_a_field_by_name_or_header(tmp_path):
    rows = [["编号", "意见题目", "领衔人", "类别", "牵头单位"],
            ["1", "关于某事的建议", "张三", "社会事业", "交通委"]]
    path = write_xlsx(tmp_path / "u.xlsx", rows)
    for mapping in ({"意见题目": "title", "牵头单位": "主办单位"},
                    {"意见题目": "案由", "牵头单位": "lead_unit"}):
        result = read_file(path, "opinions", units=UNITS, mapping=mapping)
        assert result.problems == []
        assert (result.records[0]["title"], result.records[0]["lead_unit"]) == (
            "关于某事的建议", "区交通委")


def test_a_mapping_may_ignore_a_column_on_purpose(tmp_path):
    rows = [[*OPINION_HEADER, "内部备注"], [*opinion_row("1"), "x"]]
    result = read_file(write_xlsx(tmp_path / "u.xlsx", rows), units=UNITS,
                       mapping={"内部备注": None})
    assert result.problems == []


def test_a_mapping_to_no_field_is_a_usage_error(tmp_path):
    path = write_xlsx(tmp_path / "u.xlsx", [OPINION_HEADER, opinion_row("1")])
    with pytest.raises(UsageError, match="不是任何可导入的列"):
        read_file(path, mapping={"甲": "没有这一列"})
    with pytest.raises(UsageError, match="未知的表格类型"):
        read_file(path, "proposals")


def test_hidden_columns_are_read(tmp_path):
    path = write_xlsx(tmp_path / "h.xlsx", [OPINION_HEADER, opinion_row("1", 督办领导="孙建国")],
                      hidden_columns=["K", "B"])
    record = read_file(path, units=UNITS).records[0]
    assert (record["number"], record["supervisor"]) == (1, "孙建国")


@pytest.mark.parametrize("kind", list(SCHEMAS))
def test_each_kind_is_recognised_from_its_canonical_headers(tmp_path, kind):
    headers = SCHEMAS[kind].headers
    result = read_file(write_xlsx(tmp_path / "k.xlsx", [["标题"], headers]), units=UNITS)
    assert result.kind == kind


def _sample_headers(path):
    with python_calamine.CalamineWorkbook.from_path(path) as book:
        rows = book.get_sheet_by_index(0).to_python()
    return next(row for row in rows if "编号" in row or "单位" in row or "姓名" in row
                or "通报日期" in row or "单位名称" in row)


SAMPLE_FILES = {
    "units": "承办单位名录.xlsx", "deputies": "代表名册.xlsx", "liaisons": "联络员名册.xlsx",
    "opinions": "书面意见交办清单.xlsx", "handling": "办理情况/浦江镇-办理情况汇总.xlsx",
    "signoffs": "留作参考件审批表.xlsx", "contacts": "沟通走访记录.xlsx",
    "progress": "办理进展反馈.xlsx", "evaluations": "代表满意度测评表.xlsx",
    "co-evaluations": "会办单位评价表.xlsx", "notices": "情况专报通报记录.xlsx",
}


@pytest.mark.parametrize("kind", list(SCHEMAS))
def test_canonical_headers_are_the_2017_sample_headers(kind):
    sample = [h for h in _sample_headers(SAMPLES / "2017" / SAMPLE_FILES[kind]) if h != "序号"]
    schema_headers = SCHEMAS[kind].headers
    # The assignment list's 内容 is the one column the 2017 sheets do not have.
    assert [h for h in schema_headers if h != "内容"] == sample


def test_a_table_that_starts_away_from_a1_keeps_its_excel_cells(tmp_path):
    path = tmp_path / "offset.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    for r, row in enumerate([OPINION_HEADER, opinion_row("5")], start=3):
        for c, value in enumerate(row, start=3):
            sheet.cell(r, c, value)
    book.save(path)
    [record] = read_file(path, units=UNITS).records
    assert record["number"] == 5
    assert record.cell("number") == "Sheet!D4"


def test_command_line_mappings_parse_into_a_column_mapping():
    assert parse_mapping(["牵头单位=主办单位", " 内部备注 = "]) == {
        "牵头单位": "主办单位", "内部备注": None}
    with pytest.raises(UsageError, match="源列=目标列"):
        parse_mapping(["牵头单位"])


def test_a_note_after_a_header_does_not_hide_it(tmp_path):
    header = ["编号(必填)", "案由（必填）", "领衔代表", "类别(下拉选择)", "承办单位（主办）",
              "交办日期(如2017-02-20)"]
    row = ["1", "关于某事的建议", "张三", "社会事业", "区交通委", "2017-02-20"]
    result = read_file(write_xlsx(tmp_path / "n.xlsx", [header, row]), units=UNITS)
    assert result.problems == []
    assert result.records[0]["lead_unit"] == "区交通委"


@pytest.mark.parametrize("kind", list(SCHEMAS))
def test_every_header_and_synonym_names_one_field_only(kind):
    schema = SCHEMAS[kind]
    names: dict[str, str] = {}
    for field in schema.fields:
        for header in field.headers:
            assert names.setdefault(normalise_header(header), field.name) == field.name, header
    assert not {normalise_header(h) for h in schema.ignored} & set(names)


def _written_and_read(field):
    """Return a cell as an export writes the field, and the value reading it must give."""
    match field.type:
        case FieldType.NUMBER:
            return "0007", 7
        case FieldType.DATE:
            return date(2017, 3, 5), date(2017, 3, 5)
        case FieldType.BOOL:
            return field.yes_no[0], True
        case FieldType.CHOICE:
            member = next(iter(field.choices))
            return member.value, member
        case FieldType.UNIT if field.multi:
            return "区交通委、莘庄镇", ["区交通委", "莘庄镇"]
        case FieldType.UNIT:
            return "区交通委", "区交通委"
        case FieldType.UNIT_GRADES:
            grades = [UnitGrade("区交通委", Grade.GOOD), UnitGrade("莘庄镇", Grade.FAIRLY_GOOD)]
            return "区交通委:好；莘庄镇:较好", grades
    return ("甲、乙", ["甲", "乙"]) if field.multi else ("一段文字", "一段文字")


@pytest.mark.parametrize("kind", list(SCHEMAS))
def test_a_sheet_written_from_the_schema_reads_back_every_field(tmp_path, kind):
    schema = SCHEMAS[kind]
    pairs = [_written_and_read(field) for field in schema.fields]
    path = write_xlsx(tmp_path / "export.xlsx", [[schema.title], schema.headers,
                                                 [written for written, _read in pairs]],
                      merged=[f"A1:{column_letter(len(schema.fields) - 1)}1"])
    result = read_file(path, units=UNITS)
    assert (result.kind, result.problems) == (kind, [])
    expected = {f.name: read for f, (_written, read) in zip(schema.fields, pairs, strict=True)}
    assert result.records[0].values == expected


# Other offices' headers for the same columns: other nouns, longer and shorter names,
# spaces, full-width forms, brackets, notes and numbering. Each column's field follows it.
OTHER_OFFICES = {
    "opinions": [
        [("意见编号", "number"), ("意见摘要", "title"), ("提出代表", "lead_deputy"),
         ("联名代表", "cosigners"), ("所在代表团", "delegation"), ("类 别", "category"),
         ("牵头单位", "lead_unit"), ("协办单位", "co_units"), ("交办时间（必填）", "assigned_on")],
        [("【编号】", "number"), ("标题名称", "title"), ("领衔代表姓名", "lead_deputy"),
         ("＊意见分类", "category"), ("承办单位全称", "lead_unit"), ("1.交办日", "assigned_on")],
        [("建议编号", "number"), ("意见内容摘要", "title"), ("领衔代表人", "lead_deputy"),
         ("代表所属代表团", "delegation"), ("类别名称", "category"), ("主办责任部门", "lead_unit"),
         ("协助办理单位", "co_units"), ("交办的日期", "assigned_on")],
    ],
    "progress": [[("编号", "number"), ("主办责任部门", "lead_unit"), ("进展反馈日期", "on"),
                  ("进展情况说明", "text")]],
    "co-evaluations": [[("意见编号", "number"), ("主办单位", "lead_unit"),
                        ("协助办理单位", "co_unit"), ("会办意见送达日", "submitted_on"),
                        ("主办单位的评价", "rating")]],
    "handling": [
        [("编 号", "number"), ("标题", "title"), ("承办部门", "lead_unit"),
         ("签收时间", "accepted_on"), ("面商形式", "consult_method"),
         ("回复时间", "replied_on"), ("答复类型(A/B/C/D)", "answer_type"),
         ("办结情况", "concluded"), ("办结时间", "concluded_on"), ("经办人员", "contact_person")],
    ],
    "evaluations": [
        [("编号", "number"), ("代表姓名", "lead_deputy"), ("主办单位", "lead_unit"),
         ("是否同意", "agree"), ("满 意 度", "grade"), ("测评时间", "evaluated_on")],
        [("意见号", "number"), ("对答复的意见", "agree"), ("评议结果", "grade"),
         ("主办部门", "lead_unit"), ("评议日期", "evaluated_on")],
    ],
    "units": [
        [("单位全称", "name"), ("单位性质", "kind"), ("单位简称", "aliases")],
        [("机构名称", "name"), ("类型", "kind"), ("其他名称", "aliases")],
    ],
    "deputies": [[("代表姓名", "name"), ("代表团组", "delegation"), ("手机号", "phone")]],
}
CELLS = {
    "number": ("第0007号", 7), "title": ("关于某事的建议", "关于某事的建议"),
    "lead_deputy": ("张三", "张三"), "cosigners": ("李四、王五", ["李四", "王五"]),
    "delegation": ("莘庄镇代表团", "莘庄镇代表团"), "category": ("社会事业", "社会事业"),
    "lead_unit": ("交通委", "区交通委"), "co_units": ("区绿容局", ["区绿化市容局"]),
    "assigned_on": (20170220, date(2017, 2, 20)),
    "accepted_on": ("2017.2.22", date(2017, 2, 22)), "consult_method": ("电话", "电话"),
    "replied_on": ("2017年4月5日", date(2017, 4, 5)), "answer_type": ("B", "B"),
    "concluded": ("是", True), "concluded_on": (42964, date(2017, 8, 17)),
    "contact_person": ("王五", "王五"), "agree": ("同意", True), "grade": ("较好", "较好"),
    "evaluated_on": ("２０１７／５／２９", date(2017, 5, 29)), "name": ("区房管局", "区房管局"),
    "kind": ("委办局", "委办局"), "aliases": ("房管局", ["房管局"]),
    "phone": ("13900000000", "13900000000"), "on": ("2017/6/1", date(2017, 6, 1)),
    "text": ("已完成前期调研", "已完成前期调研"), "co_unit": ("莘庄镇", "莘庄镇"),
    "submitted_on": ("2017-03-07", date(2017, 3, 7)), "rating": ("好", "好"),
}


@pytest.mark.parametrize(("kind", "layout"), [
    (kind, layout) for kind, layouts in OTHER_OFFICES.items() for layout in layouts])
def test_other_offices_headers_are_understood_without_a_mapping(tmp_path, kind, layout):
    header = [text for text, _field in layout]
    row = [CELLS[name][0] for _text, name in layout]
    result = read_file(write_xlsx(tmp_path / "o.xlsx", [["某区的表"], header, row]),
                       units=UNITS, year=2017)
    assert (result.kind, [str(p) for p in result.problems]) == (kind, [])
    assert {name: result.records[0][name] for _text, name in layout} == {
        name: CELLS[name][1] for _text, name in layout}
    assert [(c.header, c.field) for c in result.columns] == layout
    assert all(c.how in (How.EXACT, How.SIMILAR) for c in result.columns)
    assert all(c.confidence >= THRESHOLD for c in result.columns)


def test_a_header_close_to_two_fields_is_reported_with_both_not_guessed(tmp_path):
    rows = [["编号", "主办单位", "日期"], *([n, "区交通委", "2017-03-01"] for n in range(1, 4))]
    result = read_file(write_xlsx(tmp_path / "d.xlsx", rows), "handling", units=UNITS)
    [warning] = result.problems
    assert (warning.cell, warning.value, warning.level) == ("Sheet1!C1", "日期", "warning")
    assert "未识别的列“日期”" in warning.message and "无法确定" in warning.message
    assert len(re.findall(r"“[^“”]+日期”（\d+%）", warning.message)) == 2
    assert result.columns[2].how is How.UNMATCHED and result.columns[2].field is None


def test_a_similar_header_whose_cells_contradict_it_is_not_taken(tmp_path):
    def read(cell):
        rows = [["编号", "主办单位", "答复日子"], *([n, "区交通委", cell] for n in range(1, 4))]
        return read_file(write_xlsx(tmp_path / "c.xlsx", rows), "handling", units=UNITS)

    taken = read("2017-04-05").columns[2]
    assert (taken.field, taken.how) == ("replied_on", How.SIMILAR)
    refused = read("已答复").columns[2]
    assert (refused.field, refused.how) == (None, How.UNMATCHED)


def test_a_column_whose_header_says_nothing_is_known_by_its_values(tmp_path):
    header = ["编号", "案由", "领衔代表", "分组", "主办单位"]
    rows = [[n, "关于某事的建议", "张三", category, "区交通委"]
            for n, category in enumerate(["社会事业", "财政经济", "社会事业"], 1)]
    result = read_file(write_xlsx(tmp_path / "v.xlsx", [header, *rows]), units=UNITS)
    assert result.problems == []
    assert [r["category"] for r in result.records] == ["社会事业", "财政经济", "社会事业"]
    match = result.columns[3]
    assert match.field == "category" and THRESHOLD <= match.confidence < 1.0


def test_one_field_takes_one_column_and_the_other_is_reported(tmp_path):
    header = [*OPINION_HEADER, "牵头部门"]
    rows = [[*opinion_row("1"), "莘庄镇"]]
    result = read_file(write_xlsx(tmp_path / "t.xlsx", [header, *rows]), units=UNITS)
    assert result.records[0]["lead_unit"] == "区交通委"
    [warning] = result.warnings
    assert warning.cell == "Sheet1!L1" and "牵头部门" in warning.message


def test_a_units_roster_with_unknown_headers_is_known_by_its_values(tmp_path):
    rows = [["承办单位一览"], ["第一栏", "第二栏"],
            *([name, kind] for name, kind in [("区交通委", "委办局"), ("莘庄镇", "街镇"),
                                              ("区教育局", "委办局"), ("七宝镇", "街镇")])]
    result = read_file(write_xlsx(tmp_path / "r.xlsx", rows, merged=["A1:B1"]))
    assert result.kind == "units" and result.problems == []
    assert [r["name"] for r in result.records] == ["区交通委", "莘庄镇", "区教育局", "七宝镇"]
    assert [(c.field, c.how) for c in result.columns] == [("name", How.VALUES),
                                                          ("kind", How.VALUES)]


def test_a_deputies_roster_with_unknown_headers_is_known_by_the_roster(tmp_path):
    names = ["张三", "李四", "王五", "赵六"]
    rows = [["甲", "乙"], *([name, "莘庄镇代表团"] for name in names)]
    path = write_xlsx(tmp_path / "d.xlsx", rows)
    result = read_paths([path], deputies=names).files[0]
    assert result.kind == "deputies" and result.problems == []
    assert [r["name"] for r in result.records] == names


def test_a_table_of_unknown_words_and_values_of_no_kind_stays_unrecognised(tmp_path):
    rows = [["名字", "年龄", "爱好"], *([name, 30 + i, "读书"] for i, name in
                                       enumerate(["张三", "李四", "王五"]))]
    [problem] = read_file(write_xlsx(tmp_path / "x.xlsx", rows)).problems
    assert "无法识别表格类型" in problem.message
