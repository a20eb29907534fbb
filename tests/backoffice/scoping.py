"""Find opinions by how a unit is involved in them (test helper)."""

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import CoHandling, Opinion, Unit


def unit_id(name: str) -> int:
    return db.session.scalar(sa.select(Unit.id).where(Unit.name == name))


def led_by(name: str) -> Opinion:
    query = sa.select(Opinion).where(Opinion.lead_unit_id == unit_id(name)).order_by(Opinion.id)
    return db.session.scalars(query).first()


def co_handled_by(name: str) -> Opinion:
    query = (
        sa.select(Opinion)
        .join(CoHandling)
        .where(CoHandling.unit_id == unit_id(name), Opinion.lead_unit_id != unit_id(name))
        .order_by(Opinion.id)
    )
    return db.session.scalars(query).first()


def unrelated_to(name: str) -> Opinion:
    co_handled = sa.select(CoHandling.opinion_id).where(CoHandling.unit_id == unit_id(name))
    query = (
        sa.select(Opinion)
        .where(Opinion.lead_unit_id != unit_id(name), Opinion.id.not_in(co_handled))
        .order_by(Opinion.id)
    )
    return db.session.scalars(query).first()


def visible_count(name: str) -> int:
    co_handled = sa.select(CoHandling.opinion_id).where(CoHandling.unit_id == unit_id(name))
    condition = sa.or_(Opinion.lead_unit_id == unit_id(name), Opinion.id.in_(co_handled))
    return db.session.scalar(sa.select(sa.func.count()).where(condition))
