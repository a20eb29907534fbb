"""The ranking as a table, an .xlsx sheet (typed figures, text never a formula) and text."""

import copy
import io
import unicodedata
from datetime import date
from decimal import Decimal

import openpyxl

from backoffice.assessment.ranking_table import ranking_table
from backoffice.assessment.sheets import ranking_text, title, write_ranking_xlsx
from backoffice.assessment.snapshots import Snapshot
from backoffice.assessment.year import default_as_of
from tests.scoring.truth_facts import expected_assessment


def test_the_table_has_a_row_per_unit_in_rank_order_with_every_figure() -> None:
    result = expected_assessment(2017)
    table = ranking_table(result)
    assert table.header[:4] == ("名次", "承办单位", "主办件数", "会办件数")
    assert table.header[4:11] == (
        "满意度",
        "解决",
        "沟通",
        "时限",
        "会办-主办评价",
        "会办-代表评价",
        "会办-时限",
    )
    assert table.header[-5:] == (
        "最终得分",
        "超期次数",
        "联络员调整次数",
        "先进档次",
        "绩效考核加分",
    )
    assert len(table.rows) == len(result["units"])
    row = dict(zip(table.header, table.rows[1], strict=True))
    assert row["承办单位"] == "区税务局"
    assert row["最终得分"] == Decimal("97.00")
    assert row["先进档次"] == "一档" and row["绩效考核加分"] == Decimal("0.3")
    assert row["表扬"] is None
    assert table.tiers[:3] == (None, 1, 1)


def _sheet(result: dict) -> openpyxl.worksheet.worksheet.Worksheet:
    target = io.BytesIO()
    write_ranking_xlsx(target, ranking_table(result), "2017年度书面意见办理考核排名")
    return openpyxl.load_workbook(target).active


def test_the_sheet_has_a_title_a_header_and_typed_figures() -> None:
    sheet = _sheet(expected_assessment(2017))
    assert sheet.title == "考核排名"
    assert sheet["A1"].value == "2017年度书面意见办理考核排名"
    assert sheet["B2"].value == "承办单位"
    assert sheet.freeze_panes == "A3"
    assert (sheet["A3"].value, sheet["B3"].value) == (1, "区机管局")
    header = [cell.value for cell in sheet[2]]
    final, tier = header.index("最终得分") + 1, header.index("先进档次") + 1
    assert sheet.cell(4, final).value == 97.0
    assert sheet.cell(4, final).number_format == "0.00"
    assert (sheet.cell(3, tier).value, sheet.cell(4, tier).value) == (None, "一档")


def test_a_unit_name_that_looks_like_a_formula_stays_text() -> None:
    result = copy.deepcopy(expected_assessment(2017))
    result["units"][0]["unit"] = '=HYPERLINK("http://x","1")'
    cell = _sheet(result)["B3"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x","1")'


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def test_the_text_aligns_chinese_names_and_figures() -> None:
    result = expected_assessment(2016)
    lines = ranking_text(ranking_table(result), "标题").splitlines()
    assert lines[0] == "标题"
    assert len(lines) == 2 + len(result["units"])
    assert lines[2].split()[:2] == ["1", "区安全监管局"]
    # Every final score ends in the display column where its header ends (the final is
    # the last decimal of a row but for the bonus, which is never a score).
    header_end = _width(lines[1][: lines[1].index("最终得分") + len("最终得分")])
    for line, unit in zip(lines[2:], result["units"], strict=True):
        assert _width(line[: line.rindex(unit["final"]) + len(unit["final"])]) == header_end


def test_the_title_names_the_year_the_day_and_a_published_version() -> None:
    frozen = Snapshot(2017, date(2017, 12, 15), {}, {"units": []}, {})
    assert title(frozen) == "2017年度书面意见办理考核排名　截至2017年12月15日"
    assert title(frozen, 2).startswith("2017年度书面意见办理考核排名（第2版）")


def test_a_past_year_is_assessed_at_its_end_and_the_current_year_as_of_today() -> None:
    assert default_as_of(2017, today=date(2018, 3, 1)) == date(2017, 12, 31)
    assert default_as_of(2017, today=date(2017, 12, 15)) == date(2017, 12, 15)
