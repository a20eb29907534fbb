"""An opinion's case file (一案一册) to print and to keep: a .docx with a cover page and
every part of the case, and a .zip with that document and the attachments themselves.

The case-file page reads its deadlines and trail from here too, so screen and paper
agree. Who may have it is the caller's question (the opinion view's `get_one`).
"""

import zipfile
from collections import defaultdict
from datetime import date
from itertools import count
from typing import IO

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice import access, attachments, deadlines
from backoffice.formatting import (
    answer_type_label,
    file_size,
    local_time,
    prose_date,
    table_date,
)
from backoffice.inputs import file_name
from backoffice.labels import FIELD_LABELS
from backoffice.models import (
    Attachment,
    AuditAction,
    AuditEntry,
    Opinion,
    ReminderItem,
    ReminderKind,
    User,
)
from backoffice.reporting.official import OfficialDocument, chinese_numeral
from backoffice.storage import StoredFileMissing, storage

# The trail can run to hundreds of entries: the printed summary lists the latest.
AUDIT_ENTRIES_LISTED = 30
ATTACHMENT_FOLDER_IN_ZIP = "附件"
COVER_WIDTHS = (36, 120)  # mm: label, value
COVER_SIZE = 14  # 四号


class MissingAttachment(Exception):
    """An attachment listed in the case file has no stored content to pack."""

    def __init__(self, attachment: Attachment) -> None:
        super().__init__(attachment.original_name)
        self.name = attachment.original_name


def attachment_bytes(attachment: Attachment) -> bytes:
    """Return an attachment's stored content (the one place the case file reads it);
    MissingAttachment when it is gone."""
    try:
        return storage().read(attachments.key(attachment.stored_name))
    except StoredFileMissing as missing:
        raise MissingAttachment(attachment) from missing


def deadline_rows(
    db_session: orm.Session, opinion: Opinion, on: date
) -> list[tuple[str, deadlines.Deadline]]:
    """Return (step, deadline) of the opinion as of on; a 会办意见 names its unit."""
    schedules = deadlines.load_deadlines(db_session, on, Opinion.id == opinion.id)
    units = {co.unit_id: co.unit.name for co in opinion.co_handlings}
    return [(d.named(units), d) for schedule in schedules for d in schedule.deadlines]


def audit_trail(db_session: orm.Session, opinion: Opinion, viewer: User) -> list[AuditEntry]:
    """Return the opinion's recorded changes the viewer may read, latest first: a unit
    only those of the rows it may see (not another unit's request, nor the office's
    records)."""
    query = (
        sa.select(AuditEntry)
        .where(AuditEntry.opinion_id == opinion.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    entries = list(db_session.scalars(query))
    if viewer.role not in access.SCOPED:
        return entries
    seen = _seen_rows(db_session, entries, viewer)
    return [entry for entry in entries if (entry.table_name, entry.record_id) in seen]


def _seen_rows(db_session: orm.Session, entries: list[AuditEntry],
               viewer: User) -> set[tuple[str, str]]:
    """Return (table, id) of the entries' rows the viewer may see; a deleted row is none."""
    models = {model.__tablename__: model for model in access.UNIT_VISIBLE}
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.table_name in models and entry.record_id.isdigit():
            wanted[entry.table_name].add(int(entry.record_id))
    seen = set()
    for table, ids in wanted.items():
        model = models[table]
        key = sa.inspect(model).primary_key[0]
        rows = db_session.scalars(sa.select(key).where(
            key.in_(ids), access.visible(model, viewer)))
        seen |= {(table, str(row)) for row in rows}
    return seen


def trail_action(entry: AuditEntry) -> str:
    """Return what an entry of the trail did, as the office says it: a reminded item is
    the daily 提醒 or the office's 催办, not a row 新增."""
    if entry.table_name == ReminderItem.__tablename__ and entry.action == AuditAction.CREATE:
        kind = (entry.changes.get("kind") or [None, None])[1]
        return kind or ReminderKind.REMINDER.value
    return entry.action


def file_stem(opinion: Opinion) -> str:
    return f"第{opinion.number}号_一案一册"


def _cover(document: OfficialDocument, opinion: Opinion, on: date) -> None:
    co_units = "、".join(co.unit.name for co in opinion.co_handlings) or "无"
    document.space(3)
    document.title("代表书面意见办理\n一案一册")
    document.space()
    document.table(None, [
        ["编号", f"第{opinion.number}号"],
        ["标题", opinion.title],
        ["届次会议", opinion.session.name],
        ["类别", opinion.category],
        ["领衔代表", f"{opinion.lead_deputy.name}（{opinion.lead_deputy.delegation}）"],
        ["附议代表", "、".join(d.name for d in opinion.cosigners) or "无"],
        ["主办单位", opinion.lead_unit.name],
        ["会办单位", co_units],
        ["交办日期", prose_date(opinion.assigned_on)],
    ], widths_mm=COVER_WIDTHS, size=COVER_SIZE)
    document.space(2)
    document.subtitle(f"制作日期：{prose_date(on)}")
    document.page_break()


def _table_or_none(document: OfficialDocument, header: list[str], rows: list[list[str]],
                   none: str, widths_mm: tuple[float, ...] | None = None) -> None:
    if rows:
        document.table(header, rows, widths_mm)
    else:
        document.paragraph(none)


def _handling(opinion: Opinion) -> list[str]:
    lines = [
        f"主办单位：{opinion.lead_unit.name}；会办单位："
        f"{'、'.join(co.unit.name for co in opinion.co_handlings) or '无'}。",
        f"交办日期：{prose_date(opinion.assigned_on)}；签收："
        f"{prose_date(opinion.accepted_on) or '未签收'}；面商："
        f"{prose_date(opinion.consulted_on) or '未面商'}"
        f"{'，' + opinion.consult_method if opinion.consult_method else ''}。",
    ]
    if opinion.supervisor:
        lines.append(f"领导督办：{opinion.supervisor}。")
    return lines


def _reply(opinion: Opinion) -> list[str]:
    if not opinion.replied_on:
        return ["正在答复中。"]
    lines = [f"答复日期：{prose_date(opinion.replied_on)}；答复类型："
             f"{answer_type_label(opinion.answer_type)}。"]
    if opinion.reply_extension_months:
        lines.append(f"答复期限已延期{opinion.reply_extension_months}个月。")
    if opinion.signed_off_on:
        lines.append(f"阅批：{opinion.signed_off_by}，{prose_date(opinion.signed_off_on)}。")
    if opinion.second_replied_on:
        lines.append(f"二次答复：{prose_date(opinion.second_replied_on)}。")
    lines.append(f"办结：{prose_date(opinion.concluded_on) or '未办结'}。")
    return lines


def _trail(document: OfficialDocument, entries: list[AuditEntry]) -> None:
    if not entries:
        document.paragraph("无修改记录。")
        return
    listed = entries[:AUDIT_ENTRIES_LISTED]
    summary = (f"共{len(entries)}条修改记录，最早{local_time(entries[-1].at)}，"
               f"最近{local_time(entries[0].at)}")
    if len(entries) > len(listed):
        summary += f"；下表列出最近{len(listed)}条"
    document.paragraph(summary + "。")
    rows = [
        [local_time(e.at), e.actor, trail_action(e), e.record_label,
         "、".join(FIELD_LABELS.get(field, field) for field in e.changes)
         if e.action == "修改" else ""]
        for e in listed
    ]
    document.table(["时间", "操作人", "操作", "对象", "修改内容"], rows,
                   widths_mm=(30, 20, 14, 46, 46))


def as_docx(db_session: orm.Session, opinion: Opinion, on: date, viewer: User) -> bytes:
    """Return the case file: a cover page, then content, handling, deadlines (as of on),
    contacts, reply, evaluations, progress reports, reassignments, the trail and the
    attachments listed."""
    document = OfficialDocument()
    _cover(document, opinion, on)
    numbers = count(1)

    def heading(text: str) -> None:
        document.heading(1, f"{chinese_numeral(next(numbers))}、{text}")

    heading("意见内容")
    lines = [line.strip() for line in (opinion.content or "").splitlines() if line.strip()]
    for line in lines or ["（无）"]:
        document.paragraph(line)
    heading("交办情况")
    for line in _handling(opinion):
        document.paragraph(line)
    heading(f"办理期限（截至{prose_date(on)}）")
    _table_or_none(document, ["事项", "期限", "完成", "状态"], [
        [step, table_date(d.due_on), table_date(d.done_on), str(d.status)]
        for step, d in deadline_rows(db_session, opinion, on)
    ], "无办理期限。")
    heading("会办单位")
    _table_or_none(document, ["单位", "会办意见提交", "主办单位评价", "代表评价"], [
        [co.unit.name, table_date(co.submitted_on), co.lead_grade or "", co.deputy_grade or ""]
        for co in opinion.co_handlings
    ], "无会办单位。")
    heading("沟通走访")
    _table_or_none(document, ["阶段", "日期", "方式", "备注"], [
        [c.stage, table_date(c.contacted_on), c.method, c.note] for c in opinion.contacts
    ], "尚无记录。")
    heading("答复情况")
    for line in _reply(opinion):
        document.paragraph(line)
    heading("代表评价")
    _table_or_none(document, ["日期", "意见", "满意度", "表扬", "同意公开"], [
        [table_date(e.evaluated_on), "同意" if e.agrees else "不同意（退回）", e.grade or "",
         "是" if e.praised else "否", "是" if e.consents_to_publish else "否"]
        for e in opinion.evaluations
    ], "尚未评价。")
    heading("进展反馈")
    _table_or_none(document, ["日期", "进展情况"], [
        [table_date(p.reported_on), p.text] for p in opinion.progress_reports
    ], "尚无记录。")
    heading("改派记录")
    _table_or_none(document, ["日期", "原主办单位", "新主办单位", "事由", "经办人"], [
        [table_date(r.reassigned_on), r.from_unit.name, r.to_unit.name, r.reason, r.actor]
        for r in opinion.reassignments
    ], "无改派。")
    heading("修改记录摘要")
    _trail(document, audit_trail(db_session, opinion, viewer))
    heading("附件目录")
    listed = [
        [str(index), a.kind, a.original_name, file_size(a.size), a.uploaded_by,
         local_time(a.uploaded_at)]
        for index, a in enumerate(opinion.attachments, start=1)
    ]
    _table_or_none(document, ["序号", "类别", "文件名", "大小", "上传人", "上传时间"], listed,
                   "尚无附件。", widths_mm=(12, 18, 58, 20, 18, 30))
    return document.to_bytes()


def attachment_name(index: int, attachment: Attachment) -> str:
    """Return the attachment's path in the zip: numbered as in the 附件目录."""
    # Cleaned again: a name stored before uploads were cleaned must not climb out either.
    return f"{ATTACHMENT_FOLDER_IN_ZIP}/{index:02d}_{file_name(attachment.original_name)}"


def write_zip(db_session: orm.Session, opinion: Opinion, on: date, viewer: User,
              out: IO[bytes]) -> None:
    """Write a zip of the case-file document and every attachment, numbered as listed;
    MissingAttachment when one cannot be read (no zip that silently lacks a file)."""
    document = as_docx(db_session, opinion, on, viewer)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(file_name(f"{file_stem(opinion)}.docx"), document)
        for index, attachment in enumerate(opinion.attachments, start=1):
            archive.writestr(attachment_name(index, attachment), attachment_bytes(attachment))


def write(db_session: orm.Session, opinion: Opinion, on: date, viewer: User, kind: str,
          out: IO[bytes]) -> None:
    """Write the case file as the viewer may read it, as kind: "docx" (the document) or
    "zip" (with the attachments)."""
    if kind == "zip":
        write_zip(db_session, opinion, on, viewer, out)
    else:
        out.write(as_docx(db_session, opinion, on, viewer))
