"""Follow-up pages: the reminder outbox, notice drafts (情况专报) and the annual report.

Views configure; `backoffice.reminders` and `backoffice.reporting` compute. Access is
access.py's: the outbox and notice drafts are the office's alone; the annual report is
read by leaders too; unit users get 403 on all three.
"""

import io
import json
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_admin.actions import action
from werkzeug.wrappers import Response

from backoffice import jobs
from backoffice.access import Action
from backoffice.admin.base import SecuredModelView
from backoffice.admin.home import chosen_as_of, chosen_session
from backoffice.admin.jobs import start_job
from backoffice.admin.pages import SecuredPage
from backoffice.exports.downloads import DOCX, XLSX
from backoffice.extensions import db
from backoffice.inputs import date_arg, int_list_arg
from backoffice.jobs.documents import session_rows
from backoffice.labels import FIELD_LABELS
from backoffice.models import CongressSession, Delivery, OutboxMessage
from backoffice.models.security import SecurityEventKind
from backoffice.reminders import REPLY_NOTICE_WINDOW, plan_reminders, write_reminders
from backoffice.reporting import notices
from backoffice.reporting.annual_files import as_docx, as_xlsx
from backoffice.reporting.annual_loading import report_with_previous
from backoffice.reporting.annual_prose import paragraphs, title, year_over_year
from backoffice.reporting.sessions import current_session
from backoffice.security import log
from backoffice.senders import senders_from_config
from importers.clock import local_today


def _download(content: bytes, name: str, mimetype: str) -> Response:
    log.record_now(SecurityEventKind.EXPORT, object=name, detail=f"{len(content)} 字节")
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True,
                     download_name=name)


class OutboxView(SecuredModelView):
    """Reminder messages: today's reminders previewed and written (生成), pending ones sent
    as a job (发送), failed ones queued again (重试); each message as written."""

    model_class = OutboxMessage
    access_group = "outbox"
    can_create = False
    can_edit = False
    column_list = ("created_at", "as_of", "unit", "recipient", "channel", "address", "status",
                   "attempts", "next_attempt_at", "sent_at", "error")
    column_details_list = (*column_list, "subject", "body")
    column_labels = {
        **FIELD_LABELS, "created_at": "写入时间", "as_of": "提醒日期", "unit": "承办单位",
        "recipient": "收件人", "channel": "方式", "address": "地址", "status": "状态",
        "attempts": "发送次数", "next_attempt_at": "下次尝试", "sent_at": "发送时间",
        "error": "说明", "subject": "标题", "body": "正文",
    }
    column_default_sort = [("id", True)]
    column_card_head = ("recipient", "unit", "status")
    column_filters = ("status", "channel", "as_of", "unit.name")
    column_searchable_list = ("recipient", "unit.name")

    list_template = "admin/outbox_list.html"
    details_template = "admin/outbox_details.html"
    page_actions = {**SecuredModelView.page_actions, "generate": Action.CREATE,
                    "send": Action.CREATE}

    def pending_count(self) -> int:
        return db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(
            OutboxMessage.status == Delivery.PENDING.value))

    @expose("/today/")
    def today(self) -> str:
        """Preview today's reminders: to whom, how, about what, in the words to be sent."""
        session, day = current_session(db.session), local_today()
        plan = plan_reminders(db.session, day, session) if session else None
        return self.render("admin/outbox_today.html", session=session, day=day, plan=plan,
                           senders=senders_from_config(current_app.config),
                           masked=log.mask_phones, window_days=REPLY_NOTICE_WINDOW.days)

    @expose("/generate", methods=("POST",))
    def generate(self) -> Response:
        """Write today's reminders to the outbox as previewed; a plan that changed since is
        shown again instead."""
        session, day = current_session(db.session), local_today()
        if session is None:
            flash("还没有届次会议，没有需要提醒的事项。", "error")
            return redirect(self.get_url(".today"))
        plan = plan_reminders(db.session, day, session)
        if plan.fingerprint != request.form.get("fingerprint"):
            flash("预览之后情况已有变化（有事项办理、到期或已被其他人生成），"
                  "请核对下面更新后的预览，再点击“生成”。", "warning")
            return redirect(self.get_url(".today"))
        written = write_reminders(db.session, day, session, plan)
        told = f"、{len(written.replies)}条答复告知" if written.replies else ""
        flash(f"已将{len(written.messages)}条提醒{told}写入发件箱，待发送；点击“发送”即发出。",
              "success")
        return redirect(self.get_url(".index_view"))

    @expose("/send", methods=("POST",))
    def send(self) -> Response:
        """Send the pending messages, as a job (mail is slow)."""
        if not self.pending_count():
            flash("发件箱中没有待发送的消息。", "error")
            return redirect(self.get_url(".index_view"))
        return start_job("reminders", f"发送提醒发件箱（{local_today()}）", {})

    @action("retry", "重新排队发送", "将选中的发送失败消息重新排入待发送？")
    def retry(self, ids: list[int]) -> None:
        messages = db.session.scalars(
            db.select(OutboxMessage).where(
                OutboxMessage.id.in_(ids),
                OutboxMessage.status == Delivery.FAILED.value,
            )
        ).all()
        for message in messages:  # a fresh start: the retries' count and waits begin again
            message.status, message.error = Delivery.PENDING.value, ""
            message.attempts, message.next_attempt_at = 0, None
        db.session.commit()
        flash(f"已将{len(messages)}条消息重新排入待发送，点击“发送”或在下次定时提醒时发出。")


def _period() -> tuple[CongressSession | None, date, date]:
    """Return the session and period asked for; default: the month before the end date."""
    session = chosen_session()
    end = chosen_as_of(session) if session else local_today()
    month_before = date(end.year - (end.month == 1), (end.month - 2) % 12 + 1, 1)
    start = date_arg("start", "起始日期", month_before)
    if start > end:
        flash("起始日期不能晚于截止日期，已改为截止日期前一个月。", "error")
        start = month_before
    return session, start, end


class NoticeDraftView(SecuredPage):
    """A 情况专报 draft for a period; download as .docx; issue records 通报批评 rows."""

    access_group = "notice_drafts"
    page_actions = {"download": Action.EXPORT, "issue": Action.CREATE}

    @expose("/")
    def index(self) -> str:
        session, start, end = _period()
        draft = notices.notice_draft(db.session, session, start, end) if session else None
        sessions = db.session.scalars(
            db.select(CongressSession).order_by(CongressSession.year.desc())
        ).all()
        return self.render("admin/notice_draft.html", session=session, sessions=sessions,
                           start=start, end=end, draft=draft)

    @expose("/docx")
    def download(self) -> Response:
        session, start, end = _period()
        if session is None:
            abort(404)
        if jobs.big(session_rows(session)):
            return start_job("notice_draft", f"情况专报 {start}至{end}", {
                "session_id": session.id, "start": start.isoformat(), "end": end.isoformat()})
        draft = notices.notice_draft(db.session, session, start, end)
        return _download(notices.as_docx(draft), f"情况专报_{start}_{end}.docx", DOCX)

    @expose("/issue", methods=("POST",))
    def issue(self) -> Response:
        session, start, end = _period()
        if session is None:
            abort(404)
        chosen = int_list_arg("unit")
        back = url_for(".index", session=session.id, start=start.isoformat(),
                       as_of=end.isoformat())
        if not chosen:
            flash("请至少勾选一家要通报的单位。", "error")
            return redirect(back)
        draft = notices.notice_draft(db.session, session, start, end)
        recorded = notices.issue(db.session, draft, chosen, end)
        db.session.commit()
        skipped = len(set(chosen) & {line.unit_id for line in draft.lines}) - len(recorded)
        message = f"已记录{len(recorded)}家单位的通报批评（{end}）。"
        if skipped:
            message += f"另有{skipped}家单位当天已有通报批评，未重复记录。"
        flash(message, "success")
        return redirect(back)


class AnnualReportView(SecuredPage):
    """The annual report (section 一) of a session as of a date, with downloads."""

    access_group = "annual_report"
    page_actions = {"download": Action.EXPORT}

    def _report(self) -> tuple[CongressSession, Any]:
        session = chosen_session()
        if session is None:
            abort(404)
        return session, report_with_previous(db.session, session, chosen_as_of(session))

    @expose("/")
    def index(self) -> str:
        session, both = self._report()
        sessions = db.session.scalars(
            db.select(CongressSession).order_by(CongressSession.year.desc())
        ).all()
        return self.render(
            "admin/annual_report.html", session=session, sessions=sessions, report=both.report,
            previous=both.previous, title=title(both.report),
            paragraphs=paragraphs(both.report, both.previous),
            year_over_year=year_over_year(both.report, both.previous) if both.previous else [],
        )

    @expose("/download/<kind>")
    def download(self, kind: str) -> Response:
        session = chosen_session()
        if kind in ("xlsx", "docx") and session is not None and jobs.big(session_rows(session)):
            as_of = chosen_as_of(session)
            return start_job("annual_report", f"{session.name} 办理情况（截至{as_of}）.{kind}",
                           {"session_id": session.id, "as_of": as_of.isoformat(),
                            "format": kind})
        session, both = self._report()
        stem = f"{session.name}_{both.report.as_of}"
        if kind == "xlsx":
            return _download(as_xlsx(both.report, both.previous), f"{stem}.xlsx", XLSX)
        if kind == "docx":
            return _download(as_docx(both.report, both.previous), f"{stem}.docx", DOCX)
        if kind == "json":
            content = json.dumps(both.report.to_json(), ensure_ascii=False, indent=1)
            return _download(content.encode("utf-8"), f"{stem}.json", "application/json")
        abort(404)
