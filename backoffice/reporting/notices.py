"""The notice draft (情况专报) for a period: which units to name and the opinions behind
each line — overdue steps, 不同意 returns and low grades — and its .docx.

`draft_notice` is pure (plain findings in, lines out); `load_findings` reads them from
the database through `deadlines`; `issue` records the 通报批评 rows the assessment counts.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice.deadlines import Status, Step, load_deadlines
from backoffice.formatting import prose_date
from backoffice.models import CongressSession, Evaluation, Notice, Opinion, Unit
from backoffice.reporting.official import OfficialDocument, chinese_numeral
from importers.vocabulary import Grade, NoticeKind

LOW_GRADES = (Grade.FAIRLY_POOR.value, Grade.POOR.value)


class Kind:
    OVERDUE = "超期未办"
    LATE = "超期办理"
    DISAGREED = "不同意退回"
    LOW_GRADE = "满意度较低"


KINDS = (Kind.OVERDUE, Kind.LATE, Kind.DISAGREED, Kind.LOW_GRADE)


@dataclass(frozen=True)
class Finding:
    """One reason to name a unit, and the opinion behind it."""

    unit_id: int
    unit: str
    kind: str
    opinion_id: int
    number: str
    title: str
    detail: str


@dataclass(frozen=True)
class NoticeLine:
    unit_id: int
    unit: str
    findings: tuple[Finding, ...]

    @property
    def reason(self) -> str:
        """Return e.g. 超期未办2件、不同意退回1件 (opinions per kind)."""
        parts = []
        for kind in KINDS:
            opinions = {f.opinion_id for f in self.findings if f.kind == kind}
            if opinions:
                parts.append(f"{kind}{len(opinions)}件")
        return "、".join(parts)


@dataclass(frozen=True)
class NoticeDraft:
    session: str
    start: date
    end: date
    lines: tuple[NoticeLine, ...]

    @property
    def title(self) -> str:
        return f"关于{self.session}代表书面意见办理情况的专报"

    @property
    def period(self) -> str:
        return f"{prose_date(self.start)}至{prose_date(self.end)}"


def draft_notice(
    session: str, start: date, end: date, findings: Iterable[Finding]
) -> NoticeDraft:
    """Group findings by unit: most findings first, then by name; kinds in KINDS order."""
    by_unit: dict[tuple[int, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        by_unit[(finding.unit_id, finding.unit)].append(finding)
    lines = [
        NoticeLine(unit_id, unit, tuple(sorted(
            items, key=lambda f: (KINDS.index(f.kind), f.number, f.detail)
        )))
        for (unit_id, unit), items in by_unit.items()
    ]
    lines.sort(key=lambda line: (-len(line.findings), line.unit))
    return NoticeDraft(session, start, end, tuple(lines))


def _step_words(step: Step, co: bool) -> str:
    return "提交会办意见" if co else str(step)


def load_findings(
    db_session: orm.Session, session: CongressSession, start: date, end: date
) -> list[Finding]:
    """Return the period's findings: steps overdue on its last day or done late within it,
    and 不同意 or 较差/差 feedback given within it (on lead opinions)."""
    in_session = Opinion.session_id == session.id
    opinions = {
        row.id: row
        for row in db_session.execute(
            sa.select(Opinion.id, Opinion.number, Opinion.title, Opinion.lead_unit_id)
            .where(in_session)
        )
    }
    units = dict(db_session.execute(sa.select(Unit.id, Unit.name)).all())
    findings = []
    for schedule in load_deadlines(db_session, end, where=in_session):
        opinion = opinions[schedule.opinion_id]
        for deadline in schedule.deadlines:
            co = deadline.co_handler is not None
            words = _step_words(deadline.step, co)
            if deadline.status is Status.OVERDUE:
                kind = Kind.OVERDUE
                detail = f"{words}期限{prose_date(deadline.due_on)}，截至{prose_date(end)}尚未办理"
            elif deadline.status is Status.MET_LATE and start <= deadline.done_on <= end:
                kind = Kind.LATE
                detail = (f"{words}期限{prose_date(deadline.due_on)}，"
                          f"实际{prose_date(deadline.done_on)}办理")
            else:
                continue
            unit_id = schedule.unit_of(deadline)
            findings.append(Finding(unit_id, units[unit_id], kind, opinion.id, opinion.number,
                                    opinion.title, detail))
    feedback = db_session.execute(
        sa.select(Evaluation.opinion_id, Evaluation.evaluated_on, Evaluation.agrees,
                  Evaluation.grade)
        .join(Opinion, Opinion.id == Evaluation.opinion_id)
        .where(in_session, Evaluation.evaluated_on.between(start, end))
        .order_by(Evaluation.evaluated_on, Evaluation.id)
    )
    for opinion_id, on, agrees, grade in feedback:
        opinion = opinions[opinion_id]
        unit = units[opinion.lead_unit_id]
        if not agrees:
            findings.append(Finding(opinion.lead_unit_id, unit, Kind.DISAGREED, opinion_id,
                                    opinion.number, opinion.title,
                                    f"代表于{prose_date(on)}反馈不同意，退回重办"))
        if grade in LOW_GRADES:
            findings.append(Finding(opinion.lead_unit_id, unit, Kind.LOW_GRADE, opinion_id,
                                    opinion.number, opinion.title,
                                    f"代表于{prose_date(on)}评价为“{grade}”"))
    return findings


def notice_draft(
    db_session: orm.Session, session: CongressSession, start: date, end: date
) -> NoticeDraft:
    return draft_notice(session.name, start, end, load_findings(db_session, session, start, end))


def issue(
    db_session: orm.Session, draft: NoticeDraft, unit_ids: Sequence[int], issued_on: date
) -> list[Notice]:
    """Record a 通报批评 for each chosen unit of the draft; a unit already criticised on
    that day is left as it is. The caller commits."""
    chosen = [line for line in draft.lines if line.unit_id in set(unit_ids)]
    already = set(db_session.scalars(
        sa.select(Notice.unit_id).where(
            Notice.issued_on == issued_on, Notice.kind == NoticeKind.CRITICISM.value
        )
    ))
    notices = []
    for line in chosen:
        if line.unit_id in already:
            continue
        reason = f"情况专报（{draft.period}）：{line.reason}"
        notice = Notice(issued_on=issued_on, kind=NoticeKind.CRITICISM.value,
                        unit_id=line.unit_id, reason=reason[:200])
        db_session.add(notice)
        notices.append(notice)
    return notices


def as_docx(draft: NoticeDraft) -> bytes:
    """Return the draft as an official document: one 一、 heading per unit, its opinions
    listed under it."""
    document = OfficialDocument()
    document.title(draft.title)
    document.subtitle(f"（{draft.period}）")
    if not draft.lines:
        document.paragraph("本期未发现超期、不同意退回或满意度较低的情况。")
    else:
        document.paragraph(
            f"{draft.period}，经对书面意见办理情况跟踪检查，现将出现超期、代表反馈不满意等"
            f"问题的{len(draft.lines)}家承办单位通报如下，请相关单位及时落实整改。"
        )
    for index, line in enumerate(draft.lines, start=1):
        document.heading(1, f"{chinese_numeral(index)}、{line.unit}：{line.reason}")
        for finding in line.findings:
            document.paragraph(f"{finding.kind}：第{finding.number}号《{finding.title}》，"
                               f"{finding.detail}。")
    return document.to_bytes()
