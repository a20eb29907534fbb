"""The rules other offices' sheets need, each on the smallest sheet that shows it.

Found by the "other offices" generator (tests/other_offices); each rule is one a real
office's sheet benefits from, so each is proven here on its own.
"""

from importers.columns import How
from importers.matching import THRESHOLD, Candidate, assign, header_keys, similarity
from importers.matching.forms import announced_type
from importers.reading import read_file, read_paths
from tests.importers.workbook_builders import UNITS, write_csv, write_xlsx


def fields(result):
    return {c.header: c.field for c in result.columns}


def test_a_name_that_adds_only_a_type_word_is_nearly_the_header():
    # 答复 is the 答复日期, more than the 二次答复日期 or the 答复类型.
    assert similarity("答复", "答复日期") > similarity("答复", "二次答复日期") + 0.1
    assert similarity("答复", "答复日期") > similarity("答复", "答复类型") + 0.1


def test_a_header_naming_something_of_a_fields_thing_is_not_that_field(tmp_path):
    # A compound ends in its head: 经办人联系电话 is a phone number, 内容分类 a category.
    assert similarity("经办人联系电话", "经办人") < THRESHOLD
    assert similarity("内容分类", "内容") < similarity("内容分类", "分类")
    rows = [["编号", "主办单位", "经办人联系电话"], [1, "区交通委", "021-64120000"]]
    result = read_file(write_xlsx(tmp_path / "h.xlsx", rows), "handling", units=UNITS)
    assert fields(result)["经办人联系电话"] is None
    assert result.records[0]["contact_person"] is None


def test_each_trailing_note_is_dropped_in_turn_so_an_inner_note_still_counts(tmp_path):
    assert header_keys("承办单位（会办）（必填）")[:3] == (
        "承办单位(会办)(必填)", "承办单位(会办)", "承办单位")
    header = ["编号", "案由", "领衔代表", "类别", "承办单位（主办）（必填）",
              "承办单位（会办）（选填）"]
    rows = [header, [1, "关于某事的建议", "张三", "社会事业", "区交通委", "莘庄镇"]]
    result = read_file(write_xlsx(tmp_path / "o.xlsx", rows), units=UNITS)
    assert result.problems == []
    assert (result.records[0]["lead_unit"], result.records[0]["co_units"]) == (
        "区交通委", ["莘庄镇"])


def test_an_ordinals_di_says_nothing_more():
    assert "二次答复日期" in header_keys("第二次答复日期（年/月/日）")


def test_a_date_called_a_time_or_a_day_is_the_same_date(tmp_path):
    assert "离任日期" in header_keys("离任时间：") and "签收日期" in header_keys("签收日")
    rows = [["单位", "联络员", "任职时间", "离任时间"], ["区交通委", "王敏", "2016.3.1", ""]]
    result = read_file(write_xlsx(tmp_path / "l.xlsx", rows), units=UNITS)
    assert result.kind == "liaisons" and result.problems == []
    assert fields(result)["任职时间"] == "start" and fields(result)["离任时间"] == "end"


def test_a_headers_own_words_announce_dates_or_yes_and_no():
    assert announced_type(header_keys("办理时间办结")) == "date"
    assert announced_type(header_keys("是否已办结")) == "bool"
    assert announced_type(header_keys("办结")) is None


def _handling(tmp_path, header, cell, name="h.xlsx"):
    rows = [["编号", "主办单位", header], [1, "区交通委", cell]]
    return read_file(write_xlsx(tmp_path / name, rows), "handling", units=UNITS, year=2017)


def test_a_header_between_a_date_and_a_yes_or_no_field_is_settled_by_its_cells(tmp_path):
    # 办结 alone is both 是否办结 and 办结日期: even one cell tells which.
    over_yes = _handling(tmp_path, "办结", "是", "yes.xlsx")
    assert fields(over_yes)["办结"] == "concluded" and over_yes.records[0]["concluded"] is True
    over_date = _handling(tmp_path, "办结", "2017.8.17", "date.xlsx")
    assert fields(over_date)["办结"] == "concluded_on"
    assert str(over_date.records[0]["concluded_on"]) == "2017-08-17"


def test_the_yes_or_no_column_is_not_crowded_out_by_a_date_column(tmp_path):
    header = ["编号", "主办单位", "办结", "是否办结"]
    rows = [header, *([n, "区交通委", "2017-08-17", "是"] for n in range(1, 5))]
    result = read_file(write_xlsx(tmp_path / "h.xlsx", rows), "handling", units=UNITS)
    assert result.errors == []
    assert fields(result) == {"编号": "number", "主办单位": "lead_unit",
                              "办结": "concluded_on", "是否办结": "concluded"}


GROUP_TOP = ["编号", "主办单位", "办理时间", "", "", "", "是否办结"]
GROUP_BOTTOM = ["", "", "签收", "面商", "答复", "办结", ""]
GROUP_ROW = [7, "区交通委", "2017-02-22", "2017-03-01", "2017-04-05", "2017-08-17", "是"]
GROUP_FIELDS = ["accepted_on", "consulted_on", "replied_on", "concluded_on"]


def test_short_sub_headers_under_a_merged_group_title_are_a_header_row(tmp_path):
    merged = ["C1:F1", *(f"{c}1:{c}2" for c in "ABG")]
    path = write_xlsx(tmp_path / "h.xlsx", [GROUP_TOP, GROUP_BOTTOM, GROUP_ROW], merged=merged)
    result = read_file(path, units=UNITS)
    assert result.problems == []
    [record] = result.records
    assert [str(record[name]) for name in GROUP_FIELDS] == GROUP_ROW[2:6]
    assert record["concluded"] is True


def test_short_sub_headers_under_a_group_title_without_merges_are_a_header_row(tmp_path):
    path = write_csv(tmp_path / "h.csv", [GROUP_TOP, GROUP_BOTTOM, GROUP_ROW])
    result = read_file(path, units=UNITS)
    assert result.problems == []
    assert [str(result.records[0][name]) for name in GROUP_FIELDS] == GROUP_ROW[2:6]


def test_a_liaisons_term_over_start_and_end_reads_both_dates(tmp_path):
    rows = [["单位", "联络员", "任职时间", ""], ["", "", "起", "止"],
            ["区交通委", "王敏", "2016.3.1", "2017.2.28"]]
    result = read_file(write_csv(tmp_path / "l.csv", rows), units=UNITS)
    assert result.kind == "liaisons" and result.problems == []
    assert (str(result.records[0]["start"]), str(result.records[0]["end"])) == (
        "2016-03-01", "2017-02-28")


def test_a_summary_feeds_the_content_beside_a_title_and_the_title_alone(tmp_path):
    header = ["编号", "内容摘要", "意见标题（选填）", "领衔代表", "类别", "主办单位"]
    row = [1, "道路破损，建议修复", "关于修复道路的建议", "张三", "社会事业", "区交通委"]
    result = read_file(write_xlsx(tmp_path / "o.xlsx", [header, row]), units=UNITS)
    assert result.problems == []
    record = result.records[0]
    assert (record["title"], record["content"]) == ("关于修复道路的建议", "道路破损，建议修复")
    untitled = [header[:2] + header[3:], row[:2] + row[3:]]
    alone = read_file(write_xlsx(tmp_path / "a.xlsx", untitled), units=UNITS)
    assert alone.problems == [] and alone.records[0]["title"] == "道路破损，建议修复"
    assert fields(alone)["内容摘要"] == "title"


def test_other_offices_words_for_answer_type_notice_reason_and_evaluating_deputy(tmp_path):
    handling = read_file(write_xlsx(tmp_path / "h.xlsx", [["编号", "主办单位", "办理结果"],
                                                          [1, "区交通委", "A类"]]),
                         units=UNITS)
    assert handling.records[0]["answer_type"] == "A"
    notices = read_file(write_xlsx(tmp_path / "n.xlsx", [
        ["通报日期", "类型", "单位", "主要问题"],
        ["2017-05-01", "通报批评", "区交通委", "代表反馈不满意"]]), units=UNITS)
    assert notices.records[0]["reason"] == "代表反馈不满意"
    rows = [["编号", "测评代表(必填)", "主办单位", "是否同意", "总体评价", "测评日期", "经办人"],
            *([n, "张三", "区交通委", "同意", "好", "2017-06-01", "李伟"] for n in range(1, 4))]
    evaluations = read_file(write_xlsx(tmp_path / "e.xlsx", rows), units=UNITS)
    assert evaluations.kind == "evaluations"
    assert fields(evaluations)["测评代表(必填)"] == "lead_deputy"
    assert fields(evaluations)["经办人"] is None
    assert {c.how for c in evaluations.columns if c.header == "经办人"} == {How.UNMATCHED}


def test_a_column_torn_between_two_fields_takes_the_one_another_column_left():
    torn = [Candidate("start", How.SIMILAR, 0.7), Candidate("end", How.SIMILAR, 0.7)]
    clear = [Candidate("end", How.SIMILAR, 0.7)]
    resolution = assign({3: torn, 4: clear})
    assert {c: chosen.field for c, chosen in resolution.chosen.items()} == {3: "start", 4: "end"}
    assert resolution.unclear == {}
    # With nothing taken by another column, it stays torn and is reported.
    assert assign({3: torn}).unclear == {3: torn}


def test_a_deputies_sheet_among_the_files_tells_deputies_from_staff(tmp_path):
    deputies = [[name, "莘庄镇代表团"] for name in ["张三", "王五", "赵六"]]
    roster = write_xlsx(tmp_path / "deputies.xlsx", [["姓名", "所属代表团"], *deputies])
    rows = [["编号", "主办单位", "是否同意", "总体评价", "测评日期", "经办", "人员"],
            *([n, "区交通委", "同意", "好", "2017-06-01", staff, deputy]
              for n, (staff, deputy) in enumerate([("李伟", "张三"), ("张敏", "王五"),
                                                   ("李伟", "赵六")], 1))]
    evaluations = write_xlsx(tmp_path / "evaluations.xlsx", rows)
    read = read_paths([roster, evaluations], units=UNITS)
    [result] = [f for f in read.files if f.kind == "evaluations"]
    assert (fields(result)["人员"], fields(result)["经办"]) == ("lead_deputy", None)
    assert [r["lead_deputy"] for r in result.records] == ["张三", "王五", "赵六"]


def test_two_things_named_together_are_each_a_form_the_first_first(tmp_path):
    assert header_keys("联系人及电话")[1:] == ("联系人", "电话")
    assert announced_type(header_keys("办结与否")) == "bool"
    rows = [["编号", "主办单位", "联系人及电话", "办结与否"],
            [1, "区交通委", "王五 13900000000", "是"]]
    result = read_file(write_xlsx(tmp_path / "h.xlsx", rows), "handling", units=UNITS)
    assert fields(result)["联系人及电话"] == "contact_person"
    assert fields(result)["办结与否"] == "concluded" and result.records[0]["concluded"] is True
