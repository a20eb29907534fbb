"""Typed SQLAlchemy models, one module per part of the domain."""

from backoffice.models.assessment import AssessmentRuleset, PublishedAssessment
from backoffice.models.attachments import Attachment
from backoffice.models.audit import AuditAction, AuditEntry
from backoffice.models.base import Base
from backoffice.models.calendar import CalendarOverride
from backoffice.models.consultations import ConsultationAnswer, ConsultationReply
from backoffice.models.deputies import Deputy
from backoffice.models.follow_up import (
    Channel,
    Delivery,
    OutboxMessage,
    ReminderItem,
    ReminderKind,
)
from backoffice.models.handling import Contact, Evaluation, ProgressReport
from backoffice.models.imports import (
    ChangeAction,
    ImportChange,
    ImportFile,
    ImportRun,
    ImportStatus,
    RememberedMapping,
)
from backoffice.models.jobs import Job, JobState
from backoffice.models.notices import Notice
from backoffice.models.opinions import (
    CoHandling,
    Opinion,
    Reassignment,
    ReassignmentRequest,
    RequestKind,
    RequestStatus,
    opinion_cosigners,
)
from backoffice.models.publication import DeclineReason, Publication, PublicationStatus
from backoffice.models.security import (
    RecoveryCode,
    SecondFactor,
    SecurityEvent,
    SignInThrottle,
    UserSession,
)
from backoffice.models.sessions import CongressSession
from backoffice.models.spans import StandingCount
from backoffice.models.units import LiaisonTerm, Unit, UnitAlias
from backoffice.models.users import ROLE_LABELS, Role, User

__all__ = [
    "ROLE_LABELS",
    "AssessmentRuleset",
    "Attachment",
    "AuditAction",
    "AuditEntry",
    "Base",
    "CalendarOverride",
    "ChangeAction",
    "Channel",
    "CoHandling",
    "CongressSession",
    "ConsultationAnswer",
    "ConsultationReply",
    "Contact",
    "DeclineReason",
    "Delivery",
    "Deputy",
    "Evaluation",
    "ImportChange",
    "ImportFile",
    "ImportRun",
    "ImportStatus",
    "Job",
    "JobState",
    "LiaisonTerm",
    "Notice",
    "Opinion",
    "OutboxMessage",
    "ProgressReport",
    "Publication",
    "PublicationStatus",
    "PublishedAssessment",
    "Reassignment",
    "ReassignmentRequest",
    "RecoveryCode",
    "RememberedMapping",
    "ReminderItem",
    "ReminderKind",
    "RequestKind",
    "RequestStatus",
    "Role",
    "SecondFactor",
    "SecurityEvent",
    "SignInThrottle",
    "StandingCount",
    "Unit",
    "UnitAlias",
    "User",
    "UserSession",
    "opinion_cosigners",
]
