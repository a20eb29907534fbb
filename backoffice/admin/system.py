"""Users and the audit log."""

from typing import Any

from markupsafe import Markup, escape
from wtforms import PasswordField

from backoffice.admin.base import SecuredModelView
from backoffice.labels import FIELD_LABELS
from backoffice.models import ROLE_LABELS, AuditAction, AuditEntry, Role, User

MIN_PASSWORD_LENGTH = 10


class UserView(SecuredModelView):
    model_class = User
    access_group = "users"
    column_list = ("username", "display_name", "role", "unit", "active", "created_at")
    column_labels = {**FIELD_LABELS, "unit": "所属单位", "new_password": "新密码"}
    column_default_sort = [("username", False)]
    column_searchable_list = ("username", "display_name")
    column_filters = ("role", "active")
    column_formatters = {"role": lambda v, c, m, n: ROLE_LABELS[Role(m.role)]}
    form_columns = ("username", "display_name", "role", "unit", "active", "new_password")
    form_choices = {"role": [(role.value, label) for role, label in ROLE_LABELS.items()]}
    form_extra_fields = {
        "new_password": PasswordField(description="新建用户必填；修改时留空表示不改密码。")
    }
    can_view_details = False

    def check(self, form: Any, model: User, is_created: bool) -> dict[str, str]:
        problems = {}
        password = form.new_password.data or ""
        if is_created and not password:
            problems["new_password"] = "请为新用户设置密码。"
        elif password and len(password) < MIN_PASSWORD_LENGTH:
            problems["new_password"] = f"密码至少{MIN_PASSWORD_LENGTH}位。"
        if model.role == Role.UNIT and model.unit is None:
            problems["unit"] = "承办单位联络员须选择所属单位。"
        if model.role != Role.UNIT and model.unit is not None:
            problems["unit"] = "只有承办单位联络员才属于某个单位，请清空。"
        if not problems and password:
            model.set_password(password)
        return problems


def _changes(view: Any, context: Any, entry: AuditEntry, name: str) -> Markup:
    lines = []
    for field, (old, new) in entry.changes.items():
        label = FIELD_LABELS.get(field, field)
        if entry.action == AuditAction.UPDATE:
            lines.append(f"{escape(label)}：{escape(old)} → {escape(new)}")
        else:
            lines.append(f"{escape(label)}：{escape(old if new is None else new)}")
    return Markup("<br>".join(lines))


class AuditView(SecuredModelView):
    """Read-only for admins; nobody edits the log (access.py grants no change)."""

    model_class = AuditEntry
    access_group = "audit"
    column_list = ("at", "actor", "source", "action", "table_name", "record_label", "changes")
    column_labels = FIELD_LABELS
    column_default_sort = [("at", True), ("id", True)]
    column_searchable_list = ("actor", "record_label")
    column_filters = ("action", "table_name", "actor", "source", "at")
    column_formatters = {"changes": _changes}
    column_formatters_export = {"changes": lambda v, c, m, n: str(m.changes)}
    can_view_details = False
