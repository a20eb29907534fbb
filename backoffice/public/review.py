"""公开审核: which replies the office may publish, and its decisions on them.

A reply may be published when the opinion has been answered and the deputy's latest
evaluation consents to publication, and the office approved it. Each decision is an ORM
write, so the audit trail records it on the opinion's case file.
"""

import secrets

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.sql.elements import ColumnElement

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


def _publication(db_session: orm.Session, opinion_id: int) -> Publication:
    """Return the opinion's publication record, made (待审核) on its first decision."""
    opinion = db_session.scalar(sa.select(Opinion).where(Opinion.id == opinion_id, reviewable()))
    if opinion is None:
        raise ReviewError("该意见尚未答复或代表未同意公开，不能审核公开。")
    found = db_session.scalar(sa.select(Publication).where(Publication.opinion_id == opinion_id))
    if found is None:
        found = Publication(opinion=opinion, public_id=secrets.token_hex(16),
                            status=PublicationStatus.PENDING.value, note="", decided_by="")
        db_session.add(found)
    return found


def _decided(publication: Publication, status: PublicationStatus, actor: str) -> None:
    publication.status = status.value
    publication.decided_by = actor
    publication.decided_at = utcnow()


def approve(db_session: orm.Session, opinion_id: int, actor: str) -> Publication:
    """Publish the opinion's reply on the public site."""
    publication = _publication(db_session, opinion_id)
    if publication.status == PublicationStatus.PUBLISHED:
        raise ReviewError("该答复已经公开。")
    _decided(publication, PublicationStatus.PUBLISHED, actor)
    publication.reason, publication.note = None, ""
    publication.published_at = publication.decided_at
    return publication


def decline(db_session: orm.Session, opinion_id: int, reason: str, note: str,
            actor: str) -> Publication:
    """Decide not to publish the opinion's reply, for reason (and note, for 其他)."""
    note = note.strip()
    if reason not in set(DeclineReason):
        raise ReviewError("请选择不予公开的理由。")
    if reason == DeclineReason.OTHER and not note:
        raise ReviewError("理由为“其他”时须填写说明。")
    if len(note) > 200:
        raise ReviewError(f"说明不能超过 200 字（现为 {len(note)} 字）。")
    publication = _publication(db_session, opinion_id)
    if publication.status == PublicationStatus.PUBLISHED:
        raise ReviewError("该答复已经公开，请先撤回再决定不予公开。")
    _decided(publication, PublicationStatus.DECLINED, actor)
    publication.reason, publication.note = reason, note
    return publication


def withdraw(db_session: orm.Session, opinion_id: int, actor: str) -> Publication:
    """Take a published reply off the public site."""
    publication = db_session.scalar(
        sa.select(Publication).where(Publication.opinion_id == opinion_id))
    if publication is None or publication.status != PublicationStatus.PUBLISHED:
        raise ReviewError("该答复未公开，无需撤回。")
    _decided(publication, PublicationStatus.WITHDRAWN, actor)
    return publication
