"""`backoffice reset-2fa`, `unlock` and `security-log prune`: what a system administrator
does from the server when the screens cannot help (a lost phone, a locked administrator)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from flask.cli import with_appcontext

if TYPE_CHECKING:
    from backoffice.models import User


def _user(username: str) -> User:
    import sqlalchemy as sa

    from backoffice.extensions import db
    from backoffice.models import User

    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise click.UsageError(f"没有用户名为“{username}”的用户。")
    return user


@click.command("reset-2fa")
@click.argument("username")
@with_appcontext
def reset_2fa(username: str) -> None:
    """Remove a user's second factor; they enrol a new one at their next sign-in."""
    from backoffice.audit import acting_as
    from backoffice.extensions import db
    from backoffice.security import second_factor

    with acting_as("cli", "cli"):
        second_factor.reset(db.session, _user(username))
        db.session.commit()
    click.echo(f"已重置 {username} 的双因素认证，并结束其全部登录会话。")


@click.command("unlock")
@click.argument("username")
@with_appcontext
def unlock(username: str) -> None:
    """Lift the lock that failed sign-ins put on an account name."""
    from backoffice.audit import acting_as
    from backoffice.extensions import db
    from backoffice.models.security import ThrottleScope
    from backoffice.security import throttle

    with acting_as("cli", "cli"):
        was_locked = throttle.unlock(db.session, ThrottleScope.ACCOUNT, username)
        db.session.commit()
    click.echo(f"已解除 {username} 的锁定。" if was_locked else f"{username} 未被锁定。")


@click.group("security-log")
def security_log() -> None:
    """The security log's upkeep."""


@security_log.command("prune")
@with_appcontext
def prune() -> None:
    """Delete entries older than SECURITY_LOG_RETENTION_DAYS (at least 180), logging it."""
    from backoffice.audit import acting_as
    from backoffice.extensions import db
    from backoffice.security import log

    with acting_as("cli", "cli"):
        deleted = log.prune(db.session)
        db.session.commit()
    click.echo(f"已删除 {deleted} 条早于 {log.retention_days()} 天的安全日志。")


COMMANDS = (reset_2fa, unlock, security_log)
