"""Who may see and change what: the one place that scopes by role and unit.

Every admin view asks `allowed()` before an action and filters its queries with
`visible()` / `editable()`, so list, count, detail, edit, delete, export, ajax
lookups and actions all share the same rules.
"""

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from backoffice.models import (
    Attachment,
    CoHandling,
    Contact,
    Evaluation,
    LiaisonTerm,
    Notice,
    Opinion,
    ProgressReport,
    Reassignment,
    Role,
    Unit,
    User,
)


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    EDIT = "edit"
    DELETE = "delete"
    EXPORT = "export"


_READ = frozenset({Action.VIEW, Action.EXPORT})
_ALL = frozenset(Action)
_READ_EDIT = _READ | {Action.EDIT}
_ADMIN_ONLY = {Role.ADMIN: _ALL}
_READ_FOR_LEADERS = {Role.ADMIN: _ALL, Role.LEADER: _READ}

# What each role may do in each group of screens; a missing role may do nothing.
POLICY: dict[str, dict[Role, frozenset[Action]]] = {
    "opinions": {Role.ADMIN: _ALL, Role.LEADER: _READ, Role.UNIT: _READ_EDIT},
    "co_handlings": {Role.ADMIN: _ALL, Role.LEADER: _READ, Role.UNIT: _READ_EDIT},
    "notices": {Role.ADMIN: _ALL, Role.LEADER: _READ, Role.UNIT: _READ},
    "reference": _READ_FOR_LEADERS,  # units, deputies, sessions, liaison terms
    "users": _ADMIN_ONLY,
    "audit": {Role.ADMIN: _READ},
    "settings": _ADMIN_ONLY,
    # Follow-up: the reminder outbox (liaisons' addresses) and notice drafts (issuing
    # records 通报批评: CREATE) are the office's; the annual report is read by leaders too.
    "outbox": _ADMIN_ONLY,
    "notice_drafts": _ADMIN_ONLY,
    "annual_report": _READ_FOR_LEADERS,
    # Year-end assessment: the live ranking, explanations, rules and what-if (EDIT),
    # publishing (CREATE), published rankings and sheets (EXPORT).
    "assessment": _READ_FOR_LEADERS,
    # Published versions and one unit's published explanation: a unit user reads only
    # its own unit's (`sees_unit_result`), never the ranking, other units or the rules.
    "assessment_results": {
        Role.ADMIN: _READ,
        Role.LEADER: _READ,
        Role.UNIT: frozenset({Action.VIEW}),
    },
    # Units' worklists to download: a unit user only its own (`worklist_units`).
    "worklists": {Role.ADMIN: _READ, Role.LEADER: _READ, Role.UNIT: _READ},
    # Whole-office sheets of every kind (as `backoffice export` writes them).
    "exports": {Role.ADMIN: _READ, Role.LEADER: _READ},
    # Importing sheets (upload, preview, apply, annotated files, history, undo): the office's.
    "imports": _ADMIN_ONLY,
}

# The form fields a unit fills in, by screen group; everything else is the office's.
UNIT_FIELDS: dict[str, tuple[str, ...]] = {
    "opinions": (
        "accepted_on",
        "consulted_on",
        "consult_method",
        "replied_on",
        "answer_type",
        "concluded_on",
        "second_replied_on",
        "contacts",
        "progress_reports",
    ),
    "co_handlings": ("submitted_on",),
}


def allowed(user: User, group: str, action: Action) -> bool:
    """Return whether user's role may take action on the screens of group."""
    if not user.is_authenticated or not user.active:
        return False
    return action in POLICY[group].get(Role(user.role), frozenset())


def sees_unit_result(user: User, unit_name: str) -> bool:
    """Return whether user may read one unit's published assessment: a unit user only its own."""
    if user.role != Role.UNIT:
        return True
    return user.unit is not None and user.unit.name == unit_name


def worklist_units(user: User) -> ColumnElement[bool]:
    """Return the condition on units whose worklists user may export: a unit user its own."""
    if user.role == Role.UNIT:
        return Unit.id == user.unit_id
    return sa.true()


def _unit_opinions(unit_id: int) -> ColumnElement[bool]:
    co_handled = sa.select(CoHandling.opinion_id).where(CoHandling.unit_id == unit_id)
    return sa.or_(Opinion.lead_unit_id == unit_id, Opinion.id.in_(co_handled))


def _led_opinion_ids(unit_id: int) -> sa.Select:
    return sa.select(Opinion.id).where(Opinion.lead_unit_id == unit_id)


_OPINION_CHILDREN = (Contact, ProgressReport, Evaluation, Attachment, Reassignment, CoHandling)


def visible(model: type, user: User) -> ColumnElement[bool]:
    """Return the condition on model's rows that user may see."""
    if user.role != Role.UNIT:
        return sa.true()
    if model is Opinion:
        return _unit_opinions(user.unit_id)
    if model in _OPINION_CHILDREN:
        visible_ids = sa.select(Opinion.id).where(_unit_opinions(user.unit_id))
        return model.opinion_id.in_(visible_ids)
    if model in (Notice, LiaisonTerm):
        return model.unit_id == user.unit_id
    if model is User:
        return User.id == user.id
    return sa.true()  # reference data: units, deputies, sessions


def editable(model: type, user: User) -> ColumnElement[bool]:
    """Return the condition on model's rows that user may change."""
    if user.role == Role.ADMIN:
        return sa.true()
    if user.role != Role.UNIT:
        return sa.false()
    if model is Opinion:
        return Opinion.lead_unit_id == user.unit_id
    if model is CoHandling:
        return CoHandling.unit_id == user.unit_id
    if model in (Contact, ProgressReport, Attachment):
        return model.opinion_id.in_(_led_opinion_ids(user.unit_id))
    return sa.false()
