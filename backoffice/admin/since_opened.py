"""What to tell someone whose page is older than the record: deleted since they opened
it, or changed since they listed it (a delete from that list is not carried out).

The audit trail keeps every change: its time, and who made it. An office role is told
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
from backoffice.models import AuditAction, AuditEntry, Opinion


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
    if _may_know_who():
        said = (f"此记录（{entry.record_label}）已于{local_time(entry.at)}"
                f"由{actor_name(entry.actor)}删除")
    else:
        said = f"此记录已于{local_time(entry.at)}被删除"
    if request.method == "POST":
        return f"{said}，您的修改未保存。点“返回上一页”可找回您刚才填写的内容，如仍需要请另行记录。"
    return f"{said}。"


def changed_message(record: object) -> str:
    """Return what to say when a delete is asked from a list older than the record."""
    table = sa.inspect(record).mapper.local_table.name
    key = str(sa.inspect(record).identity[0])
    mine = sa.and_(AuditEntry.table_name == table, AuditEntry.record_id == key)
    if isinstance(record, Opinion):  # its parts' changes are its changes
        mine = sa.or_(mine, AuditEntry.opinion_id == record.id)
    entry = db.session.scalar(sa.select(AuditEntry).where(mine)
                              .order_by(AuditEntry.id.desc()).limit(1))
    when = f"{local_time(entry.at)}" if entry else ""
    who = f"由{actor_name(entry.actor)}" if entry and _may_know_who() else ""
    since = f"已于{when}{who}修改" if entry else "已被修改"
    return (f"删除未执行：此记录（{record}）在您打开列表之后{since}。"
            "请核对最新内容后，如仍需删除，再从刷新后的列表中删除。")


def _may_know_who() -> bool:
    return current_user.is_authenticated and current_user.role not in access.SCOPED
