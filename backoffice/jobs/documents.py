"""Documents and reminders as jobs: the annual report (.xlsx/.docx), the 情况专报 draft
(.docx) of a large session, and sending the outbox's pending messages."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app

from backoffice.audit import acting_as
from backoffice.extensions import db
from backoffice.jobs.results import write_result
from backoffice.jobs.running import JobContext, JobFailed, Outcome
from backoffice.jobs.urls import page_path
from backoffice.models import CongressSession, Opinion

SESSION_GONE = "所选届次会议已不存在，任务未执行。"


def session_rows(session: CongressSession) -> int:
    """Return how many opinions a session holds: what decides whether its documents are
    written as a job."""
    return db.session.scalar(sa.select(sa.func.count()).where(Opinion.session_id == session.id))


def _session(context: JobContext) -> CongressSession:
    session = db.session.get(CongressSession, context.params["session_id"])
    if session is None:
        raise JobFailed(SESSION_GONE)
    return session


def _file(context: JobContext, content: bytes, name: str) -> Outcome:
    suffix = "." + name.rsplit(".", 1)[-1]
    stored = write_result(context.job_id, suffix, lambda part: part.write(content))
    return Outcome(f"已生成 {name}。", file_name=name, stored=stored)


def annual_report(context: JobContext) -> Outcome:
    """Write the annual report of a session as of a day, as .xlsx or .docx."""
    from backoffice.reporting.annual_files import as_docx, as_xlsx
    from backoffice.reporting.annual_loading import report_with_previous

    session = _session(context)
    as_of = date.fromisoformat(context.params["as_of"])
    both = report_with_previous(db.session, session, as_of)
    kind = context.params["format"]
    content = (as_xlsx if kind == "xlsx" else as_docx)(both.report, both.previous)
    return _file(context, content, f"{session.name}_{as_of}.{kind}")


def notice_draft(context: JobContext) -> Outcome:
    """Write the 情况专报 draft of a session for a period, as .docx."""
    from backoffice.reporting import notices

    session = _session(context)
    start, end = (date.fromisoformat(context.params[key]) for key in ("start", "end"))
    draft = notices.notice_draft(db.session, session, start, end)
    return _file(context, notices.as_docx(draft), f"情况专报_{start}_{end}.docx")


def reminders(context: JobContext) -> Outcome:
    """Send the outbox's pending messages that are due (mail is slow: the outbox's 发送)."""
    from backoffice.outbox import deliver, delivery_summary
    from backoffice.senders import SettingsError, senders_from_config

    try:
        senders = senders_from_config(current_app.config)
    except SettingsError as problem:
        raise JobFailed(f"{problem}未发送。") from None
    with acting_as(context.user.username, "web"):
        counts = deliver(db.session, senders)
        db.session.commit()
    context.done = sum(counts.values())  # the outbox's messages handled, not "0 rows"
    return Outcome(delivery_summary(counts),
                   url=page_path("outbox.index_view"))  # back to the outbox, to see them
