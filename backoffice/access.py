"""Who may see and change what: the one place that scopes by role and unit.

Every admin view asks `allowed()` before an action and filters its queries with
`visible()` / `editable()`, so list, count, detail, edit, delete, export, ajax
lookups and actions all share the same rules.
"""

from collections.abc import Callable
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from backoffice.models import (
    AssessmentRuleset,
    Attachment,
    AuditEntry,
    CalendarOverride,
    CoHandling,
    CongressSession,
    ConsultationReply,
    Contact,
    Deputy,
    Evaluation,
    ImportChange,
    ImportFile,
    ImportRun,
    Job,
    LiaisonTerm,
    Notice,
    Opinion,
    OutboxMessage,
    ProgressReport,
    Publication,
    PublishedAssessment,
    Reassignment,
    ReassignmentRequest,
    RecoveryCode,
    RememberedMapping,
    ReminderItem,
    Role,
    SecondFactor,
    SecurityEvent,
    SignInThrottle,
    StandingCount,
    Unit,
    UnitAlias,
    User,
    UserSession,
    opinion_cosigners,
)
from importers.vocabulary import AttachmentKind

Scope = Callable[[User], ColumnElement[bool]]


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    EDIT = "edit"
    DELETE = "delete"
    EXPORT = "export"


_READ = frozenset({Action.VIEW, Action.EXPORT})
_ALL = frozenset(Action)
_READ_EDIT = _READ | {Action.EDIT}
_OFFICE = {Role.OPERATOR: _ALL, Role.LEADER: _READ}

# What each role may do in each group of screens; a role or a group not named here may do
# nothing (`allowed` fails closed). The office's work (operator), the system's upkeep
# (sysadmin) and the audit (auditor) never share a group they may change.
POLICY: dict[str, dict[Role, frozenset[Action]]] = {
    "opinions": {**_OFFICE, Role.UNIT: _READ_EDIT},
    "co_handlings": {**_OFFICE, Role.UNIT: _READ_EDIT},
    # Units' requests to reassign or return an opinion (申请调整/退回): a unit asks (CREATE)
    # and reads its own; the office answers them (EDIT: approve or decline).
    "reassignment_requests": {
        Role.OPERATOR: frozenset({Action.VIEW, Action.EXPORT, Action.EDIT}),
        Role.LEADER: _READ,
        Role.UNIT: frozenset({Action.VIEW, Action.CREATE}),
    },
    "notices": {**_OFFICE, Role.UNIT: _READ},
    "reference": _OFFICE,  # deputies, sessions, liaison terms
    # Units are the office's reference data and the frame of every unit account.
    "units": {**_OFFICE, Role.SYSADMIN: _ALL},
    "users": {Role.SYSADMIN: _ALL},
    # Signed-in sessions: the system administrator sees them and ends them (EDIT: the
    # list's action; the view has no form).
    "user_sessions": {Role.SYSADMIN: _READ | {Action.EDIT}},
    # The working calendar moves every deadline: the system's setting, read by the office.
    "settings": {Role.SYSADMIN: _ALL, Role.OPERATOR: frozenset({Action.VIEW})},
    # The data audit trail and the security log: read and exported by the auditor only.
    "audit": {Role.AUDITOR: _READ},
    "security_log": {Role.AUDITOR: _READ},
    # Follow-up: the reminder outbox (liaisons' addresses) and notice drafts (issuing
    # records 通报批评: CREATE) are the office's; the annual report is read by leaders too.
    "outbox": {Role.OPERATOR: _ALL},
    "notice_drafts": {Role.OPERATOR: _ALL},
    "annual_report": _OFFICE,
    # Year-end assessment: the live ranking, explanations, rules and what-if (EDIT),
    # publishing (CREATE), published rankings and sheets (EXPORT).
    "assessment": _OFFICE,
    # Published versions and one unit's published explanation: a unit user reads only
    # its own unit's (`sees_unit_result`), never the ranking, other units or the rules.
    "assessment_results": {
        Role.OPERATOR: _READ,
        Role.LEADER: _READ,
        Role.UNIT: frozenset({Action.VIEW}),
    },
    # Units' worklists to download: a unit user only its own (`worklist_units`).
    "worklists": {Role.OPERATOR: _READ, Role.LEADER: _READ, Role.UNIT: _READ},
    # Whole-office sheets of every kind (as `backoffice export` writes them).
    "exports": {Role.OPERATOR: _READ, Role.LEADER: _READ},
    # Importing sheets (upload, preview, apply, annotated files, history, undo): the office's.
    "imports": {Role.OPERATOR: _ALL},
    # Column mappings remembered from the import preview: the office forgets them (DELETE);
    # the auditor reads which mappings steer the imports.
    "import_mappings": {Role.OPERATOR: frozenset({Action.VIEW, Action.DELETE}),
                        Role.AUDITOR: frozenset({Action.VIEW})},
    # Background jobs: everyone sees, cancels (EDIT), retries (CREATE) and downloads the
    # result of their own jobs only (`own_jobs`); a job's work is checked when it runs.
    "jobs": {role: _ALL - {Action.DELETE} for role in Role if role != Role.DEPUTY},
    # A deputy's own pages (我的意见): their opinions (`DEPUTY_VISIBLE`), the reply letters,
    # answering a 面商 and evaluating a reply (EDIT). The office and the lead unit read the
    # deputies' answers about a 面商 in the case file and in their list.
    "deputy_pages": {Role.DEPUTY: frozenset({Action.VIEW, Action.EDIT})},
    "consultation_replies": {**_OFFICE, Role.UNIT: _READ},
    # A leader's home page (their 督办 opinions, overdue by unit, the figures) in place of
    # the office's dashboard.
    "leader_home": {Role.LEADER: frozenset({Action.VIEW})},
    # 公开审核: the office approves, declines or withdraws (EDIT) the publication of the
    # replies deputies consented to publish; leaders read the list.
    "publication": {Role.OPERATOR: _READ_EDIT, Role.LEADER: frozenset({Action.VIEW})},
}

# Routes anyone may reach without signing in, beside signing in itself: the health check
# a load balancer asks (it says what passes, nothing more), and the public site of the
# published replies (backoffice.public: published rows only, 404 for everything else).
PUBLIC_ENDPOINTS = frozenset({
    "health.healthz",
    "public.index", "public.reply", "public.letter", "public.feed_json", "public.feed_csv",
})

# Roles that administer something; they sign in with a second factor when required.
PRIVILEGED_ROLES = frozenset({Role.OPERATOR, Role.SYSADMIN, Role.AUDITOR})

# Parts of a screen group's forms that hold another group's rows, shown only to the roles
# that may see that group: the units' form carries their liaisons (names, phones), the
# office's reference data, which the system administrator keeping the units does not read.
FORM_PARTS: dict[str, dict[str, str]] = {"units": {"liaison_terms": "reference"}}

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
    if not user.is_authenticated or not user.active or user.role not in set(Role):
        return False
    return action in POLICY.get(group, {}).get(Role(user.role), frozenset())


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


def own_jobs(user: User) -> ColumnElement[bool]:
    """Return the condition on jobs user may see: their own, whatever their role."""
    return Job.user_id == user.id


def _unit_opinions(unit_id: int) -> ColumnElement[bool]:
    co_handled = sa.select(CoHandling.opinion_id).where(CoHandling.unit_id == unit_id)
    return sa.or_(Opinion.lead_unit_id == unit_id, Opinion.id.in_(co_handled))


def _of_opinions(model: type, opinions: Scope) -> Scope:
    """Scope a model that belongs to an opinion to the rows of the opinions a user may."""
    def scope(user: User) -> ColumnElement[bool]:
        return model.opinion_id.in_(sa.select(Opinion.id).where(opinions(user)))

    return scope


def _of_unit_opinions(model: type) -> Scope:
    return _of_opinions(model, lambda user: _unit_opinions(user.unit_id))


def _of_led_opinions(model: type) -> Scope:
    return _of_opinions(model, lambda user: Opinion.lead_unit_id == user.unit_id)


def _everything(_user: User) -> ColumnElement[bool]:
    return sa.true()


def _nothing(_user: User) -> ColumnElement[bool]:
    return sa.false()


OPINION_CHILDREN = (Contact, ProgressReport, Evaluation, Attachment, Reassignment, CoHandling)
OFFICE_RECORDS = (
    AuditEntry, ImportRun, ImportChange, ImportFile, RememberedMapping, OutboxMessage,
    ReminderItem,
    AssessmentRuleset, PublishedAssessment,
    Publication,  # the office's 公开审核; the public site reads it without a user
    Job,  # seen by their owners alone, through `own_jobs`
    StandingCount,  # derived: read only through the dashboard of a whole session
    # Security records: sessions, locks, second factors, the security log.
    SecurityEvent, UserSession, SignInThrottle, SecondFactor, RecoveryCode,
)

# The rows of each model a unit user may see. Every mapped model is named here (a test
# walks the mappers): a model missing from this table is seen by nobody.
UNIT_VISIBLE: dict[type, Scope] = {
    Opinion: lambda user: _unit_opinions(user.unit_id),
    **{model: _of_unit_opinions(model) for model in OPINION_CHILDREN},
    # A deputy's answer about a 面商 is for the lead unit, which holds the meeting.
    ConsultationReply: _of_led_opinions(ConsultationReply),
    Notice: lambda user: Notice.unit_id == user.unit_id,
    ReassignmentRequest: lambda user: ReassignmentRequest.unit_id == user.unit_id,
    LiaisonTerm: lambda user: LiaisonTerm.unit_id == user.unit_id,
    User: lambda user: User.id == user.id,
    # Reference data every unit reads.
    Unit: _everything,
    UnitAlias: _everything,
    Deputy: _everything,
    CongressSession: _everything,
    CalendarOverride: _everything,
    # The office's own records: no unit sees them through a list.
    **{model: _nothing for model in OFFICE_RECORDS},
}

# The rows of each model a unit user may change; a model not named here: none.
UNIT_EDITABLE: dict[type, Scope] = {
    Opinion: lambda user: Opinion.lead_unit_id == user.unit_id,
    CoHandling: lambda user: CoHandling.unit_id == user.unit_id,
    **{model: _of_led_opinions(model) for model in (Contact, ProgressReport, Attachment)},
}


def _deputy_opinions(deputy_id: int) -> ColumnElement[bool]:
    cosigned = sa.select(opinion_cosigners.c.opinion_id).where(
        opinion_cosigners.c.deputy_id == deputy_id)
    return sa.or_(Opinion.lead_deputy_id == deputy_id, Opinion.id.in_(cosigned))


def _of_deputy_opinions(model: type) -> Scope:
    return _of_opinions(model, lambda user: _deputy_opinions(user.deputy_id))


def _replied_deputy_opinions(user: User) -> ColumnElement[bool]:
    return sa.and_(_deputy_opinions(user.deputy_id), Opinion.replied_on.is_not(None))


# The rows of each model a deputy may see: what the office tells them of their own
# opinions (led or co-signed), never another deputy's, a unit's requests to the office,
# the office's records or anyone's account but their own.
DEPUTY_VISIBLE: dict[type, Scope] = {
    Opinion: lambda user: _deputy_opinions(user.deputy_id),
    **{model: _of_deputy_opinions(model) for model in (Contact, ProgressReport, CoHandling)},
    # A satisfaction evaluation is the lead deputy's own word: not shown to co-signers.
    Evaluation: _of_opinions(Evaluation, lambda user: Opinion.lead_deputy_id == user.deputy_id),
    # The reply letters (答复函) of replies recorded (before, a letter uploaded is a draft),
    # not the units' co-opinions or the sign-off papers.
    Attachment: lambda user: sa.and_(_of_opinions(Attachment, _replied_deputy_opinions)(user),
                                     Attachment.kind == AttachmentKind.REPLY_LETTER.value),
    ConsultationReply: lambda user: ConsultationReply.deputy_id == user.deputy_id,
    Deputy: lambda user: Deputy.id == user.deputy_id,
    User: lambda user: User.id == user.id,
    Unit: _everything,
    UnitAlias: _everything,
    CongressSession: _everything,
    CalendarOverride: _everything,
    **{model: _nothing for model in (Reassignment, ReassignmentRequest, Notice, LiaisonTerm,
                                     *OFFICE_RECORDS)},
}

# Roles whose rows are scoped, and their tables.
SCOPED: dict[Role, dict[type, Scope]] = {Role.UNIT: UNIT_VISIBLE, Role.DEPUTY: DEPUTY_VISIBLE}

# Roles that change rows in the groups POLICY gives them; the others only read.
_CHANGING_ROLES = frozenset({Role.OPERATOR, Role.SYSADMIN})


def visible(model: type, user: User) -> ColumnElement[bool]:
    """Return the condition on model's rows that user may see (none of an unnamed model)."""
    if sees_all(model, user):
        return sa.true()
    scoped = SCOPED.get(user.role, {})
    if model not in UNIT_VISIBLE or model not in scoped:
        return sa.false()
    return scoped[model](user)


def sees_all(model: type, user: User) -> bool:
    """Return whether user may see every row of model (no scope narrows it)."""
    return model in UNIT_VISIBLE and user.role not in SCOPED


def visible_scope(model: type, user: User) -> ColumnElement[bool] | None:
    """Return `visible`, or None when user sees every row (counts need not filter)."""
    return None if sees_all(model, user) else visible(model, user)


def editable(model: type, user: User) -> ColumnElement[bool]:
    """Return the condition on model's rows that user may change (none of an unnamed model)."""
    if model not in UNIT_VISIBLE:
        return sa.false()
    if user.role in _CHANGING_ROLES:
        return sa.true()
    if user.role == Role.UNIT and model in UNIT_EDITABLE:
        return UNIT_EDITABLE[model](user)
    return sa.false()
