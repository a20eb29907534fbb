"""What the public site shows of the published replies, and nothing more.

One query reads every published reply with its units and reply letters; the list, its
search choices and the feeds are cut from that in Python. A district publishes a few
hundred replies a year, so this stays one cheap query, and the rows carry only public
fields: no deputy, no phone number, no note, no internal id but the letters'.
"""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import contains_eager, joinedload

from backoffice.models import Attachment, CoHandling, Opinion, Publication
from backoffice.public.review import publishable
from backoffice.security.log import mask_phones
from importers.vocabulary import AttachmentKind

SUMMARY_CHARACTERS = 200


def summary(content: str) -> str:
    """Return the public summary of an opinion's content: its start, phone numbers masked."""
    # Masked before it is cut: a number the cut splits would no longer look like one.
    text = mask_phones(" ".join(content.split()))
    if len(text) > SUMMARY_CHARACTERS:
        text = text[:SUMMARY_CHARACTERS] + "……"
    return text


@dataclass(frozen=True)
class Letter:
    id: int
    name: str
    size: int


@dataclass(frozen=True)
class PublishedReply:
    public_id: str
    session: str
    number: str
    title: str
    summary: str
    category: str
    lead_unit: str
    co_handlers: tuple[str, ...]
    replied_on: date
    published_at: datetime
    letters: tuple[Letter, ...]

    @property
    def units(self) -> tuple[str, ...]:
        return (self.lead_unit, *self.co_handlers)

    def matches(self, session: str, category: str, unit: str, words: str) -> bool:
        """Return whether the reply meets the visitor's search (empty: any)."""
        text = f"{self.title} {self.summary}"
        return ((not session or self.session == session)
                and (not category or self.category == category)
                and (not unit or unit in self.units)
                and all(word in text for word in words.split()))


def _reply(publication: Publication) -> PublishedReply:
    opinion = publication.opinion
    # The letters the office saw when it approved: one uploaded later waits for its review
    # (撤回 and 同意公开 again).
    letters = tuple(Letter(a.id, mask_phones(a.original_name), a.size)
                    for a in opinion.attachments
                    if a.kind == AttachmentKind.REPLY_LETTER
                    and a.uploaded_at <= publication.published_at)
    return PublishedReply(
        public_id=publication.public_id, session=opinion.session.name, number=opinion.number,
        title=mask_phones(opinion.title), summary=summary(opinion.content),
        category=opinion.category, lead_unit=opinion.lead_unit.name,
        co_handlers=tuple(co.unit.name for co in opinion.co_handlings),
        replied_on=opinion.replied_on, published_at=publication.published_at,
        letters=letters,
    )


def published(db_session: orm.Session, public_id: str | None = None) -> list[PublishedReply]:
    """Return the published replies (or the one of public_id), newest session first."""
    query = (
        sa.select(Publication)
        .join(Publication.opinion)
        .where(publishable())
        .options(
            contains_eager(Publication.opinion).options(
                joinedload(Opinion.session), joinedload(Opinion.lead_unit),
                joinedload(Opinion.co_handlings).joinedload(CoHandling.unit),
                joinedload(Opinion.attachments.and_(
                    Attachment.kind == AttachmentKind.REPLY_LETTER.value)),
            )
        )
        .order_by(Opinion.session_id.desc(), Opinion.number)
    )
    if public_id is not None:
        query = query.where(Publication.public_id == public_id)
    return [_reply(p) for p in db_session.scalars(query).unique()]


def choices(replies: list[PublishedReply]) -> dict[str, list[str]]:
    """Return the search's choices: the sessions, categories and units that have replies."""
    return {
        "sessions": sorted({r.session for r in replies}, reverse=True),
        "categories": sorted({r.category for r in replies}),
        "units": sorted({u for r in replies for u in r.units}),
    }
