"""The annual report as files: .xlsx with its tables and native Excel charts, .docx that
reads like the seed's section 一, laid out as an official document with its charts drawn
in (`reporting.official`, `reporting.chart_images`)."""

import io
import logging
from itertools import zip_longest

import xlsxwriter

from backoffice.formatting import prose_date
from backoffice.reporting import chart_images
from backoffice.reporting.annual import AnnualReport, Share
from backoffice.reporting.annual_prose import SECTION, paragraphs, title, year_over_year
from backoffice.reporting.official import OfficialDocument

logger = logging.getLogger(__name__)
FONT = "Noto Sans CJK SC"  # the workbook's; Excel substitutes a Chinese font without it
COMPARISON = "二、与上届次比较"


def _breakdowns(report: AnnualReport) -> list[tuple[str, str, dict[str, Share]]]:
    return [
        ("类别", "书面意见类别分布", report.by_category),
        ("答复类型", "已答复意见的答复类型", report.by_answer_type),
        ("满意度", "代表满意度评价", report.by_satisfaction),
    ]


def as_xlsx(report: AnnualReport, previous: AnnualReport | None = None) -> bytes:
    """Return a workbook: 概况 (every figure), one sheet per breakdown with its chart, and
    同比 (year over year, with a clustered column chart) when there is a previous session."""
    buffer = io.BytesIO()
    # A session's name (in the title and over 同比) is typed by someone: text, never a formula.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "font_name": FONT})
    text = book.add_format({"font_name": FONT})
    percent = book.add_format({"num_format": '0"%"', "font_name": FONT})

    summary = book.add_worksheet("概况")
    summary.set_column(0, 0, 28)
    summary.set_column(1, 2, 14)
    summary.write(0, 0, title(report), bold)
    summary.write(1, 0, f"截至{prose_date(report.as_of)}", text)
    figures = [
        ("书面意见总数", report.total),
        ("涉及承办单位", report.units),
        ("已答复", report.answered),
        ("正在答复", report.answering),
        ("“正在解决”件已办结", report.in_progress_concluded),
        ("“计划解决”件提前办结", report.planned_concluded),
        ("已办结", report.concluded),
        ("办结率（%）", report.conclusion_rate),
        ("已评价", report.evaluated),
        ("获表扬意见", report.praised_opinions),
        ("获表扬承办单位", report.praised_units),
        ("领导督办件", report.supervised),
        ("领导督办件已办结", report.supervised_concluded),
    ]
    summary.write_row(3, 0, ["项目", "数值"], bold)
    for row, (label, value) in enumerate(figures, start=4):
        summary.write(row, 0, label, text)
        summary.write_number(row, 1, value, text)

    for sheet_name, chart_title, breakdown in _breakdowns(report):
        sheet = book.add_worksheet(sheet_name)
        sheet.set_column(0, 0, 18)
        sheet.write_row(0, 0, [sheet_name, "件数", "占比"], bold)
        for row, (label, share) in enumerate(breakdown.items(), start=1):
            sheet.write(row, 0, label, text)
            sheet.write_number(row, 1, share.count, text)
            sheet.write_number(row, 2, share.percent, percent)
        last = len(breakdown)
        chart = book.add_chart({"type": "pie" if sheet_name != "答复类型" else "column"})
        chart.add_series({
            "name": chart_title,
            "categories": [sheet_name, 1, 0, last, 0],
            "values": [sheet_name, 1, 1, last, 1],
            "data_labels": {"value": True},
        })
        chart.set_title({"name": chart_title, "name_font": {"name": FONT}})
        chart.set_legend({"font": {"name": FONT}})
        sheet.insert_chart(1, 4, chart)

    if previous is not None:
        sheet = book.add_worksheet("同比")
        sheet.set_column(0, 0, 18)
        sheet.write_row(0, 0, ["项目", report.session, previous.session, "增减"], bold)
        rows = year_over_year(report, previous)
        for row, line in enumerate(rows, start=1):
            sheet.write(row, 0, f"{line.label}（{line.unit}）", text)
            sheet.write_number(row, 1, line.current, text)
            sheet.write_number(row, 2, line.previous, text)
            sheet.write_number(row, 3, line.change, text)
        chart = book.add_chart({"type": "column"})
        for column in (1, 2):
            chart.add_series({
                "name": ["同比", 0, column],
                "categories": ["同比", 1, 0, len(rows), 0],
                "values": ["同比", 1, column, len(rows), column],
            })
        chart.set_title({"name": "与上届次比较", "name_font": {"name": FONT}})
        chart.set_size({"width": 900, "height": 360})
        sheet.insert_chart(len(rows) + 2, 0, chart)
    book.close()
    return buffer.getvalue()


def report_charts(report: AnnualReport, previous: AnnualReport | None = None) -> list[bytes]:
    """Return the report's charts as PNG: the three breakdowns, then the year-over-year
    columns when there is a previous session; none (and a logged warning) without a CJK
    font, rather than charts of empty boxes."""
    font = chart_images.cjk_font()
    if font is None:
        logger.warning("未找到中文字体（如 fonts-noto-cjk），年度报告不附图表。")
        return []
    charts = [
        chart_images.bars(chart_title, {"件数": [s.count for s in breakdown.values()]},
                          list(breakdown), font)
        if name == "答复类型" else
        chart_images.pie(chart_title, {k: s.count for k, s in breakdown.items()}, font)
        for name, chart_title, breakdown in _breakdowns(report)
    ]
    if previous is not None:
        rows = [row for row in year_over_year(report, previous) if row.unit != "%"]
        charts.append(chart_images.bars(
            "与上届次比较", {report.session: [row.current for row in rows],
                             previous.session: [row.previous for row in rows]},
            [row.label for row in rows], font))
    return charts


def as_docx(report: AnnualReport, previous: AnnualReport | None = None) -> bytes:
    """Return a Word document: the title, section 一 with a chart after each breakdown, and
    section 二 comparing with the previous session (table and chart) when there is one."""
    document = OfficialDocument()
    document.title(title(report))
    document.subtitle(f"（截至{prose_date(report.as_of)}）")
    document.heading(1, SECTION)
    charts = report_charts(report, previous)
    for part, chart in zip_longest(paragraphs(report, previous), charts[:3]):
        document.heading(2, part.heading)
        document.paragraph(part.text)
        if chart is not None:
            document.picture(chart)
    if previous is not None:
        document.heading(1, COMPARISON)
        document.paragraph(f"与上届次（{previous.session}，截至{prose_date(previous.as_of)}）"
                           "相比，主要数据如下。")
        document.table(["项目", "本届次", "上届次", "增减"], [
            [f"{row.label}（{row.unit}）", str(row.current), str(row.previous), f"{row.change:+d}"]
            for row in year_over_year(report, previous)
        ])
        for chart in charts[3:]:
            document.picture(chart)
    return document.to_bytes()
