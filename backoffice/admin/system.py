"""The system's screens: users and their sessions (the system administrator's), the data
audit trail and the security log (the auditor's, read only)."""

import io
from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, send_file
from flask_admin import expose
from flask_admin.actions import action
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms import PasswordField

from backoffice import deputy_accounts
from backoffice.access import Action
from backoffice.admin.base import SecuredModelView, ajax_ref
from backoffice.audit import actor_name
from backoffice.exports.downloads import XLSX
from backoffice.extensions import db
from backoffice.labels import FIELD_LABELS, SOURCE_LABELS, TABLE_LABELS, shown_value
from backoffice.models import (
    ROLE_LABELS,
    AuditAction,
    AuditEntry,
    Deputy,
    Role,
    SecurityEvent,
    User,
    UserSession,
)
from backoffice.models.security import SecurityEventKind, SessionEnd, ThrottleScope
from backoffice.security import log, passwords, second_factor, sessions, throttle
from importers.clock import local_today


def _role(view: Any, context: Any, model: Any, name: str) -> str:
    role = getattr(model, name)
    return ROLE_LABELS[Role(role)] if role in set(Role) else (role or "")


class UserView(SecuredModelView):
    model_class = User
    access_group = "users"
    column_list = ("username", "display_name", "role", "unit", "deputy", "active",
                   "must_change_password", "created_at")
    column_labels = {**FIELD_LABELS, "unit": "所属单位", "deputy": "对应代表",
                     "created_at": "创建时间（北京时间）"}
    column_default_sort = [("username", False)]
    column_searchable_list = ("username", "display_name")
    column_filters = ("role", "active")
    column_formatters = {"role": _role}
    column_formatters_export = column_formatters
    form_columns = ("username", "display_name", "role", "unit", "deputy", "active",
                    "new_password")
    form_ajax_refs = {"deputy": ajax_ref("deputy", Deputy, ["name", "delegation"])}
    form_choices = {"role": [(role.value, label) for role, label in ROLE_LABELS.items()]}
    form_extra_fields = {
        # Flask-Admin's column labels name model columns only: an extra field names itself.
        "new_password": PasswordField(
            "设置密码",
            description="新建用户必填；修改时填写即重置密码。他人设置的密码须由本人在首次登录时修改。")
    }
    can_view_details = False
    list_template = "admin/user_list.html"
    page_actions = {**SecuredModelView.page_actions, "deputy_accounts": Action.CREATE}

    @expose("/deputy-accounts/", methods=("POST",))
    def deputy_accounts(self) -> Any:
        """Give every deputy of the roster without an account one; send the sheet of their
        one-time passwords (shown this once)."""
        back = redirect(self.get_url(".index_view"))
        try:
            created = deputy_accounts.create_missing(db.session)
        except deputy_accounts.AccountError as problem:
            db.session.rollback()
            flash(f"未创建：{problem}", "error")
            return back
        if not created:
            flash("名单中的代表都已有账号，未创建新账号。", "info")
            return back
        sheet = io.BytesIO()
        deputy_accounts.write_sheet(sheet, created)
        # Each account is logged as created (security/watched.py); this says who took the sheet.
        log.record(db.session, SecurityEventKind.EXPORT, object="代表账号一次性密码表",
                   detail=f"为 {len(created)} 位代表创建账号")
        db.session.commit()
        sheet.seek(0)
        return send_file(sheet, mimetype=XLSX, as_attachment=True,
                         download_name=f"代表账号_{local_today().isoformat()}.xlsx")

    def check(self, form: Any, model: User, is_created: bool) -> dict[str, str]:
        problems = {}
        password = form.new_password.data or ""
        if is_created and not password:
            problems["new_password"] = "请为新用户设置初始密码。"
        elif password and (wrong := passwords.problems(password, model.username)):
            problems["new_password"] = "；".join(wrong) + "。"
        if model.role == Role.UNIT and model.unit is None:
            problems["unit"] = "承办单位联络员须选择所属单位。"
        if model.role != Role.UNIT and model.unit is not None:
            problems["unit"] = "只有承办单位联络员才属于某个单位，请清空。"
        if model.role == Role.DEPUTY and model.deputy is None:
            problems["deputy"] = "代表的账号须选择对应的代表。"
        if model.role != Role.DEPUTY and model.deputy is not None:
            problems["deputy"] = "只有代表的账号才对应一位代表，请清空。"
        if model.deputy is not None:
            with db.session.no_autoflush:
                other = db.session.scalar(sa.select(User.username).where(
                    User.deputy_id == model.deputy.id, User.id.is_distinct_from(model.id)))
            if other is not None:
                problems["deputy"] = f"代表{model.deputy.name}已有账号“{other}”。"
        if not is_created and model.id == current_user.id:
            # Separation of duties: a system administrator who could take the operator's
            # or the auditor's role would hold two duties.
            state = sa.inspect(model)
            if state.attrs["role"].history.has_changes():
                problems["role"] = "不能修改自己的角色，请由另一位系统管理员修改。"
            if state.attrs["active"].history.has_changes():
                problems["active"] = "不能停用自己的账号，请由另一位系统管理员停用。"
            # One's own password is changed where the current one is asked for: a
            # browser left signed in must not hand the account over.
            if password:
                problems["new_password"] = "请在“修改密码”页修改本人的密码（须输入当前密码）。"
        if not problems and password:
            model.set_password(password)
        return problems

    def _selected(self, ids: list[str]) -> list[User]:
        return db.session.scalars(sa.select(User).where(User.id.in_([int(i) for i in ids]))).all()

    @action("end_sessions", "结束登录会话", "结束选中用户的全部登录会话？他们须重新登录。")
    def end_sessions(self, ids: list[str]) -> None:
        users = self._selected(ids)
        ended = sessions.end_sessions(db.session, UserSession.user_id.in_([u.id for u in users]),
                                      SessionEnd.ENDED_BY_ADMIN, log_each=True)
        db.session.commit()
        flash(f"已结束 {ended} 个登录会话。", "success")

    @action("unlock", "解除锁定", "解除选中用户因连续登录失败而被锁定的状态？")
    def unlock(self, ids: list[str]) -> None:
        unlocked = [user.username for user in self._selected(ids)
                    if throttle.unlock(db.session, ThrottleScope.ACCOUNT, user.username)]
        db.session.commit()
        flash(f"已解除锁定：{'、'.join(unlocked)}。" if unlocked else "选中的用户都未被锁定。",
              "success")

    @action("reset_second_factor", "重置双因素认证",
            "重置选中用户的双因素认证？他们下次登录时须重新绑定验证器应用。")
    def reset_second_factor(self, ids: list[str]) -> None:
        users = self._selected(ids)
        for user in users:
            second_factor.reset(db.session, user)
        db.session.commit()
        flash(f"已重置 {len(users)} 个用户的双因素认证。", "success")


class UserSessionView(SecuredModelView):
    """Signed-in sessions; the system administrator ends them (nobody edits one)."""

    model_class = UserSession
    access_group = "user_sessions"
    can_create = can_edit = can_delete = False
    can_view_details = False
    column_list = ("user", "started_at", "last_seen_at", "client_address", "user_agent",
                   "ended_at", "end_reason")
    column_labels = {
        "user": "用户", "started_at": "登录时间（北京时间）", "last_seen_at": "最近活动",
        "client_address": "来源地址", "user_agent": "浏览器", "ended_at": "结束时间",
        "end_reason": "结束原因", "user.username": "用户名",
    }
    column_default_sort = [("id", True)]
    column_filters = ("user.username", "end_reason", "client_address")
    column_searchable_list = ("user.username", "client_address")

    @action("end", "结束会话", "结束选中的登录会话？其用户须重新登录。")
    def end(self, ids: list[str]) -> None:
        ended = sessions.end_sessions(db.session, UserSession.id.in_([int(i) for i in ids]),
                                      SessionEnd.ENDED_BY_ADMIN, log_each=True)
        db.session.commit()
        flash(f"已结束 {ended} 个登录会话。", "success")


# What an entry names by itself (its record, and the opinion it belongs to): no change.
_IDENTITY = frozenset({"id", "opinion_id"})


def _shown(field: str, value: Any) -> str:
    if field == "role" and value in set(Role):
        return ROLE_LABELS[Role(value)]
    return shown_value(value)


def _changes(view: Any, context: Any, entry: AuditEntry, name: str) -> Markup:
    lines = []
    for field, (old, new) in entry.changes.items():
        if field in _IDENTITY:
            continue
        label = FIELD_LABELS.get(field, field)
        if entry.action == AuditAction.UPDATE:
            line = f"{label}：{_shown(field, old)} → {_shown(field, new)}"
        else:
            line = f"{label}：{_shown(field, old if new is None else new)}"
        # The auditor reads what changed, not whom to call: phone numbers masked.
        lines.append(escape(log.mask_phones(line)))
    return Markup("<br>".join(lines))


def _label(view: Any, context: Any, entry: AuditEntry, name: str) -> str:
    return log.mask_phones(entry.record_label)


def _actor(view: Any, context: Any, entry: AuditEntry, name: str) -> str:
    return actor_name(entry.actor)


# A request's method as the reader says it: the log's detail of a page opened or a form
# posted reads 打开 /admin/… rather than GET /admin/….
_METHOD_WORDS = {"GET": "打开", "HEAD": "打开", "POST": "提交", "PUT": "修改", "PATCH": "修改",
                 "DELETE": "删除"}


def _detail(view: Any, context: Any, event: Any, name: str) -> str:
    method, _, rest = (event.detail or "").partition(" ")
    return f"{_METHOD_WORDS[method]} {rest}" if method in _METHOD_WORDS else event.detail


def _source(view: Any, context: Any, entry: AuditEntry, name: str) -> str:
    return SOURCE_LABELS.get(entry.source, entry.source)


def _table(view: Any, context: Any, entry: AuditEntry, name: str) -> str:
    return TABLE_LABELS.get(entry.table_name, entry.table_name)


class AuditView(SecuredModelView):
    """The data audit trail: read and exported by the auditor; nobody changes it."""

    model_class = AuditEntry
    access_group = "audit"
    column_list = ("at", "actor", "source", "action", "table_name", "record_label", "changes")
    column_labels = {**FIELD_LABELS, "at": "时间（北京时间）"}
    column_default_sort = [("at", True), ("id", True)]
    column_searchable_list = ("actor", "record_label")
    column_filters = ("action", "table_name", "actor", "source", "at")
    column_formatters = {"changes": _changes, "table_name": _table,
                         "record_label": _label, "source": _source, "actor": _actor}
    column_formatters_export = {
        "table_name": _table, "record_label": _label, "source": _source,
        "actor": _actor,
        "changes": lambda v, c, m, n: _changes(v, c, m, n).striptags(),
    }
    can_view_details = False


class SecurityLogView(SecuredModelView):
    """The security log: read, searched and exported by the auditor; nobody changes it."""

    model_class = SecurityEvent
    access_group = "security_log"
    column_list = ("at", "event", "outcome", "username", "role", "client_address", "object",
                   "detail")
    column_labels = {
        "at": "时间（北京时间）", "event": "事件", "outcome": "结果", "username": "用户",
        "role": "角色", "client_address": "来源地址", "object": "对象", "detail": "说明",
    }
    column_default_sort = [("at", True), ("id", True)]
    column_searchable_list = ("username", "client_address", "object", "detail")
    column_filters = ("at", "event", "outcome", "username", "client_address")
    column_formatters = {"role": _role, "detail": _detail}
    column_formatters_export = column_formatters
    can_view_details = False
