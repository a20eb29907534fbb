"""Data rows read typed; rows that are not data are skipped; every bad cell is pointed at."""

from datetime import date

from importers.reading import read_file, read_paths
from importers.vocabulary import Category, Grade
from tests.importers.workbook_builders import OPINION_HEADER, UNITS, opinion_row, write_xlsx


def test_vertically_merged_cells_are_filled_down(tmp_path):
    rows = [["编号", "主办单位", "反馈日期", "进展情况"],
            ["0002", "区交通委", "2017-05-15", "招标"], ["0002", "", "2017-06-19", "施工"],
            ["0003", "", "2017-07-21", "验收"]]
    path = write_xlsx(tmp_path / "p.xlsx", rows, merged=["B2:B4"])
    result = read_file(path, units=UNITS)
    assert result.kind == "progress"
    assert [r["lead_unit"] for r in result.records] == ["区交通委"] * 3


def test_blank_total_footnote_and_title_rows_are_skipped(tmp_path):
    rows = [OPINION_HEADER, ["一、城市建设和管理"], opinion_row("1"), [], [None, " "],
            opinion_row("2"), ["合计：2件"], ["总计", 2], ["注：会办单位应在一个月内送会办意见。"],
            ["说明:本表由区府办汇总"]]
    path = write_xlsx(tmp_path / "t.xlsx", rows, merged=["A2:K2"])
    result = read_file(path, units=UNITS)
    assert result.problems == []
    assert [r["number"] for r in result.records] == [1, 2]


def test_a_repeated_header_row_is_skipped(tmp_path):
    rows = [OPINION_HEADER, opinion_row("1"), OPINION_HEADER, opinion_row("2")]
    result = read_file(write_xlsx(tmp_path / "r.xlsx", rows), units=UNITS)
    assert result.problems == []
    assert [r["number"] for r in result.records] == [1, 2]


def test_each_sheet_of_a_workbook_is_read_and_a_sheet_may_name_the_category(tmp_path):
    header = [h for h in OPINION_HEADER if h != "类别"]

    def row(number):
        values = opinion_row(number)
        del values[OPINION_HEADER.index("类别")]
        return values

    path = write_xlsx(tmp_path / "c.xlsx", {"城市建设和管理": [header, row("1")],
                                            "社会事业": [header, row("2"), row("3")],
                                            "说明": [["填表说明：请按模板填写"]]})
    result = read_file(path, units=UNITS)
    assert result.sheets == ["城市建设和管理", "社会事业"]
    assert [(r["number"], r["category"]) for r in result.records] == [
        (1, Category.URBAN), (2, Category.SOCIAL), (3, Category.SOCIAL)]
    assert result.records[1].cell("number") == "社会事业!B2"
    assert result.records[1].cell("category") is None
    [skipped] = result.warnings
    assert skipped.sheet == "说明" and "已跳过" in skipped.message


def test_hidden_sheets_are_not_read(tmp_path):
    path = write_xlsx(tmp_path / "h.xlsx", {"清单": [OPINION_HEADER, opinion_row("1")],
                                            "下拉选项": [OPINION_HEADER, opinion_row("9")]},
                      hidden_sheets=["下拉选项"])
    assert [r["number"] for r in read_file(path, units=UNITS).records] == [1]


def test_values_read_typed_with_the_cell_of_each_field(tmp_path):
    rows = [OPINION_HEADER, opinion_row(
        "第0003号", lead_unit=" 闵行区交通委员会 ", 附议代表="李四、王五，赵六",
        会办单位="区绿容局；莘庄镇",
        交办日期=42786, 督办领导="孙建国")]
    [record] = read_file(write_xlsx(tmp_path / "v.xlsx", rows), units=UNITS).records
    assert record.values == {
        "number": 3, "title": "关于第第0003号件的建议", "lead_deputy": "张三",
        "cosigners": ["李四", "王五", "赵六"], "delegation": "莘庄镇代表团",
        "category": Category.URBAN, "lead_unit": "区交通委", "co_units": ["区绿化市容局", "莘庄镇"],
        "assigned_on": date(2017, 2, 20), "supervisor": "孙建国", "content": None,
    }
    assert record.key == (3,)
    assert record.cells["co_units"] == "Sheet1!I2"
    assert (record.file, record.sheet, record.excel_row) == (str(tmp_path / "v.xlsx"), "Sheet1", 2)


def test_unknown_unit_is_an_error_at_its_cell_with_suggestions(tmp_path):
    rows = [OPINION_HEADER, opinion_row("1"), opinion_row("2", lead_unit="区交通委员")]
    result = read_file(write_xlsx(tmp_path / "u.xlsx", rows), units=UNITS)
    [problem] = result.errors
    assert (problem.cell, problem.field, problem.value) == ("Sheet1!H3", "lead_unit", "区交通委员")
    assert problem.message == "主办单位：未知单位“区交通委员”，是否为：区交通委？"
    assert [r.valid for r in result.records] == [True, False]
    assert result.records[1].problems == [problem]


def test_bad_date_is_an_error_at_its_cell(tmp_path):
    rows = [OPINION_HEADER, opinion_row("1", 交办日期="2017年2月30日")]
    [problem] = read_file(write_xlsx(tmp_path / "d.xlsx", rows), units=UNITS).errors
    assert (problem.cell, problem.field, problem.value) == ("Sheet1!J2", "assigned_on",
                                                            "2017年2月30日")
    assert "交办日期" in problem.message and "不存在" in problem.message


def test_duplicate_number_is_an_error_pointing_at_the_first(tmp_path):
    rows = [OPINION_HEADER, opinion_row("0001"), opinion_row("1")]
    result = read_file(write_xlsx(tmp_path / "dup.xlsx", rows), units=UNITS)
    [problem] = result.errors
    assert (problem.cell, problem.field, problem.value) == ("Sheet1!B3", "number", 1)
    assert problem.message == "重复：编号=0001 已在 dup.xlsx Sheet1!B2 出现"


def test_duplicates_are_found_across_the_files_of_one_kind(tmp_path):
    write_xlsx(tmp_path / "a.xlsx", [OPINION_HEADER, opinion_row("1")])
    write_xlsx(tmp_path / "b.xlsx", [OPINION_HEADER, opinion_row("2"), opinion_row("1")])
    result = read_paths([tmp_path], units=UNITS)
    assert [(p.file.endswith("b.xlsx"), p.cell) for p in result.errors] == [(True, "Sheet1!B3")]


def test_empty_required_cell_is_an_error(tmp_path):
    rows = [OPINION_HEADER, opinion_row("", 案由="")]
    problems = read_file(write_xlsx(tmp_path / "e.xlsx", rows), units=UNITS).errors
    assert [(p.cell, p.field, p.message) for p in problems] == [
        ("Sheet1!B2", "number", "编号：必填项为空"), ("Sheet1!C2", "title", "案由：必填项为空")]


def test_a_field_required_by_another_is_checked(tmp_path):
    header = ["编号", "主办单位", "答复类型", "是否办结", "办结日期"]
    rows = [header, ["1", "区交通委", "A", "是", ""], ["2", "区交通委", "C", "", ""]]
    result = read_file(write_xlsx(tmp_path / "c.xlsx", rows), "handling", units=UNITS)
    [problem] = result.errors
    assert (problem.cell, problem.field) == ("Sheet1!E2", "concluded_on")
    assert problem.message == "办结日期：是否办结为“是”时必须填写"
    assert result.records[1]["concluded"] is False


def test_evaluations_keep_every_row_and_parse_co_handler_grades(tmp_path):
    header = ["编号", "领衔代表", "主办单位", "对答复是否同意", "总体评价", "是否表扬",
              "对会办单位评价", "测评日期", "同意公开"]
    rows = [header, ["0026", "潘欣欣", "区房管局", "不同意", "", "", "", "2017年5月19日", ""],
            ["0026", "潘欣欣", "区房管局", "同意", "较好", "√", "交通委:好；区绿容局:一般",
             "2017-07-03", "是"]]
    result = read_file(write_xlsx(tmp_path / "e.xlsx", rows), units=UNITS)
    assert result.kind == "evaluations" and result.problems == []
    first, second = result.records
    assert (first["agree"], first["grade"], first["praised"], first["co_grades"]) == (
        False, None, False, [])
    assert (second["agree"], second["grade"], second["praised"], second["consent_publish"]) == (
        True, Grade.FAIRLY_GOOD, True, True)
    assert [(g.unit, g.grade) for g in second["co_grades"]] == [
        ("区交通委", Grade.GOOD), ("区绿化市容局", Grade.AVERAGE)]
    assert [r.key for r in result.records] == [(26, date(2017, 5, 19)), (26, date(2017, 7, 3))]


def test_an_agreeing_evaluation_needs_a_grade(tmp_path):
    header = ["编号", "主办单位", "对答复是否同意", "总体评价", "测评日期"]
    rows = [header, ["1", "区房管局", "同意", "", "2017-05-01"]]
    [problem] = read_file(write_xlsx(tmp_path / "e.xlsx", rows), units=UNITS).errors
    assert problem.cell == "Sheet1!D2"
    assert problem.message == "总体评价：对答复是否同意为“同意”时必须填写"


def test_without_a_unit_lookup_unit_names_are_kept_as_written(tmp_path):
    rows = [OPINION_HEADER, opinion_row("1", lead_unit=" 区交通委 ", 会办单位="甲、乙")]
    [record] = read_file(write_xlsx(tmp_path / "n.xlsx", rows)).records
    assert (record["lead_unit"], record["co_units"]) == ("区交通委", ["甲", "乙"])


def test_a_units_sheet_in_the_same_read_fills_the_lookup(tmp_path):
    write_xlsx(tmp_path / "units.xlsx", [["单位名称", "单位类别", "简称/别名"],
                                         ["区交通委", "委办局", "闵行区交通委员会、交通委"]])
    write_xlsx(tmp_path / "list.xlsx", [OPINION_HEADER, opinion_row("1", lead_unit="交通委"),
                                        opinion_row("2", lead_unit="交通局")])
    result = read_paths([tmp_path])
    assert [f.kind for f in result.files] == ["units", "opinions"]
    assert result.records("opinions")[0]["lead_unit"] == "区交通委"
    [problem] = result.errors
    assert "未知单位“交通局”" in problem.message
    assert result.units is not None and result.units.aliases("区交通委") == ["闵行区交通委员会",
                                                                            "交通委"]


def test_records_never_share_a_list(tmp_path):
    rows = [OPINION_HEADER, opinion_row("1"), opinion_row("2")]
    first, second = read_file(write_xlsx(tmp_path / "l.xlsx", rows), units=UNITS).records
    first["co_units"].append("区房管局")
    first["cosigners"].append("某人")
    assert (second["co_units"], second["cosigners"]) == ([], [])
