"""公开审核: which replies the office may publish, and its decisions on them.

A reply may be published when the opinion has been answered and the deputy's latest
evaluation consents to publication, and the office approved it. Each decision is an ORM
write, so the audit trail records it on the opinion's case file. A decision carries the
version of the record its page showed: taken on a page older than a colleague's decision,
it is refused with who decided what and when, instead of silently reversing it.
"""

import secrets

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.sql.elements import ColumnElement

from backoffice.audit import actor_name
from backoffice.formatting import local_time
from backoffice.models import (
    DeclineReason,
    Evaluation,
    Opinion,
    Publication,
    PublicationStatus,
)
from backoffice.models.base import utcnow


class ReviewError(Exception):
    """A decision the rules refuse; the message says why, in Chinese."""


def deputy_consents() -> ColumnElement[bool]:
    """Return the condition on opinions whose deputy's latest evaluation consents to publish."""
    latest = (
        sa.select(Evaluation.consents_to_publish)
        .where(Evaluation.opinion_id == Opinion.id)
        .order_by(Evaluation.evaluated_on.desc(), Evaluation.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return latest.is_(True)


def reviewable() -> ColumnElement[bool]:
    """Return the condition on opinions the office may review: answered, and consented."""
    return sa.and_(Opinion.replied_on.is_not(None), deputy_consents())


def publishable() -> ColumnElement[bool]:
    """Return the condition on opinions the public site shows: approved, and still consented."""
    return sa.and_(Publication.status == PublicationStatus.PUBLISHED.value, reviewable())


def _unchanged(publication: Publication | None, seen: int | None) -> None:
    """Refuse a decision taken on a page that showed an older state of the publication
    (seen: the version the page showed, 0 for none yet; None: not checked)."""
    current = publication.version if publication is not None and publication.id else 0
    if seen is None or seen == current:
        return
    assert publication is not None
    raise ReviewError(
        f"该答复的公开审核已由{actor_name(publication.decided_by)}于"
        f"{local_time(publication.decided_at)}改为“{publication.status}”，您的操作未执行。"
        "请核对列表中的最新状态后再决定。")


def _publication(db_session: orm.Session, opinion_id: int, seen: int | None) -> Publication:
    """Return the opinion's publication record, made (待审核) on its first decision."""
    opinion = db_session.scalar(sa.select(Opinion).where(Opinion.id == opinion_id, reviewable()))
    if opinion is None:
        raise ReviewError("该意见尚未答复或代表未同意公开，不能审核公开。")
    found = db_session.scalar(sa.select(Publication).where(Publication.opinion_id == opinion_id))
    _unchanged(found, seen)
    if found is None:
        found = Publication(opinion=opinion, public_id=secrets.token_hex(16),
                            status=PublicationStatus.PENDING.value, note="", decided_by="")
        db_session.add(found)
    return found


def _decided(publication: Publication, status: PublicationStatus, actor: str) -> None:
    publication.status = status.value
    publication.decided_by = actor
    publication.decided_at = utcnow()


def approve(db_session: orm.Session, opinion_id: int, actor: str,
            seen: int | None = None) -> Publication:
    """Publish the opinion's reply on the public site."""
    publication = _publication(db_session, opinion_id, seen)
    if publication.status == PublicationStatus.PUBLISHED:
        raise ReviewError("该答复已经公开。")
    _decided(publication, PublicationStatus.PUBLISHED, actor)
    publication.reason, publication.note = None, ""
    publication.published_at = publication.decided_at
    return publication


def decline(db_session: orm.Session, opinion_id: int, reason: str, note: str,
            actor: str, seen: int | None = None) -> Publication:
    """Decide not to publish the opinion's reply, for reason (and note, for 其他)."""
    note = note.strip()
    if reason not in set(DeclineReason):
        raise ReviewError("请选择不予公开的理由。")
    if reason == DeclineReason.OTHER and not note:
        raise ReviewError("理由为“其他”时须填写说明。")
    if len(note) > 200:
        raise ReviewError(f"说明不能超过 200 字（现为 {len(note)} 字）。")
    publication = _publication(db_session, opinion_id, seen)
    if publication.status == PublicationStatus.PUBLISHED:
        raise ReviewError("该答复已经公开，请先撤回再决定不予公开。")
    _decided(publication, PublicationStatus.DECLINED, actor)
    publication.reason, publication.note = reason, note
    return publication


def withdraw(db_session: orm.Session, opinion_id: int, actor: str,
             seen: int | None = None) -> Publication:
    """Take a published reply off the public site."""
    publication = db_session.scalar(
        sa.select(Publication).where(Publication.opinion_id == opinion_id))
    _unchanged(publication, seen)
    if publication is None or publication.status != PublicationStatus.PUBLISHED:
        raise ReviewError("该答复未公开，无需撤回。")
    _decided(publication, PublicationStatus.WITHDRAWN, actor)
    return publication
