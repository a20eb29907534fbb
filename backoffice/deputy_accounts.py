"""Deputies' accounts: find a deputy of the roster by name, and give every deputy
without an account one, with a one-time password for the office to hand out."""

import secrets
from dataclasses import dataclass
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice.models import Deputy, Role, User
from importers.exporting import write_rows

SHEET_HEADERS = ("代表姓名", "代表团", "用户名", "一次性密码")
SHEET_TITLE = "代表账号（首次登录须修改密码）"


class AccountError(ValueError):
    """A deputy that cannot be given an account; the message says why, in Chinese."""


@dataclass(frozen=True)
class NewAccount:
    deputy: Deputy
    username: str
    password: str  # one-time: changed at first sign-in


def find_deputy(db_session: orm.Session, text: str) -> Deputy:
    """Return the deputy named "姓名" or "姓名（代表团）" (when two share a name)."""
    name, _, delegation = text.strip().rstrip("）)").replace("(", "（").partition("（")
    query = sa.select(Deputy).where(Deputy.name == name.strip())
    if delegation:
        query = query.where(Deputy.delegation == delegation.strip())
    found = db_session.scalars(query.order_by(Deputy.id)).all()
    if not found:
        raise AccountError(f"代表名单中没有“{text.strip()}”。")
    if len(found) > 1:
        named = "、".join(f"{d.name}（{d.delegation}）" for d in found)
        raise AccountError(f"代表名单中有{len(found)}位“{name}”：{named}，请写明代表团。")
    return found[0]


def check_free(db_session: orm.Session, deputy: Deputy) -> None:
    """Refuse a second account for a deputy."""
    taken = db_session.scalar(sa.select(User.username).where(User.deputy_id == deputy.id))
    if taken is not None:
        raise AccountError(f"代表{deputy.name}（{deputy.delegation}）已有账号“{taken}”。")


def username_for(deputy: Deputy) -> str:
    """Return a deputy's user name: easy to type on a phone, and the same on every run."""
    return f"daibiao{deputy.id:04d}"


def one_time_password() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, past the minimum length


def create_missing(db_session: orm.Session) -> list[NewAccount]:
    """Add an account for every deputy of the roster without one (not committed)."""
    with_account = sa.select(User.deputy_id).where(User.deputy_id.is_not(None))
    deputies = db_session.scalars(
        sa.select(Deputy).where(Deputy.id.not_in(with_account)).order_by(Deputy.id)).all()
    taken = set(db_session.scalars(
        sa.select(User.username).where(User.username.in_([username_for(d) for d in deputies]))))
    created = []
    for deputy in deputies:
        username = username_for(deputy)
        if username in taken:
            raise AccountError(f"用户名“{username}”已被占用，无法为代表{deputy.name}创建账号。")
        password = one_time_password()
        user = User(username=username, display_name=deputy.name, role=Role.DEPUTY.value,
                    deputy=deputy)
        user.set_password(password)
        db_session.add(user)
        created.append(NewAccount(deputy, username, password))
    return created


def write_sheet(target: str | BinaryIO, accounts: list[NewAccount]) -> None:
    """Write the accounts' names and one-time passwords to an .xlsx for the office."""
    write_rows(target, SHEET_HEADERS,
               ([a.deputy.name, a.deputy.delegation, a.username, a.password] for a in accounts),
               title=SHEET_TITLE)
