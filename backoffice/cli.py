"""The `backoffice` console command: one group of commands per job.

The commands are the app's (`flask --app backoffice ...` works too); `run` and
`db ...` come from Flask and Flask-Migrate. This module adds first-run setup,
users and the demo data.

The command starts fast: its commands are declared here and in `backoffice.commands`
with nothing heavier than click imported, so `backoffice --help` builds no app; a
command builds one when it runs, and a command that works on data alone builds it
without screens or migrations (`create_app(web=False)`). What each command needs
(SQLAlchemy, the models, the readers and writers of sheets) is imported inside it.
"""

from __future__ import annotations

import secrets
import sys
from typing import TYPE_CHECKING

import click
from flask.cli import FlaskGroup, with_appcontext

from backoffice.commands import backup, exports, follow_up, imports, jobs, score, security
from backoffice.roles import Role

if TYPE_CHECKING:
    from flask import Flask

    from backoffice.models import User

# The commands that read and write data alone, and build the app without its screens.
DATA_COMMANDS = frozenset({
    "backup", "create-deputy-accounts", "create-user", "demo", "export", "import", "remind",
    "report", "reset-2fa", "restore", "score", "security-log", "unlock",
})
# Flask-Migrate's `db` group, imported when it runs: Alembic alone takes a third of a second.
_MIGRATIONS_HELP = "Perform database migrations (Flask-Migrate)."


def _create_app() -> Flask:
    from backoffice import create_app

    context = click.get_current_context(silent=True)
    command = context.find_root().invoked_subcommand if context else None
    return create_app(web=command not in DATA_COMMANDS)


class _Migrations(click.Group):
    """Stands for Flask-Migrate's `db` in the list of commands until it is run."""

    def __init__(self) -> None:
        super().__init__("db", help=_MIGRATIONS_HELP)

    @staticmethod
    def load() -> click.Command:
        from flask_migrate.cli import db

        return db


class Commands(FlaskGroup):
    """Flask's command group, listing and finding its commands without building the app.

    FlaskGroup builds the app and imports every installed plugin to list its commands or
    to find one; this group has all of them already (Flask-Migrate's `db` stands in until
    it runs), and the app is built by the command that needs it.
    """

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self.commands.get(name) or super().get_command(ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands)

    def resolve_command(self, ctx: click.Context,
                        args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if isinstance(command, _Migrations):
            command = command.load()
        return name, command, rest


@click.group(cls=Commands, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Back-office for deputies' written opinions (人大代表书面意见办理)."""


def _add_user(username: str, role: Role, unit_name: str | None, password: str,
              deputy_name: str | None = None, display_name: str = "") -> User:
    import sqlalchemy as sa

    from backoffice import deputy_accounts
    from backoffice.extensions import db
    from backoffice.models import Unit, User

    unit = None
    if role == Role.UNIT:
        if not unit_name:
            raise click.UsageError("承办单位联络员须用 --unit 指定所属单位。")
        unit = db.session.scalar(sa.select(Unit).where(Unit.name == unit_name))
        if unit is None:
            raise click.UsageError(f"没有名为“{unit_name}”的承办单位。")
    elif unit_name:
        raise click.UsageError("只有 unit 角色的用户才属于某个单位。")
    deputy = None
    if role == Role.DEPUTY:
        if not deputy_name:
            raise click.UsageError("代表的账号须用 --deputy 指定代表名单中的代表。")
        try:
            deputy = deputy_accounts.find_deputy(db.session, deputy_name)
            deputy_accounts.check_free(db.session, deputy)
        except deputy_accounts.AccountError as problem:
            raise click.UsageError(str(problem)) from None
    elif deputy_name:
        raise click.UsageError("只有 deputy 角色的用户才对应一位代表。")
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise click.UsageError(f"用户名“{username}”已存在。")
    user = User(username=username, role=role.value, unit=unit, deputy=deputy,
                display_name=display_name or (deputy.name if deputy else ""))
    user.set_password(password)
    db.session.add(user)
    return user


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--unit", "unit_name", help="所属承办单位（unit 角色必填）")
@click.option("--deputy", "deputy_name",
              help="对应的代表：姓名，重名时写“姓名（代表团）”（deputy 角色必填）")
@click.option("--name", "display_name", default="",
              help="姓名；区领导的姓名须与交办清单上督办领导的写法一致")
@with_appcontext
def create_user(username: str, role: str, unit_name: str | None,
                deputy_name: str | None, display_name: str) -> None:
    """Create a user; the password comes from a prompt or from stdin, and is changed by
    the user at first sign-in."""
    from backoffice.audit import acting_as
    from backoffice.extensions import db
    from backoffice.security import passwords

    if sys.stdin.isatty():
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
    else:
        password = sys.stdin.readline().rstrip("\n")
    if problems := passwords.problems(password, username):
        raise click.UsageError(f"密码不符合要求：{'；'.join(problems)}。")
    with acting_as("cli", "cli"):
        _add_user(username, Role(role), unit_name, password, deputy_name, display_name.strip())
        db.session.commit()
    click.echo(f"已创建用户 {username}（{role}）。")


@click.command("create-deputy-accounts")
@click.argument("out", type=click.Path(dir_okay=False))
@with_appcontext
def create_deputy_accounts(out: str) -> None:
    """Give every deputy of the roster without an account one; write their user names and
    one-time passwords to OUT.xlsx for the office to hand out."""
    import os
    from pathlib import Path

    from backoffice import deputy_accounts
    from backoffice.audit import acting_as
    from backoffice.extensions import db

    taken = f"文件 {out} 已存在，请换一个文件名（以免覆盖已发出的密码）。"
    if Path(out).exists():
        raise click.UsageError(taken)
    with acting_as("cli", "cli"):
        try:
            created = deputy_accounts.create_missing(db.session)
        except deputy_accounts.AccountError as problem:
            db.session.rollback()
            raise click.ClickException(str(problem)) from None
        if not created:
            click.echo("名单中的代表都已有账号，未创建新账号。")
            return
        try:
            # Made new and readable by its owner alone: it holds passwords.
            with os.fdopen(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600),
                           "wb") as sheet:
                deputy_accounts.write_sheet(sheet, created)
        except FileExistsError:
            db.session.rollback()
            raise click.UsageError(taken) from None
        except BaseException:
            db.session.rollback()
            Path(out).unlink(missing_ok=True)
            raise
        db.session.commit()
    click.echo(f"已为 {len(created)} 位代表创建账号，用户名和一次性密码已写入 {out}"
               "（首次登录须修改密码，请妥善保管并当面发放）。")


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Load the 2016 and 2017 demo years into an empty database."""
    import sqlalchemy as sa

    from backoffice.extensions import db
    from backoffice.models import Opinion

    if db.session.scalar(sa.select(Opinion.id).limit(1)) is not None:
        raise click.ClickException("数据库中已有书面意见，演示数据只能载入空数据库。")
    _load_demo()


def _load_demo() -> None:
    import sqlalchemy as sa

    from backoffice.demo import load_demo
    from backoffice.extensions import db
    from backoffice.models import Opinion

    for session in load_demo(db.session):
        count = db.session.scalar(
            sa.select(sa.func.count()).where(Opinion.session_id == session.id)
        )
        click.echo(f"已载入 {session.name}：{count} 件书面意见。")


@click.command("setup")
@with_appcontext
def setup() -> None:
    """Migrate the database, create the first accounts, load the demo into an empty database."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from backoffice.audit import acting_as
    from backoffice.extensions import db
    from backoffice.models import Opinion, User
    from backoffice.roles import ROLE_LABELS

    # The first accounts, one per duty (三员分立): the office's work, the system, the audit.
    first_accounts = (Role.OPERATOR, Role.SYSADMIN, Role.AUDITOR)
    upgrade()
    if db.session.scalar(sa.select(User.id).limit(1)) is None:
        passwords = {role: secrets.token_urlsafe(12) for role in first_accounts}
        with acting_as("setup", "cli"):
            for role, password in passwords.items():
                _add_user(role.value, role, None, password)
            db.session.commit()
        click.secho("已创建以下账号（密码只显示这一次，请妥善保存）：", fg="yellow")
        for role, password in passwords.items():
            click.secho(f"    {ROLE_LABELS[role]}  用户名 {role.value}    密码 {password}",
                        fg="yellow", bold=True)
    if db.session.scalar(sa.select(Opinion.id).limit(1)) is None:
        _load_demo()


COMMANDS: tuple[click.Command, ...] = (
    setup, create_user, create_deputy_accounts, demo, *backup.COMMANDS, *exports.COMMANDS,
    *follow_up.COMMANDS,    *imports.COMMANDS, *jobs.COMMANDS, *score.COMMANDS, *security.COMMANDS,
)
for _command in COMMANDS:
    main.add_command(_command)
main.add_command(_Migrations())


def init_app(app: Flask) -> None:
    """Give the app the same commands, for `flask --app backoffice ...`."""
    for command in COMMANDS:
        app.cli.add_command(command)
