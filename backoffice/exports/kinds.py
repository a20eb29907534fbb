"""Export one sheet kind from the database: what the CLI and the exports page call."""

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice import stamp_signing
from backoffice.exports.rows import ROWS, SESSION_KINDS, UNITLESS_KINDS, Scope
from backoffice.models import CongressSession, Unit, UnitAlias
from importers.exporting import Target, Template, write_kind
from importers.schemas import KINDS, SCHEMAS


class ExportError(ValueError):
    """The export asked for cannot be made; the message is Chinese and meant for the user."""


def unit_names(db_session: orm.Session) -> list[str]:
    """Return every unit's name, for the dropdowns of unit columns."""
    return list(db_session.scalars(sa.select(Unit.name).order_by(Unit.kind, Unit.name)))


def resolve_session(db_session: orm.Session, name: str | None) -> CongressSession:
    """Return the session of that name, or the latest one when no name is given."""
    query = sa.select(CongressSession)
    if name:
        session = db_session.scalar(query.where(CongressSession.name == name.strip()))
        if session is None:
            names = "、".join(db_session.scalars(sa.select(CongressSession.name)))
            raise ExportError(f"没有名为“{name}”的届次会议" + (f"，已有：{names}" if names else ""))
        return session
    session = db_session.scalar(
        query.order_by(CongressSession.year.desc(), CongressSession.id.desc()).limit(1))
    if session is None:
        raise ExportError("数据库中还没有届次会议")
    return session


def resolve_unit(db_session: orm.Session, name: str) -> Unit:
    """Return the unit written by its name or an alias."""
    text = name.strip()
    unit = db_session.scalar(sa.select(Unit).where(Unit.name == text))
    if unit is None:
        unit = db_session.scalar(sa.select(Unit).join(UnitAlias).where(UnitAlias.alias == text))
    if unit is None:
        raise ExportError(f"没有名为“{name}”的承办单位")
    return unit


def kind_title(kind: str, session: CongressSession | None, unit: Unit | None) -> str:
    """Return the title row of a kind's export, e.g. 区六届人大一次会议书面意见交办清单."""
    title = SCHEMAS[kind].title
    if session is not None and kind in SESSION_KINDS:
        title = f"{session.name}{title}"
    elif session is not None and kind == "notices":
        title = f"{session.year}年{title}"
    return f"{unit.name} {title}" if unit is not None else title


def export_kind(db_session: orm.Session, kind: str, target: Target, *,
                session: CongressSession | None = None, unit: Unit | None = None,
                blank: bool = False) -> int:
    """Write one kind's sheet from the database (or a blank template); return the rows.

    Opinion kinds hold one session's rows; notices that session's year; units, deputies
    and liaisons span sessions. A unit narrows the rows to those it leads or co-handles.
    """
    if kind not in KINDS:
        raise ExportError(f"未知的表格类型“{kind}”，应为 {'、'.join(KINDS)}")
    if kind in SESSION_KINDS and session is None:
        raise ExportError(f"导出“{SCHEMAS[kind].title}”须指定届次会议")
    if kind in UNITLESS_KINDS and unit is not None:
        raise ExportError(f"“{SCHEMAS[kind].title}”不按单位导出")
    scope = Scope(session_id=session.id if session else None,
                  year=session.year if session else None,
                  unit_id=unit.id if unit else None)
    rows = () if blank else ROWS[kind](db_session, scope)
    template = Template(kind, title=kind_title(kind, session, unit))
    return write_kind(target, template, rows, units=unit_names(db_session),
                      signer=stamp_signing.signer())
