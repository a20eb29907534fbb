"""A user's own account: changing the password (修改密码), which a password chosen by
someone else or grown too old makes the first thing to do after signing in."""

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo

from backoffice.access import PUBLIC_ENDPOINTS
from backoffice.extensions import db
from backoffice.models import User
from backoffice.models.security import Outcome, SecurityEventKind
from backoffice.security import log, passwords, sessions
from backoffice.security.sign_in import fail

bp = Blueprint("account", __name__, url_prefix="/account")

# What a user who must change the password may still reach.
# The public site and the health check know nobody: a signed-in visitor reads them as
# anyone does.
_OPEN_WHILE_CHANGING = frozenset({"account.password", "auth.logout", "static", "admin.static",
                                  *PUBLIC_ENDPOINTS})


class PasswordForm(FlaskForm):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码")])
    new = PasswordField("新密码", validators=[DataRequired("请输入新密码")])
    confirm = PasswordField("再次输入新密码", validators=[
        DataRequired("请再次输入新密码"), EqualTo("new", "两次输入的新密码不一致")])


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> str | Response:
    form = PasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        if not passwords.verify(user, form.current.data):
            result = fail(db.session, user.username, "修改密码时当前密码错误",
                          SecurityEventKind.PASSWORD_CHANGED, wrong="当前密码不正确。")
            db.session.commit()
            if result.locked:
                sessions.sign_out()
                flash(result.message, "error")
                return redirect(url_for("auth.login"))
            form.current.errors = [result.message]
        elif problems := _new_password_problems(form.new.data, form.current.data, user):
            form.new.errors = problems
            log.record(db.session, SecurityEventKind.PASSWORD_CHANGED, Outcome.FAILURE,
                       object=f"用户 {user.username}", detail="新密码不符合要求")
            db.session.commit()
        else:
            user.set_password(form.new.data, chosen_by_user=True)
            db.session.commit()  # ends every session of the user, this one included
            sessions.start(user)
            flash("密码已修改。", "success")
            return redirect(url_for("admin.index"))
    return render_template("account/password.html", form=form,
                           required=passwords.must_change(user),
                           minimum=passwords.minimum_length())


def _new_password_problems(new: str, current: str, user: User) -> list[str]:
    if new == current:
        return ["新密码不能与当前密码相同"]
    return passwords.problems(new, user.username)


def _changing_first() -> Response | None:
    # The open endpoints first: a static file never asks the database who is signed in.
    if (request.endpoint not in _OPEN_WHILE_CHANGING and current_user.is_authenticated
            and passwords.must_change(current_user)):
        return redirect(url_for("account.password"))
    return None


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request(_changing_first)
