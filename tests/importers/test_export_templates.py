"""A kind's export template reads back as that kind, unchanged, and guides whoever fills it in."""

import time
import tracemalloc
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.escape import unescape

from importers.exporting import (
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    Template,
    csv_lines,
    write_csv,
    write_kind,
    write_rows,
)
from importers.reading import NO_DATA_ROWS, read_file
from importers.schemas import KINDS, SCHEMAS, FieldType
from importers.vocabulary import AnswerType, Category, Grade
from tests.importers.export_rows import UNIT_NAMES, UNITS, sample_rows, table

TRIGGERS = ["=1+1", "+86 138", "-2", "@SUM(A1)", "=HYPERLINK(\"http://x\")"]


def read_back(path, kind):
    """Return the file read as its kind and its errors, but for saying it has no rows."""
    result = read_file(path, kind, units=UNITS)
    errors = [str(p) for p in result.errors if not p.message.startswith(NO_DATA_ROWS)]
    return result, errors


def only_instructions_skipped(result):
    """Return the warnings other than the instructions sheet being skipped."""
    return [str(p) for p in result.warnings]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_reads_back_unchanged(tmp_path, kind):
    schema = SCHEMAS[kind]
    rows = sample_rows(schema)
    path = tmp_path / f"{kind}.xlsx"
    assert write_kind(path, kind, rows, units=UNIT_NAMES) == len(rows)
    result, errors = read_back(path, kind)
    assert (result.kind, errors, only_instructions_skipped(result)) == (kind, [], [])
    assert [record.values for record in result.records] == rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), kind=st.sampled_from(KINDS))
def test_random_rows_of_any_kind_read_back_unchanged(tmp_path_factory, data, kind):
    schema = SCHEMAS[kind]
    rows = data.draw(table(schema))
    path = tmp_path_factory.mktemp("export") / "export.xlsx"
    write_kind(path, kind, rows, units=UNIT_NAMES)
    result, errors = read_back(path, kind)
    assert errors == []
    assert [record.values for record in result.records] == rows
    # Rows are keyed in the order written: row 3 is the first, as the sheet shows it.
    assert [record.excel_row for record in result.records] == list(range(3, 3 + len(rows)))


def test_rows_may_come_as_the_kinds_row_type_made_by_field_name(tmp_path):
    row = SCHEMAS["handling"].row(
        remarks=None, contact_person=None, second_reply_on=None, concluded_on=None,
        concluded=False, answer_type=AnswerType.SOLVING, replied_on=None, consult_method=None,
        consulted_on=None, accepted_on=date(2017, 3, 1), lead_unit="区交通委",
        title="关于加快道路改造的建议", number=7)
    write_kind(tmp_path / "h.xlsx", "handling", [row], units=UNIT_NAMES)
    result, _ = read_back(tmp_path / "h.xlsx", "handling")
    assert result.records[0].values == row._asdict()


@pytest.mark.parametrize("kind", KINDS)
def test_a_kinds_row_type_refuses_a_missing_or_unknown_field(kind):
    names = [field.name for field in SCHEMAS[kind].fields]
    make = SCHEMAS[kind].row
    assert make(**dict.fromkeys(names)) == (None,) * len(names)
    with pytest.raises(TypeError, match=names[-1]):
        make(**dict.fromkeys(names[:-1]))
    with pytest.raises(TypeError, match="unexpected keyword argument 'remark'"):
        make(**dict.fromkeys(names), remark=None)


@pytest.mark.parametrize("text", [*TRIGGERS, "\tTAB", "\rCR"])
def test_formula_like_text_is_written_as_text_everywhere(tmp_path, text):
    rows = [{"number": 1, "title": text, "lead_deputy": text, "cosigners": [],
             "category": Category.URBAN, "lead_unit": "区交通委", "co_units": [],
             "delegation": text, "assigned_on": date(2017, 2, 20), "supervisor": None,
             "content": text}]
    path = tmp_path / "opinions.xlsx"
    write_kind(path, Template("opinions", title=text), rows, units=[text, *UNIT_NAMES])
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    cells = [sheet["A1"], sheet["B3"], sheet["C3"], sheet["E3"], sheet["K3"],
             book[LISTS_SHEET]["A2"]]
    for cell in cells:
        # openpyxl leaves a carriage return in Excel's escaped form (_x000D_).
        assert (unescape(cell.value), cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert not any(c.data_type == "f" for ws in book for row in ws.iter_rows() for c in row)
    if text[0] not in "\t\r":  # the reader trims surrounding whitespace, as it must
        result, errors = read_back(path, "opinions")
        assert errors == []
        assert result.records[0]["title"] == text


def test_ordinary_text_has_no_quote_prefix(tmp_path):
    path = tmp_path / "rows.xlsx"
    write_rows(path, ["意见"], [["建议修路"], ["=1+1"]])
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert [sheet["A3"].quotePrefix, sheet["A4"].quotePrefix] == [False, True]


def test_the_template_locks_keys_and_offers_dropdowns(tmp_path):
    path = tmp_path / "handling.xlsx"
    write_kind(path, "handling", sample_rows(SCHEMAS["handling"], 1), units=UNIT_NAMES)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    schema = SCHEMAS["handling"]
    assert [c.value for c in sheet[2]] == schema.headers
    assert sheet.freeze_panes == "B3"
    assert sheet.protection.sheet is True and not sheet.protection.password
    assert sheet["A3"].protection.locked is True  # the key, 编号
    assert all(c.protection.locked is False for c in sheet[3][1:])
    # Rows added below the data are editable, key included, and typed like the column.
    columns = list(sheet.column_dimensions.values())  # alike neighbours come as one
    assert [n for c in columns for n in range(c.min, c.max + 1)] == list(range(1, 14))
    assert all(c.protection.locked is False and c.width >= 6 for c in columns)
    columns = sheet.column_dimensions
    assert (columns["A"].number_format, columns["D"].number_format) == ("@", "yyyy-mm-dd")
    assert columns["B"].width >= 30  # a title column is wide enough to read
    assert isinstance(sheet["D3"].value, datetime) and sheet["D3"].number_format == "yyyy-mm-dd"
    assert sheet["J3"].is_date
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    lists = {ref.split(":")[0]: v.formula1 for ref, v in validations.items() if v.type == "list"}
    assert lists["F3"] == '"面商会,电话,走访,座谈,其他"'
    assert lists["H3"] == '"A,B,C,D"'
    assert lists["I3"] == '"是,否"'
    assert lists["C3"] == f"'{LISTS_SHEET}'!$A$2:$A${len(UNIT_NAMES) + 1}"
    assert validations["D3:D1048576"].type == "date"
    assert [c.value for c in book[LISTS_SHEET]["A"]][1:] == UNIT_NAMES
    assert book[LISTS_SHEET].sheet_state == "hidden"
    assert book.sheetnames == [schema.title, INSTRUCTIONS_SHEET, LISTS_SHEET]


def test_every_fixed_choice_and_unit_column_has_a_dropdown(tmp_path):
    for kind in KINDS:
        schema = SCHEMAS[kind]
        path = tmp_path / f"{kind}.xlsx"
        write_kind(path, kind, [], units=UNIT_NAMES)
        sheet = openpyxl.load_workbook(path).worksheets[0]
        lists = {str(v.sqref).split(":")[0][0]: v.formula1
                 for v in sheet.data_validations.dataValidation if v.type == "list"}
        for letter, field in zip("ABCDEFGHIJKLM", schema.fields, strict=False):
            if field.type is FieldType.CHOICE:
                assert lists[letter] == '"' + ",".join(m.value for m in field.choices) + '"'
            elif field.type is FieldType.BOOL:
                assert lists[letter] == '"' + ",".join(field.yes_no) + '"'
            elif field.type is FieldType.UNIT:
                assert lists[letter].startswith(f"'{LISTS_SHEET}'!"), (kind, field.name)
            else:
                assert letter not in lists, (kind, field.name)


def test_a_blank_template_reads_as_its_kind_with_no_rows(tmp_path):
    for kind in KINDS:
        path = tmp_path / f"{kind}.xlsx"
        assert write_kind(path, kind, []) == 0
        result, errors = read_back(path, kind)
        assert (result.kind, errors, result.records) == (kind, [], [])
        assert [p.message.split("：")[0] for p in result.errors] == [NO_DATA_ROWS]
        assert read_file(path).kind == kind  # recognised from its headers alone


def test_the_instructions_explain_every_column(tmp_path):
    path = tmp_path / "evaluations.xlsx"
    write_kind(path, "evaluations", [])
    rows = list(openpyxl.load_workbook(path)[INSTRUCTIONS_SHEET].iter_rows(values_only=True))
    described = {row[0]: row[1:] for row in rows if row[1] in ("必填", "选填")}
    assert list(described) == SCHEMAS["evaluations"].headers
    assert described["对答复是否同意"][0] == "必填"
    assert described["总体评价"][1].startswith("从下拉列表选择：好、较好、一般、较差、差")
    assert "“对答复是否同意”为“同意”时必填" in described["总体评价"][1]
    assert described["编号"][2].startswith("锁定")
    assert described["总体评价"][2] == "可填写"


def test_a_worklist_template_locks_what_the_office_owns(tmp_path):
    template = Template("handling", editable=frozenset({"accepted_on", "replied_on"}))
    path = tmp_path / "h.xlsx"
    write_kind(path, template, sample_rows(SCHEMAS["handling"], 1))
    sheet = openpyxl.load_workbook(path).worksheets[0]
    unlocked = [c.column_letter for c in sheet[3] if c.protection.locked is False]
    assert unlocked == ["D", "G"]


def test_plain_rows_are_typed_titled_and_frozen(tmp_path):
    path = tmp_path / "ranking.xlsx"
    rows = [["区交通委", Decimal("85.10"), 3, True, date(2017, 12, 15), None, ["甲", "乙"],
             Grade.GOOD]]
    assert write_rows(path, ["单位", "得分", "名次", "先进", "日期", "备注", "名单", "等次"],
                      iter(rows), title="2017年度考核排名") == 1
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet.title == "2017年度考核排名"
    assert sheet["A1"].value == "2017年度考核排名" and "A1:H1" in sheet.merged_cells
    assert sheet.freeze_panes == "A3"
    assert [c.value for c in sheet[3]] == ["区交通委", 85.1, 3, "是",
                                           datetime(2017, 12, 15), None, "甲、乙", "好"]
    assert sheet["B3"].number_format == "0.00"
    assert sheet.protection.sheet is False


def test_csv_has_a_bom_and_safe_text(tmp_path):
    lines = list(csv_lines(["单位", "得分"], [["=1+1", -2], ["区交通委", Decimal("1.50")]]))
    assert lines[0] == "\ufeff单位,得分\r\n"
    assert lines[1:] == ["'=1+1,-2\r\n", "区交通委,1.50\r\n"]
    path = tmp_path / "x.csv"
    assert write_csv(path, ["单位名称", "单位类别"], [["@x", "街镇"], ["七宝镇", "街镇"]]) == 2
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    result = read_file(path, "units")  # Excel and our reader both see Chinese, not mojibake
    assert [r["name"] for r in result.records] == ["'@x", "七宝镇"]


def test_stored_moments_are_written_on_beijing_time_whatever_the_servers_zone(
        tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")  # a server not set to Beijing
    time.tzset()
    try:
        stored = [datetime(2017, 3, 1, 23, 30, tzinfo=UTC), datetime(2017, 3, 1, 23, 30)]
        assert list(csv_lines(["时间"], [[moment] for moment in stored]))[1:] == [
            "2017-03-02 07:30:00\r\n"] * 2  # SQLite's zoneless moments are UTC too
        write_rows(tmp_path / "t.xlsx", ["时间"], [[moment] for moment in stored])
        sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").worksheets[0]
        assert [row[0].value for row in sheet.iter_rows()][-2:] == [
            datetime(2017, 3, 2, 7, 30)] * 2
    finally:
        monkeypatch.undo()
        time.tzset()


def test_writing_streams_with_flat_memory(tmp_path):
    def rows(count):
        for n in range(count):
            yield [f"{n:06d}", "关于加快推进道路改造的建议" * 3, date(2017, 2, 20), n]

    def peak(count):
        tracemalloc.start()
        write_rows(tmp_path / f"{count}.xlsx", ["编号", "标题", "日期", "数"], rows(count))
        _current, highest = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return highest

    small, large = peak(1_000), peak(8_000)
    # Eight times the rows, about the same memory: nothing grows with the row count.
    assert large < small * 1.5 + 256 * 1024
