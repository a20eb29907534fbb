"""Reassignment (改派): a new lead unit with a reason, the notice the new unit gets, and
units' requests to reassign or return an opinion (申请调整/退回) with the office's answer.

The write path (backoffice.writing) records every change of lead unit as a `Reassignment`,
refuses one without a reason and restarts the opinion's deadlines from its date; this
module gives it the reason and writes the notice. The audit trail records requests and
decisions like any row.
"""

from datetime import date

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice import deadlines, reminders
from backoffice.audit import actor_name
from backoffice.formatting import local_time, prose_date
from backoffice.models import (
    Opinion,
    OutboxMessage,
    Reassignment,
    ReassignmentRequest,
    RequestKind,
    RequestStatus,
    Unit,
    User,
)
from backoffice.models.base import utcnow

REASON_LENGTH = 200
NO_REASON = "更换主办单位须填写改派事由。"


class ReassignmentError(ValueError):
    """A reassignment, request or decision that cannot be made; the message says why."""


def reason_of(opinion: Opinion) -> str:
    """Return the reason given for the opinion's change of lead unit ('' if none)."""
    return (opinion.__dict__.get("reassignment_reason") or "").strip()


def give_reason(opinion: Opinion, reason: str) -> None:
    """Give the reason the write path records with the opinion's next change of lead unit."""
    opinion.__dict__["reassignment_reason"] = reason.strip()[:REASON_LENGTH]


def forget_reason(opinion: Opinion) -> None:
    opinion.__dict__.pop("reassignment_reason", None)


def reassign(opinion: Opinion, unit: Unit, reason: str) -> None:
    """Make unit the opinion's lead unit for reason; a co-handler that now leads stops
    co-handling (a unit cannot be both)."""
    if not reason.strip():
        raise ReassignmentError(NO_REASON)
    if unit.id == opinion.lead_unit_id:
        raise ReassignmentError(f"{unit.name}已是本意见的主办单位，请选择另一家单位。")
    opinion.co_handlings = [co for co in opinion.co_handlings if co.unit_id != unit.id]
    opinion.lead_unit = unit
    give_reason(opinion, reason)


def notify(db_session: orm.Session, opinion: Opinion,
           reassignment: Reassignment) -> OutboxMessage | None:
    """Queue the notice to the new lead unit's liaison (None if the unit has none)."""
    unit = reassignment.to_unit or db_session.get(Unit, reassignment.to_unit_id)
    former = reassignment.from_unit or db_session.get(Unit, reassignment.from_unit_id)
    day = reassignment.reassigned_on

    def write(person: str) -> tuple[str, str]:
        subject = f"【书面意见改派通知】第{opinion.number}号意见改由{unit.name}主办"
        lines = [
            f"{person}同志：",
            f"第{opinion.number}号《{opinion.title}》已于{prose_date(day)}改由{unit.name}主办"
            f"（原主办单位：{former.name}）。",
            f"改派事由：{reassignment.reason}",
            f"办理期限自{prose_date(day)}起重新计算：签收{prose_date(opinion.accept_due_on)}前，"
            f"面商{prose_date(opinion.consult_due_on)}前，"
            f"答复{prose_date(opinion.reply_due_on)}前。",
            "请及时登录办理系统签收办理。",
            "区政府办公室",
        ]
        return subject, "\n".join(lines) + "\n"

    with db_session.no_autoflush:
        return reminders.queue_notice(db_session, unit, day, write)


# -- units' requests and the office's decisions --------------------------------------------------


def may_request(user: User, opinion: Opinion) -> bool:
    """Return whether user's unit leads or co-handles the opinion (only those may ask)."""
    if user.unit_id is None:
        return False
    return user.unit_id == opinion.lead_unit_id or any(
        co.unit_id == user.unit_id for co in opinion.co_handlings)


def pending_request(opinion: Opinion, unit_id: int) -> ReassignmentRequest | None:
    return next((r for r in opinion.reassignment_requests
                 if r.unit_id == unit_id and r.status == RequestStatus.PENDING), None)


def request(opinion: Opinion, user: User, kind: str, reason: str) -> ReassignmentRequest:
    """Record the user's unit's request about the opinion; the caller commits."""
    if not may_request(user, opinion):
        raise ReassignmentError("只有主办或会办本意见的单位可以申请调整或退回。")
    if kind not in {k.value for k in RequestKind}:
        raise ReassignmentError("请选择申请调整或申请退回。")
    reason = _checked(reason, "申请事由", "请填写申请事由。")
    if pending_request(opinion, user.unit_id) is not None:
        raise ReassignmentError("本单位对此意见已有待处理的申请，请等待区府办处理。")
    found = ReassignmentRequest(unit_id=user.unit_id, kind=kind, reason=reason,
                                requested_by=user.username)
    opinion.reassignment_requests.append(found)
    return found


def _checked(text: str, label: str, missing: str) -> str:
    """Return a request's or a decision's reason, given and within its length."""
    reason = text.strip()
    if not reason:
        raise ReassignmentError(missing)
    if len(reason) > REASON_LENGTH:
        raise ReassignmentError(f"{label}最多{REASON_LENGTH}字，现有{len(reason)}字。")
    return reason


def _still_pending(found: ReassignmentRequest) -> None:
    if found.status != RequestStatus.PENDING:
        raise ReassignmentError(
            f"此申请已处理（{actor_name(found.decided_by)}于{local_time(found.decided_at)}"
            f"{found.status}：{found.decision}），不能再次处理。请刷新页面查看。")


def _decided(found: ReassignmentRequest, status: RequestStatus, decision: str,
             actor: str) -> None:
    found.status, found.decision = status.value, decision
    found.decided_by, found.decided_at = actor, utcnow()


def _lead_unchanged(found: ReassignmentRequest, seen_lead: int | None) -> None:
    """Refuse to approve from a page that showed another lead unit (None: not checked):
    the opinion was reassigned since, and approving would move it away from that."""
    opinion = found.opinion
    if seen_lead is None or opinion.lead_unit_id == seen_lead:
        return
    last = opinion.reassignments[-1] if opinion.reassignments else None
    since = (f"{actor_name(last.actor)}于{prose_date(last.reassigned_on)}将其由"
             f"{last.from_unit.name}改由{last.to_unit.name}主办" if last
             else f"现由{opinion.lead_unit.name}主办")
    raise ReassignmentError(f"此意见在您打开页面之后已改派（{since}），您的操作未执行。"
                            "请刷新页面，核对后再处理此申请。")


def approve(db_session: orm.Session, found: ReassignmentRequest, unit_id: int | None,
            actor: str, seen_lead: int | None = None) -> None:
    """Grant the request: reassign the opinion to the unit the office picked (seen_lead:
    the lead unit the office's page showed)."""
    _still_pending(found)
    _lead_unchanged(found, seen_lead)
    unit = db_session.get(Unit, unit_id) if unit_id is not None else None
    if unit is None:
        raise ReassignmentError("请选择改派后的主办单位。")
    requester = found.unit.name
    reason = f"同意{requester}{found.kind}：{found.reason}"
    reassign(found.opinion, unit, reason)
    found.to_unit = unit
    _decided(found, RequestStatus.APPROVED, f"改由{unit.name}主办", actor)


def decline(found: ReassignmentRequest, reason: str, actor: str) -> None:
    """Refuse the request, saying why."""
    _still_pending(found)
    _decided(found, RequestStatus.DECLINED, _checked(reason, "理由", "不同意申请须填写理由。"),
             actor)


def pending_count(db_session: orm.Session) -> int:
    """Return how many requests wait for the office."""
    return db_session.scalar(sa.select(sa.func.count()).select_from(ReassignmentRequest)
                             .where(ReassignmentRequest.status == RequestStatus.PENDING)) or 0


def joined_on(opinion: Opinion, today: date) -> date | None:
    """Return the day a co-handler new to a saved opinion joins it: today if after the day
    the opinion's deadlines count from, else None (it shares the opinion's 会办意见
    deadline)."""
    if opinion.assigned_on is None:
        return None
    start = deadlines.counted_from(opinion.assigned_on, opinion.restarted_on)
    return today if today > start else None
