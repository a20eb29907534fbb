"""The annual report in words: the seed's section 一 with the figures filled in.

Pure: an `AnnualReport` (and the previous session's, when there is one) in, Chinese
headings, paragraphs and year-over-year lines out; text, .docx and the page share them.
"""

from dataclasses import dataclass

from backoffice.formatting import prose_date
from backoffice.reporting.annual import AnnualReport, Share
from importers.vocabulary import AnswerType

SECTION = "一、基本情况"


@dataclass(frozen=True)
class Paragraph:
    heading: str
    text: str


@dataclass(frozen=True)
class YearOverYear:
    """One figure this year beside last year's."""

    label: str
    current: int
    previous: int
    unit: str = "件"

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def trend(self) -> str:
        return trend(self.current, self.previous)


def trend(current: int, previous: int) -> str:
    """Return how current compares with previous, as the report words it."""
    if current == previous:
        return "基本持平"
    if current > previous:
        return "有大幅增加" if current >= 2 * previous else "有所增加"
    return "下降一半以上" if 2 * current <= previous else "有所下降"


def _shares(breakdown: dict[str, Share], wrap: str = "{}", tail: str = "方面") -> str:
    parts = [
        f"{wrap.format(label)}{tail}{share.count}件，占{share.percent}%"
        for label, share in breakdown.items()
    ]
    return "；".join(parts)


def _distribution(report: AnnualReport) -> str:
    return (
        f"截至{prose_date(report.as_of)}，区政府共收到区人大代表书面意见{report.total}件，"
        f"涉及{report.units}家承办单位。其中，涉及{_shares(report.by_category)}。"
    )


def _in_progress(report: AnnualReport) -> str:
    count = report.share(AnswerType.SOLVING).count
    done = report.in_progress_concluded
    if count == 0:
        return ""
    if done == count:
        return f"{count}件“正在解决”件已全部办结；"
    return f"{count}件“正在解决”件中，已办结{done}件，还有{count - done}件正在推进中；"


def _planned(report: AnnualReport) -> str:
    count = report.share(AnswerType.PLANNED).count
    done = report.planned_concluded
    if count == 0:
        return ""
    if done == count:
        return f"{count}件“计划解决”件已全部提前办结。"
    return (
        f"{count}件“计划解决”件中，已提前办结{done}件，还有{count - done}件正在积极推进中。"
    )


def _replies(report: AnnualReport, previous: AnnualReport | None) -> str:
    if report.answering:
        opening = (
            f"{report.total}件代表书面意见已答复代表{report.answered}件，"
            f"还有{report.answering}件正在答复中。"
        )
    else:
        opening = f"{report.total}件代表书面意见已全部答复代表。"
    types = _shares(report.by_answer_type, tail="")
    text = (
        f"{opening}其中，{types}。{_in_progress(report)}{_planned(report)}"
        f"已答复的{report.answered}件书面意见共办结{report.concluded}件，"
        f"办结率为{report.conclusion_rate}%。"
    )
    if previous is not None:
        now = report.share(AnswerType.REFERENCE).count
        before = previous.share(AnswerType.REFERENCE).count
        text += f"“留作参考”件{now}件，与去年{before}件相比{trend(now, before)}。"
    return text


def _grades(report: AnnualReport) -> str:
    given = {label: s for label, s in report.by_satisfaction.items() if s.count}
    missing = [label for label, s in report.by_satisfaction.items() if not s.count]
    text = _shares(given, wrap="“{}”的", tail="") if given else ""
    if missing:
        text += ("；" if text else "") + "无" + "和".join(f"“{m}”" for m in missing) + "评"
    return text


def _feedback(report: AnnualReport, previous: AnnualReport | None) -> str:
    text = (
        f"{report.total}件代表书面意见中，代表对答复总体满意度已评价{report.evaluated}件，"
        f"结果为{_grades(report)}。"
    )
    if report.praised_opinions:
        named = [unit for unit, _ in report.praised_by_unit[:3]]
        more = "等" if report.praised_units > len(named) else ""
        text += (
            f"{'、'.join(named)}{more}{report.praised_units}家承办单位"
            f"共{report.praised_opinions}件书面意见获得代表的表扬"
        )
        if previous is not None:
            text += (
                f"，与去年{previous.praised_opinions}件相比"
                f"{trend(report.praised_opinions, previous.praised_opinions)}"
            )
        text += "。"
    return text


def _supervision(report: AnnualReport) -> str:
    if not report.supervised:
        return "今年无区政府领导督办件。"
    ongoing = report.supervised - report.supervised_concluded
    text = f"今年区政府领导{report.supervised}件督办件已办结{report.supervised_concluded}件"
    return text + (f"，还有{ongoing}件正在推进。" if ongoing else "，已全部办结。")


def paragraphs(report: AnnualReport, previous: AnnualReport | None = None) -> list[Paragraph]:
    """Return section 一 as headed paragraphs."""
    return [
        Paragraph("（一）类型分布情况", _distribution(report)),
        Paragraph("（二）答复办理情况", _replies(report, previous)),
        Paragraph("（三）反馈评价情况", _feedback(report, previous)),
        Paragraph("（四）领导督办情况", _supervision(report)),
    ]


def year_over_year(report: AnnualReport, previous: AnnualReport) -> list[YearOverYear]:
    """Return this year's figures beside the previous session's."""

    def both(figure) -> tuple[int, int]:
        return figure(report), figure(previous)

    def reference(r: AnnualReport) -> int:
        return r.share(AnswerType.REFERENCE).count

    rows = [
        ("书面意见总数", lambda r: r.total, "件"),
        ("涉及承办单位", lambda r: r.units, "家"),
        ("已答复", lambda r: r.answered, "件"),
        ("“留作参考”件", reference, "件"),
        ("已办结", lambda r: r.concluded, "件"),
        ("办结率", lambda r: r.conclusion_rate, "%"),
        ("已评价", lambda r: r.evaluated, "件"),
        ("满意度“好”", lambda r: r.by_satisfaction["好"].count, "件"),
        ("获表扬意见", lambda r: r.praised_opinions, "件"),
        ("获表扬单位", lambda r: r.praised_units, "家"),
        ("领导督办件", lambda r: r.supervised, "件"),
    ]
    return [YearOverYear(label, *both(figure), unit) for label, figure, unit in rows]


def title(report: AnnualReport) -> str:
    return f"关于{report.session}代表书面意见办理情况"


def as_text(report: AnnualReport, previous: AnnualReport | None = None) -> str:
    """Return the report as plain text: title, section 一, and the year-over-year lines."""
    lines = [title(report), "", SECTION, ""]
    for paragraph in paragraphs(report, previous):
        lines += [paragraph.heading, paragraph.text, ""]
    if previous is not None:
        lines.append(f"与上届次（{previous.session}，截至{prose_date(previous.as_of)}）比较")
        for row in year_over_year(report, previous):
            sign = f"{row.change:+d}" if row.change else "±0"
            lines.append(
                f"  {row.label}：{row.current}{row.unit}，去年{row.previous}{row.unit}"
                f"（{sign}，{row.trend}）"
            )
    return "\n".join(lines).rstrip() + "\n"
