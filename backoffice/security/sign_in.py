"""Signing in (password, then the second factor when there is one) and signing out.

Every answer to a wrong name, a wrong password, an inactive account or a locked one
costs one password check and says the same, so that neither the words nor the time
tell whether an account exists.
"""

import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import orm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from backoffice.extensions import db
from backoffice.models import User
from backoffice.models.security import Outcome, SecurityEventKind, ThrottleScope
from backoffice.security import log, passwords, second_factor, sessions, throttle
from importers.clock import LOCAL_TIME

bp = Blueprint("auth", __name__)

# How long the second-factor step may wait after the password was right.
PENDING_SECONDS = 300
WRONG = "用户名或密码错误。"
WRONG_CODE = "验证码不正确（请核对手机上的时间）。"


class SignInForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名")])
    password = PasswordField("密码", validators=[DataRequired("请输入密码")])


class CodeForm(FlaskForm):
    code = StringField("验证码", validators=[DataRequired("请输入验证码")])


@dataclass(frozen=True)
class Attempt:
    user: User | None
    message: str = ""
    locked: bool = False


def _until(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TIME).strftime("%H:%M")


def _locked_message(until: datetime) -> str:
    return f"尝试次数过多，账号已被锁定，请于 {_until(until)} 后再试。"


def fail(db_session: orm.Session, username: str, detail: str,
         event: SecurityEventKind = SecurityEventKind.SIGN_IN_FAILED,
         wrong: str = WRONG) -> Attempt:
    """Count a failed step of username's sign-in, log it, and say what the user sees."""
    address = log.client_address()
    account_lock = throttle.fail(db_session, ThrottleScope.ACCOUNT, username)
    address_lock = throttle.fail(db_session, ThrottleScope.ADDRESS, address)
    log.record(db_session, event, Outcome.FAILURE, username=username, detail=detail)
    for lock, about in ((account_lock, f"账号 {username}"), (address_lock, f"地址 {address}")):
        if lock is not None:
            log.record(db_session, SecurityEventKind.LOCKED, username=username, object=about,
                       detail=f"锁定至 {lock.astimezone(LOCAL_TIME):%Y-%m-%d %H:%M}")
    lock = account_lock or address_lock
    if lock is not None:
        return Attempt(None, _locked_message(lock), locked=True)
    limit = throttle.limit(ThrottleScope.ACCOUNT)
    return Attempt(None, f"{wrong}连续输错 {limit.failures} 次，账号将被锁定 "
                         f"{int(limit.lock.total_seconds() // 60)} 分钟。")


def attempt(db_session: orm.Session, username: str, password: str) -> Attempt:
    """Check a name and password against the locks and the account."""
    for scope, key in ((ThrottleScope.ADDRESS, log.client_address()),
                       (ThrottleScope.ACCOUNT, username)):
        until = throttle.locked_until(db_session, scope, key)
        if until is not None:
            passwords.verify(None, password)
            log.record(db_session, SecurityEventKind.SIGN_IN_FAILED, Outcome.REFUSED,
                       username=username, detail=f"{scope.value}已锁定")
            return Attempt(None, _locked_message(until), locked=True)
    user = db_session.scalar(sa.select(User).where(User.username == username))
    if not passwords.verify(user, password):
        return fail(db_session, username, "账号不存在" if user is None else "密码错误")
    if not user.active:
        return fail(db_session, username, "账号已停用")
    # The count is cleared only once every factor is given (`_signed_in`): a right
    # password must not buy more guesses at the second factor.
    return Attempt(user)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an absolute URL here would make an open redirect.
    if target and not urlsplit(target).netloc and target.startswith("/") \
            and not target.startswith("//"):
        return target
    return url_for("admin.index")


def _signed_in(user: User, next_url: str | None) -> Response:
    throttle.clear(db.session, ThrottleScope.ACCOUNT, user.username)
    sessions.start(user)
    if passwords.must_change(user):
        flash("请先设置一个新密码，然后再继续。", "info")
        return redirect(url_for("account.password"))
    return redirect(_safe_next(next_url))


def _pending() -> tuple[User, str | None] | None:
    """Return the user whose password was right and who still owes the second factor."""
    pending = session.get("pending")
    if not isinstance(pending, dict) or time.time() - pending.get("since", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user"))
    if user is None or not user.active:
        return None
    return user, pending.get("next")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = SignInForm()
    if form.validate_on_submit():
        result = attempt(db.session, form.username.data.strip(), form.password.data)
        db.session.commit()
        if result.user is None:
            flash(result.message, "error")
        elif second_factor.enrolled(db.session, result.user) or \
                second_factor.required(result.user):
            session.clear()
            session["pending"] = {"user": result.user.id, "since": time.time(),
                                  "next": request.args.get("next")}
            return redirect(url_for("auth.second_factor_check"))
        else:
            return _signed_in(result.user, request.args.get("next"))
    return render_template("auth/login.html", form=form)


def _pending_or_restart() -> tuple[User, str | None] | Response:
    pending = _pending()
    if pending is None:
        session.pop("pending", None)
        flash("请重新输入用户名和密码。", "info")
        return redirect(url_for("auth.login"))
    return pending


def _start_over(message: str) -> Response:
    session.pop("pending", None)
    flash(message, "error")
    return redirect(url_for("auth.login"))


def _wrong_code(user: User, detail: str) -> Response | None:
    """Count a wrong code like a wrong password; start over at sign-in once it locks."""
    result = fail(db.session, user.username, detail, SecurityEventKind.SECOND_FACTOR_FAILED,
                  wrong=WRONG_CODE)
    db.session.commit()
    if result.locked:
        return _start_over(result.message)
    flash(result.message, "error")
    return None


def _locked_out(user: User) -> Response | None:
    """Start over at sign-in if the account was locked since its password was given
    (by wrong codes sent from another browser that also passed the password)."""
    until = throttle.locked_until(db.session, ThrottleScope.ACCOUNT, user.username)
    return None if until is None else _start_over(_locked_message(until))


@bp.route("/login/second-factor", methods=["GET", "POST"])
def second_factor_check() -> str | Response:
    pending = _pending_or_restart()
    if isinstance(pending, Response):
        return pending
    user, next_url = pending
    if second_factor.enrolled(db.session, user) is None:
        return redirect(url_for("auth.second_factor_enrol"))
    form = CodeForm()
    if form.validate_on_submit():
        if locked := _locked_out(user):
            return locked
        if second_factor.check(db.session, user, form.code.data):
            return _signed_in(user, next_url)
        if refused := _wrong_code(user, "验证码错误"):
            return refused
    return render_template("auth/second_factor.html", form=form, user=user)


@bp.route("/login/second-factor/enrol", methods=["GET", "POST"])
def second_factor_enrol() -> str | Response:
    pending = _pending_or_restart()
    if isinstance(pending, Response):
        return pending
    user, next_url = pending
    if second_factor.enrolled(db.session, user) is not None:
        return redirect(url_for("auth.second_factor_check"))
    secret = session.setdefault("pending_secret", second_factor.new_secret())
    form = CodeForm()
    if form.validate_on_submit():
        if locked := _locked_out(user):
            return locked
        codes = second_factor.enrol(db.session, user, secret, form.code.data)
        if codes is not None:
            response = _signed_in(user, next_url)
            return render_template("auth/recovery_codes.html", codes=codes,
                                   next_url=response.location)
        if refused := _wrong_code(user, "启用时验证码错误"):
            return refused
    uri = second_factor.provisioning_uri(secret, user)
    return render_template("auth/enrol.html", form=form, user=user, secret=secret,
                           qr=second_factor.qr_svg(uri))


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    sessions.sign_out()
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/")
def home() -> Response:
    return redirect(url_for("admin.index"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
