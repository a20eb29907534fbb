"""`backoffice report` in each format: the JSON is the expected report, the .xlsx has its
tables and native charts, the .docx reads like the seed's section 一; bad input refused."""

import io
import json
import zipfile
from pathlib import Path

import openpyxl
from docx import Document

from backoffice.reporting import chart_images
from tests.backoffice.docx_reading import assert_official_layout, styled

EXPECTED = Path(__file__).resolve().parents[1] / "fixtures" / "expected"
SESSION_2017 = "区六届人大一次会议"


def test_report_command_writes_each_format(app, tmp_path) -> None:
    runner = app.test_cli_runner()
    base = ["report", "--session", SESSION_2017, "--as-of", "2017-12-15"]

    result = runner.invoke(args=[*base, "--format", "json"])
    assert result.exit_code == 0, result.output
    expected = json.loads((EXPECTED / "2017.json").read_text(encoding="utf-8"))["report"]
    assert json.loads(result.output) == expected

    text = runner.invoke(args=base).output
    assert "截至2017年12月15日，区政府共收到区人大代表书面意见322件，涉及52家承办单位。" in text
    assert "获表扬意见：91件，去年22件" in text

    xlsx = tmp_path / "report.xlsx"
    assert runner.invoke(args=[*base, "--format", "xlsx", "-o", str(xlsx)]).exit_code == 0
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["概况", "类别", "答复类型", "满意度", "同比"]
    rows = list(book["答复类型"].iter_rows(values_only=True))
    assert rows[1:] == [("已经解决", 137, 43), ("正在解决", 94, 29), ("计划解决", 46, 14),
                        ("留作参考", 43, 14)]
    yoy = {row[0]: row[1:] for row in book["同比"].iter_rows(min_row=2, values_only=True)}
    assert yoy["获表扬意见（件）"] == (91, 22, 69)
    assert yoy["“留作参考”件（件）"] == (43, 95, -52)
    charts = [n for n in zipfile.ZipFile(xlsx).namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 4  # three breakdowns and the year-over-year columns

    docx = tmp_path / "report.docx"
    assert runner.invoke(args=[*base, "--format", "docx", "-o", str(docx)]).exit_code == 0
    document = Document(io.BytesIO(docx.read_bytes()))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "一、基本情况" in body
    assert "已答复的320件书面意见共办结292件，办结率为91%。" in body
    assert ("结果为“好”的238件，占76%；“较好”的65件，占21%；“一般”的11件，占3%；"
            "无“较差”和“差”评。") in body
    assert "与去年22件相比有大幅增加" in body and "与去年95件相比下降一半以上" in body
    assert document.tables[0].rows[0].cells[0].text == "项目"
    assert_official_layout(document)
    assert styled(document, "Heading 1") == ["一、基本情况", "二、与上届次比较"]
    assert len(styled(document, "Heading 2")) == 4
    if chart_images.cjk_font() is not None:  # test_official_documents says when it is not
        assert len(document.inline_shapes) == 4

    # Refused: an unknown session, and binary output to the terminal.
    unknown = runner.invoke(args=["report", "--session", "区九届人大九次会议"])
    assert unknown.exit_code != 0 and "没有名为“区九届人大九次会议”的届次会议" in unknown.output
    binary = runner.invoke(args=["report", "--format", "xlsx"])
    assert binary.exit_code != 0 and "须用 -o 指定输出文件" in binary.output
