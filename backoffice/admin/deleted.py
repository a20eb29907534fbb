"""What to tell someone who reaches a record deleted since they opened it.

The audit trail keeps every delete: its time, and who did it. An office role is told
both; a unit or a deputy only when (who it was in the office is not theirs to know).
Saving, they learn that their changes were not kept and how to get them back.
"""

import sqlalchemy as sa
from flask import request
from flask_login import current_user

from backoffice import access
from backoffice.audit import actor_name
from backoffice.extensions import db
from backoffice.formatting import local_time
from backoffice.models import AuditAction, AuditEntry


def deleted_message(table: str, key: int) -> str | None:
    """Return what to say about the row of table deleted under key, or None if it never
    was (then it never existed: the plain 404)."""
    entry = db.session.scalar(
        sa.select(AuditEntry)
        .where(AuditEntry.table_name == table, AuditEntry.record_id == str(key),
               AuditEntry.action == AuditAction.DELETE.value)
        .order_by(AuditEntry.id.desc()).limit(1))
    if entry is None:
        return None
    if current_user.is_authenticated and current_user.role not in access.SCOPED:
        said = (f"此记录（{entry.record_label}）已于{local_time(entry.at)}"
                f"由{actor_name(entry.actor)}删除")
    else:
        said = f"此记录已于{local_time(entry.at)}被删除"
    if request.method == "POST":
        return f"{said}，您的修改未保存。点“返回上一页”可找回您刚才填写的内容，如仍需要请另行记录。"
    return f"{said}。"
