"""Habits of offices our samples do not show, each on the smallest workbook that has it.

Every one must be read back exactly or refused at its cell, naming the field: never a
wrong value taken in silence.
"""

from __future__ import annotations

import zipfile
from datetime import date, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from backoffice.checks import opinion_fact_problems
from backoffice.extensions import db
from backoffice.imports import run_import
from backoffice.models import Deputy, Opinion, Unit
from importers.clock import local_today
from importers.planning import OpinionFacts, plan_import
from importers.problems import cell_excerpt
from importers.reading import read_file
from importers.units import UnitLookup
from importers.values import BadValue, parse_date
from tests.importers.plan_builders import records, state
from tests.importers.workbook_builders import OPINION_HEADER as OPINIONS
from tests.importers.workbook_builders import SAMPLES, UNITS, opinion_row, write_xlsx
from tests.other_offices.writers import Book, Grid, write_book

HANDLING = ["编号", "标题", "主办单位", "答复日期", "答复类型", "是否办结", "办结日期"]


def handling_row(number, **changes):
    """Return one handling-report row in HANDLING's order."""
    values = {"编号": number, "标题": f"关于第{number}件的建议", "主办单位": "区交通委",
              "答复日期": "2017-04-01", "答复类型": "A", "是否办结": "否", "办结日期": ""}
    values.update(changes)
    return [values[name] for name in HANDLING]


def errors_at(result):
    return {(p.cell, p.field): p.message for p in result.errors}


@pytest.mark.parametrize("raw", ["3月15日", "3月15号", "十二月五日"])
def test_a_date_without_its_year_is_refused_even_when_the_session_s_year_is_known(raw):
    # A reply of the 2017 session written 1月10日 may be of 2018: the year is never guessed.
    with pytest.raises(BadValue, match="缺少年份"):
        parse_date(raw, year=2017)


def test_a_date_without_its_year_is_refused_at_its_cell(tmp_path):
    rows = [HANDLING, handling_row(1, 答复日期="1月10日")]
    result = read_file(write_xlsx(tmp_path / "h.xlsx", rows), "handling", units=UNITS,
                       year=2017)
    assert "缺少年份" in errors_at(result)["Sheet1!D2", "replied_on"]
    assert result.records[0]["replied_on"] is None


@pytest.mark.parametrize(("cell", "names"), [
    ("李 四、王五", ["李四", "王五"]),  # a two-character name padded to line up with three
    ("李  四，王 五", ["李四", "王五"]),
    ("李四 王五", ["李四", "王五"]),  # spaces between whole names still separate them
    ("李四 王五、赵六", ["李四", "王五", "赵六"]),
    ("欧阳 明", ["欧阳明"]),
])
def test_spaces_inside_a_cosigner_s_name_do_not_split_it(tmp_path, cell, names):
    rows = [OPINIONS, opinion_row(1, 领衔代表="张 三", 附议代表=cell)]
    result = read_file(write_xlsx(tmp_path / "o.xlsx", rows), "opinions", units=UNITS)
    assert result.problems == []
    assert result.records[0]["cosigners"] == names


def test_a_name_lined_up_with_spaces_is_read_without_them(tmp_path):
    roster = [["序号", "姓名", "所属代表团", "联系电话"],
              [1, "王  伟", "莘庄镇代表团", "13571355873"], [2, "欧阳 明", "七宝镇代表团", ""]]
    read = read_file(write_xlsx(tmp_path / "d.xlsx", roster), "deputies")
    assert [r["name"] for r in read.records] == ["王伟", "欧阳明"]
    rows = [OPINIONS, opinion_row(1, 领衔代表="张 三")]
    read = read_file(write_xlsx(tmp_path / "o.xlsx", rows), "opinions", units=UNITS)
    assert read.records[0]["lead_deputy"] == "张三"


def test_an_error_value_or_an_unsaved_formula_result_is_refused_at_its_cell(tmp_path):
    # calamine reads both as blank cells: a reply date looked up with VLOOKUP (#N/A) or a
    # formula a program wrote without its result would be taken for "not replied".
    rows = [[*HANDLING, "联系人"],
            [*handling_row(1, 答复日期="#N/A", 答复类型="#REF!"), "#VALUE!"],
            [*handling_row(2, 答复日期="=DATE(2017,4,1)"), "王敏"]]
    result = read_file(write_xlsx(tmp_path / "h.xlsx", rows), "handling", units=UNITS)
    errors = errors_at(result)
    assert "#N/A" in errors["Sheet1!D2", "replied_on"]
    assert "#REF!" in errors["Sheet1!E2", "answer_type"]
    assert "#VALUE!" in errors["Sheet1!H2", "contact_person"]
    assert "没有保存计算结果" in errors["Sheet1!D3", "replied_on"]
    assert len(errors) == 4


@pytest.mark.parametrize("file_format", ["xls", "csv-gb18030"])
def test_an_error_value_is_refused_in_an_old_workbook_and_in_text(tmp_path, file_format):
    rows = [[*HANDLING, "联系人"], [*handling_row(1, 答复日期="#N/A"), "#N/A"]]
    path = write_book(Book({"汇总": Grid(rows)}), tmp_path / "h", file_format)
    result = read_file(next(iter(path)), "handling", units=UNITS)
    errors = errors_at(result)
    sheet = "汇总" if file_format == "xls" else "h"
    assert "#N/A" in errors[f"{sheet}!D2", "replied_on"]
    assert "#N/A" in errors[f"{sheet}!H2", "contact_person"]


def test_a_field_given_twice_must_agree_or_its_row_is_refused(tmp_path):
    # Two 答复日期 columns (a pasted block): the first is read, the second checked with it.
    rows = [[*HANDLING, "答复日期"],
            [*handling_row(1), "2017.4.1"],  # the same date written otherwise
            [*handling_row(2), "2017-04-09"],
            [*handling_row(3, 答复日期=""), "2017-04-09"],
            [*handling_row(4), ""]]
    result = read_file(write_xlsx(tmp_path / "h.xlsx", rows), "handling", units=UNITS)
    assert set(errors_at(result)) == {("Sheet1!H3", "replied_on"), ("Sheet1!H4", "replied_on")}
    assert "D3" in errors_at(result)["Sheet1!H3", "replied_on"]


def test_numbered_notes_under_the_data_are_not_rows(tmp_path):
    rows = [HANDLING, handling_row(1), handling_row(2), ["合计", "", "", "", "", 2],
            [], ["填表说明："], ["1、编号填写四位数，如0001"], ["2.日期写成2017-01-01"],
            ["（3）是否办结填“是”或“否”"], ["十、其他情况请在备注中说明"]]
    result = read_file(write_xlsx(tmp_path / "h.xlsx", rows), "handling", units=UNITS)
    assert result.problems == []
    assert [r["number"] for r in result.records] == [1, 2]


def test_a_hidden_sheet_holding_a_table_is_said_to_be_left_out(tmp_path):
    sheets = {"汇总表 ": [HANDLING, handling_row(1)], "下拉选项": [["是"], ["否"]],
              "旧表": [HANDLING, handling_row(2)]}
    path = write_xlsx(tmp_path / "h.xlsx", sheets, hidden_sheets=["下拉选项", "旧表"])
    result = read_file(path, "handling", units=UNITS)
    assert [r["number"] for r in result.records] == [1]
    assert [(p.sheet, p.level) for p in result.problems] == [("旧表", "warning")]
    assert "隐藏" in result.problems[0].message


def test_a_report_whose_title_names_another_opinion_is_flagged_so_a_wrong_number_shows(
        tmp_path):
    # A unit typed 0001 for 0002: its own opinion, so the lead unit cannot tell.
    given = state()
    titles = ["关于完善南方商城断头路打通的意见", "关于完善龙吴路人行天桥建设的意见",
              "关于加快推进吴泾人行天桥建设的意见"]
    for number, title in enumerate(titles, start=1):
        given.opinions[number] = OpinionFacts(title=title, lead_unit="区交通委")
    header = ["编号", "标题", "主办单位", "答复日期"]
    read = records(tmp_path, "handling", [
        header, [1, "关于完善龙吴路人行天桥建设的意见", "区交通委", "2017-04-01"],
        [2, "龙吴路人行天桥建设", "区交通委", "2017-04-01"],  # shortened: the same opinion
        [3, "关于加快吴泾人行天桥建设的建议", "区交通委", "2017-04-01"]])  # reworded
    rows = plan_import(read, given).rows
    [problem] = rows[0].problems
    assert (problem.cell, problem.level) == ("Sheet1!B2", "warning")
    assert "关于完善南方商城断头路打通的意见" in problem.message and "核对编号" in problem.message
    assert rows[1].problems == [] and rows[2].problems == []


@pytest.mark.parametrize(("written", "unit"), [
    ("闵行区七宝镇", "七宝镇"), ("上海市闵行区教育局", "区教育局"), ("闵行区教育局", "区教育局"),
    ("七宝镇人民政府", "七宝镇"), ("江川路街道办事处", "江川路街道"),
    ("莘庄工业区管委会", "莘庄工业区"), ("闵行区七宝镇人民政府（盖章）", "七宝镇"),
])
def test_a_unit_under_its_full_official_name_is_the_unit(written, unit):
    lookup = UnitLookup({"七宝镇": [], "区教育局": [], "江川路街道": [], "莘庄工业区": []})
    assert lookup.resolve(written) == unit


@pytest.mark.parametrize("written", ["教育局", "七宝", "闵行区", "浦东新区人民政府"])
def test_a_unit_name_cut_short_is_still_refused_with_a_suggestion(written):
    lookup = UnitLookup({"七宝镇": [], "区教育局": [], "江川路街道": [], "莘庄工业区": []})
    with pytest.raises(BadValue, match="未知单位"):
        lookup.resolve(written)


def test_a_template_s_empty_rows_numbered_in_advance_are_blank(tmp_path):
    # Offices hand out templates with 序号 filled in down the page; most rows stay empty.
    rows = [["序号", *HANDLING], [1, *handling_row(1)], [2], [3], [4, "", "", "", "", "", "否"]]
    result = read_file(write_xlsx(tmp_path / "h.xlsx", rows), "handling", units=UNITS)
    assert [r["number"] for r in result.records] == [1]
    assert result.errors == []


@pytest.mark.parametrize("header", ["计划办结时间", "拟办结日期", "承诺办结时间", "预计答复日期",
                                    "应答复日期", "最迟答复日期", "答复期限", "办理时限",
                                    "交办日期"])
def test_a_date_column_of_plans_deadlines_or_another_step_feeds_no_handling_date(tmp_path,
                                                                                 header):
    # 办结日期 and 二次答复日期 are not columns here: their words or the column's dates
    # must not make this column one of them.
    rows = [["编号", "标题", "主办单位", "签收日期", "面商日期", "答复日期", "是否办结", header],
            [1, "关于某事的建议", "区交通委", "2017-02-21", "2017-03-01", "2017-04-01", "是",
             "2017-06-30"]]
    result = read_file(write_xlsx(tmp_path / "h.xlsx", rows), "handling", units=UNITS)
    column = next(c for c in result.columns if c.header == header)
    assert column.field is None
    assert result.records[0]["concluded_on"] is None
    assert result.records[0]["second_reply_on"] is None


@pytest.mark.parametrize("header", ["原主办单位", "建议承办单位"])
def test_a_column_more_like_a_field_already_fed_does_not_fall_to_the_next_one(tmp_path, header):
    # 原主办单位 (the lead unit before a reassignment) is no 会办单位, the one unit field left.
    at = OPINIONS.index("会办单位")
    rows = [[*OPINIONS[:at], *OPINIONS[at + 1:], header],
            [*opinion_row(1)[:at], *opinion_row(1)[at + 1:], "区房管局"]]
    result = read_file(write_xlsx(tmp_path / "o.xlsx", rows), "opinions", units=UNITS)
    assert next(c for c in result.columns if c.header == header).field is None
    assert result.records[0]["co_units"] == []


def test_a_yes_or_no_column_of_another_act_is_not_the_one_it_shares_words_with(tmp_path):
    rows = [["编号", "领衔代表", "主办单位", "对答复是否同意", "总体评价", "测评日期", "是否表态"],
            [1, "张三", "区交通委", "同意", "好", "2017-06-01", "是"]]
    result = read_file(write_xlsx(tmp_path / "e.xlsx", rows), "evaluations", units=UNITS)
    assert next(c for c in result.columns if c.header == "是否表态").field is None
    assert result.records[0]["praised"] is False


def test_a_huge_cell_is_shown_in_a_message_by_its_beginning_and_its_length():
    assert cell_excerpt("x" * 32767) == "x" * 30 + "…（共32767字）"
    assert cell_excerpt("2017年3月") == "2017年3月" and cell_excerpt(None) == ""


def test_notes_under_a_short_table_do_not_count_as_its_first_column_s_cells(tmp_path):
    # One row of data: the notes block in column A must not outvote its one date.
    rows = [["签收", "编号", "主办单位"], ["2017/2/21", 1, "区交通委"], ["填表说明："],
            ["1、日期请写成2017-01-01"], ["2、编号写四位数"], ["（3）请勿改动表头"]]
    result = read_file(write_xlsx(tmp_path / "h.xlsx", rows), "handling", units=UNITS)
    assert next(c for c in result.columns if c.header == "签收").field == "accepted_on"


def test_an_import_with_a_refused_habit_changes_nothing(empty_app, tmp_path):
    # The 2017 rosters and assignment list, as an office with a VLOOKUP and a lazy date
    # would send them: refused at both cells, and no unit, deputy or opinion stored.
    listing = openpyxl.load_workbook(SAMPLES / "2017" / "书面意见交办清单.xlsx")
    sheet = listing.worksheets[0]
    sheet["I4"], sheet["J5"] = "#N/A", "2月20日"
    listing.save(tmp_path / "书面意见交办清单.xlsx")
    paths = [SAMPLES / "2017" / "承办单位名录.xlsx", SAMPLES / "2017" / "代表名册.xlsx",
             tmp_path / "书面意见交办清单.xlsx"]
    with empty_app.app_context():
        result = run_import(db.session, paths, "auto", session="区六届人大一次会议",
                            year=2017, dry_run=False, actor="test")
        stored = [db.session.scalar(sa.select(sa.func.count()).select_from(model))
                  for model in (Unit, Deputy, Opinion)]
    assert result.status == "refused"
    where = {(p.cell, p.field): p.message for p in result.errors}
    sheet_name = sheet.title
    assert "#N/A" in where[f"{sheet_name}!I4", "co_units"]
    assert "缺少年份" in where[f"{sheet_name}!J5", "assigned_on"]
    assert stored == [0, 0, 0]


def test_a_two_digit_year_date_that_also_reads_month_first_is_refused():
    # 12/10/17 is 2012-10-17 to a Chinese office, 2017-12-10 to an American Excel.
    with pytest.raises(BadValue, match="顺序不明确"):
        parse_date("12/10/17", year=2017)
    assert parse_date("17/3/15", year=2017).isoformat() == "2017-03-15"
    assert parse_date("12.10.17", year=2017).isoformat() == "2012-10-17"  # dots: not American


def test_a_second_table_pasted_under_the_first_repeats_its_two_level_header(tmp_path):
    top = ["编号", "标题", "主办单位", "办理过程", "", "答复类型"]
    sub = ["", "", "", "签收日期", "答复日期", ""]
    rows = [top, sub, [1, "关于1", "区交通委", "2017-02-21", "2017-04-01", "A"], [],
            top, sub, [2, "关于2", "区交通委", "2017-02-22", "2017-04-02", "B"]]
    result = read_file(write_xlsx(tmp_path / "h.xlsx", rows, merged=["D1:E1"]), "handling",
                       units=UNITS)
    assert result.problems == []
    assert [(r["number"], r["replied_on"].day) for r in result.records] == [(1, 1), (2, 2)]


def test_a_formula_whose_saved_result_is_empty_text_is_a_blank_cell(tmp_path):
    # Excel saves =IF(A2="","",…) giving "" as a text result with an empty value.
    rows = [HANDLING, handling_row(1, 答复日期='=IF(1,"","")')]
    path = write_xlsx(tmp_path / "h.xlsx", rows)
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b'<c r="D2">', b'<c r="D2" t="str">')
    with zipfile.ZipFile(path, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)
    result = read_file(path, "handling", units=UNITS)
    assert result.problems == [] and result.records[0]["replied_on"] is None


def test_a_date_of_something_done_cannot_be_after_today():
    # 2071 for 2017, 2027 for 2017: a typo the date range alone lets through.
    today = local_today()
    opinion = Opinion(assigned_on=date(2017, 2, 20), replied_on=today + timedelta(days=1),
                      answer_type="A", concluded_on=date(today.year + 1, 5, 1))
    problems = opinion_fact_problems(opinion)
    assert "晚于今天" in problems["replied_on"] and "晚于今天" in problems["concluded_on"]
    opinion.replied_on, opinion.concluded_on = today, None
    assert opinion_fact_problems(opinion) == {}


def test_a_total_row_numbered_in_the_serial_column_is_a_total(tmp_path):
    rows = [["序号", *HANDLING], [1, *handling_row(1)], [2, "合计", "", "", "", "", 1]]
    result = read_file(write_xlsx(tmp_path / "h.xlsx", rows), "handling", units=UNITS)
    assert result.problems == [] and [r["number"] for r in result.records] == [1]


def test_a_row_numbering_the_columns_under_the_header_is_not_data(tmp_path):
    # Official forms number their columns (栏次) in a row under the header: 1 2 3 …
    rows = [HANDLING, list(range(1, len(HANDLING) + 1)), handling_row(1)]
    result = read_file(write_xlsx(tmp_path / "h.xlsx", rows), "handling", units=UNITS)
    assert result.problems == [] and [r["number"] for r in result.records] == [1]


@pytest.mark.parametrize(("kind", "header", "row", "cell", "field"), [
    ("progress", ["编号", "主办单位", "反馈日期", "进展情况"],
     [1, "区交通委", None, "已完成方案设计"], "Sheet1!C2", "on"),
    ("contacts", ["编号", "承办单位", "沟通阶段", "沟通方式", "沟通日期"],
     [1, "区交通委", "办前", "走访", None], "Sheet1!E2", "on"),
    ("evaluations", ["编号", "主办单位", "对答复是否同意", "总体评价", "测评日期"],
     [1, "区交通委", "同意", "好", None], "Sheet1!E2", "evaluated_on"),
    ("co-evaluations", ["编号", "主办单位", "会办单位", "会办意见送达日期", "评价"],
     [1, "区交通委", "区房管局", None, "好"], "Sheet1!D2", "submitted_on"),
])
def test_the_date_of_something_done_is_never_after_today(tmp_path, kind, header, row, cell,
                                                         field):
    # 2071 typed for 2017: a progress report dated then would put its next one off for
    # fifty years. Today itself is a day things are done.
    late = local_today() + timedelta(days=1)
    column = header.index(next(h for h in header if row[header.index(h)] is None))
    for when, refused in ((late, True), (local_today(), False)):
        cells = [*row]
        cells[column] = when
        result = read_file(write_xlsx(tmp_path / f"{kind}.xlsx", [header, cells]), kind,
                           units=UNITS)
        problems = errors_at(result)
        assert ((cell, field) in problems) is refused, problems
        if refused:
            assert f"{late.year}年{late.month}月{late.day}日晚于今天" in problems[cell, field]


def test_rows_a_filter_hid_are_read_and_said(tmp_path):
    """A list saved while filtered to one unit hides the other units' rows: the file holds
    them and they are read, with a warning naming them, since their sender did not see them."""
    rows = [OPINIONS, *(opinion_row(n, "区交通委" if n % 2 else "区房管局") for n in range(1, 6))]
    path = write_xlsx(tmp_path / "筛选后.xlsx", rows)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    sheet.auto_filter.ref = sheet.dimensions
    for row in (3, 5):  # 0002 and 0004, of 区房管局
        sheet.row_dimensions[row].hidden = True
    sheet.column_dimensions["B"].hidden = True  # a hidden column is not a hidden row
    book.save(path)
    result = read_file(path, units=UNITS)
    assert [r["number"] for r in result.records] == [1, 2, 3, 4, 5]
    [warning] = [p for p in result.warnings if "隐藏" in p.message]
    assert warning.cell == "Sheet1!A3"
    assert warning.message.startswith("第3、5行在表格中是隐藏的（例如筛选后保存），也一并读取了")
    assert result.ok
