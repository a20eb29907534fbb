"""`backoffice report` (the annual report), `backoffice remind` (reminders to liaisons) and
`backoffice recount` (the dashboard's counts afresh)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask.cli import with_appcontext

if TYPE_CHECKING:
    from backoffice.models import Channel, CongressSession
    from backoffice.reminders import Plan
    from backoffice.senders import Sender

_DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.command("report")
@click.option("--session", "session_name", help="届次会议名称；默认为最新一届")
@click.option("--as-of", "as_of", type=_DATE,
              help="统计截止日（YYYY-MM-DD）；默认今天，届次年度已过则为该年12月31日")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "xlsx", "docx"]),
              default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="输出文件")
@with_appcontext
def report(
    session_name: str | None, as_of: datetime | None, output_format: str, output: Path | None
) -> None:
    """Print or write the annual report (section 一) of a session as of a date.

    The JSON has the shape of `report` in tests/fixtures/expected/2017.json.
    """
    from backoffice.extensions import db
    from backoffice.reporting.annual_loading import report_with_previous
    from backoffice.reporting.sessions import default_as_of
    from importers.clock import local_today

    if output_format in ("xlsx", "docx") and output is None:
        raise click.UsageError(f"{output_format} 格式须用 -o 指定输出文件。")
    session = _session(session_name)
    day = as_of.date() if as_of else default_as_of(session, local_today())
    both = report_with_previous(db.session, session, day)
    if output_format == "json":
        content = json.dumps(both.report.to_json(), ensure_ascii=False, indent=1) + "\n"
        _emit(content.encode("utf-8"), output)
    elif output_format == "xlsx":
        from backoffice.reporting.annual_files import as_xlsx

        _emit(as_xlsx(both.report, both.previous), output)
    elif output_format == "docx":
        from backoffice.reporting.annual_files import as_docx

        _emit(as_docx(both.report, both.previous), output)
    else:
        from backoffice.reporting.annual_prose import as_text

        _emit(as_text(both.report, both.previous).encode("utf-8"), output)


@click.command("remind")
@click.option("--date", "as_of", type=_DATE, help="提醒所依据的日期（YYYY-MM-DD）；默认今天")
@click.option("--session", "session_name", help="届次会议名称；默认为最新一届")
@click.option("--dry-run", is_flag=True, help="只显示将发送的提醒，不写入发件箱、不发送")
@click.option("--send-only", is_flag=True,
              help="不写入新提醒，只发送发件箱中到期的待发送消息（含到期重试）")
@with_appcontext
def remind(as_of: datetime | None, session_name: str | None, dry_run: bool,
           send_only: bool) -> None:
    """Remind each unit's liaison of what is overdue or due within 7 days, and text each
    lead deputy whose reply was recorded lately that it is ready.

    One message per liaison goes to the outbox; an item already reminded that day is
    left out, and so is a reply already told. Pending messages that are due are then sent
    by the configured senders. Runs at the same time (several servers' timers) write and
    send each reminder once.
    """
    from backoffice.audit import acting_as
    from backoffice.extensions import db
    from backoffice.outbox import deliver, delivery_summary
    from backoffice.reminders import plan_reminders, send_reminders
    from importers.clock import local_today

    if send_only and dry_run:
        raise click.UsageError("--dry-run 与 --send-only 不能同时使用。")
    senders = None if dry_run else _senders()  # settings checked before anything is done
    if send_only:
        with acting_as("remind", "cli"):
            counts = deliver(db.session, senders)
            db.session.commit()
        click.echo(delivery_summary(counts))
        return
    session = _session(session_name)
    day = as_of.date() if as_of else local_today()
    plan = plan_reminders(db.session, day, session)
    for message in plan.messages:
        click.echo(f"{message.unit.name} → {message.liaison.person}"
                   f"（{message.channel}：{message.address or '无联系方式'}）：{message.subject}")
        if dry_run:
            click.echo(message.body)
    for notice in plan.replies:
        click.echo(f"{notice.unit.name}的答复 → 领衔代表{notice.deputy}"
                   f"（短信：{notice.phone}）：{notice.subject}")
        if dry_run:
            click.echo(notice.body)
    for name in plan.units_without_liaison:
        click.echo(f"{name} 在{day}没有在任联络员，未能提醒。", err=True)
    for reply in plan.deputies_without_phone:
        click.echo(f"{reply}已答复，但代表名单中没有该代表的手机号，未能告知。", err=True)
    if plan.already_reminded:
        click.echo(f"另有 {plan.already_reminded} 项当天已提醒过，不再重复。")
    if dry_run:
        click.echo(f"（试运行）将写入 {len(plan.messages)} 条提醒{_told(plan)}；未写入、未发送。")
        return
    with acting_as("remind", "cli"):
        # Another run at the same time writes each item once and sends each message once.
        written, counts = send_reminders(db.session, day, session, senders, plan)
    click.echo(f"已写入 {len(written.messages)} 条提醒{_told(written)}；{delivery_summary(counts)}")


def _told(plan: Plan) -> str:
    return f"、{len(plan.replies)} 条答复告知" if plan.replies else ""


def _senders() -> dict[Channel, Sender]:
    from flask import current_app

    from backoffice.senders import SettingsError, senders_from_config

    try:
        return senders_from_config(current_app.config)
    except SettingsError as problem:
        raise click.ClickException(str(problem)) from None


def _session(session_name: str | None) -> CongressSession:
    from backoffice.extensions import db
    from backoffice.reporting.sessions import current_session, session_named

    session = (
        session_named(db.session, session_name) if session_name else current_session(db.session)
    )
    if session is None:
        raise click.ClickException(
            f"没有名为“{session_name}”的届次会议。" if session_name else "数据库中还没有届次会议。"
        )
    return session


def _emit(content: bytes, output: Path | None) -> None:
    if output is None:
        click.echo(content.decode("utf-8"), nl=False)
        return
    output.write_bytes(content)
    click.echo(f"已写入 {output}。", err=True)


@click.command("recount")
@with_appcontext
def recount() -> None:
    """Count afresh how many opinions stand each way by day (the dashboard's figures).

    Every write keeps them; this is for data loaded around the back-office, or a repair.
    """
    from backoffice.extensions import db
    from backoffice.spans import recount_all
    from backoffice.writing.exclusive import keep_writers_out

    keep_writers_out(db.session)
    recount_all(db.session)
    db.session.commit()
    click.echo("已重新统计各书面意见的办理状态。")


COMMANDS = (report, remind, recount)
