"""The facts of one year that the assessment reads, as the back-office hands them over.

Plain frozen dataclasses: the back-office builds them from its tables in a handful of
queries; scoring never reaches back into the database. Due dates arrive already computed
with the working-day calendar, so scoring only compares dates. Words the office writes
(grades, answer types, contact stages, notice kinds) are the Chinese strings of
`importers.vocabulary`; its `StrEnum` members can be passed as they are.
"""

from dataclasses import dataclass, field
from datetime import date

CONTACT_STAGES = ("办前", "办中", "办后")
CRITICISM = "通报批评"
REFERENCE = "D"


@dataclass(frozen=True, slots=True)
class Unit:
    """A handling unit (承办单位) that may be assessed."""

    name: str


@dataclass(frozen=True, slots=True)
class Opinion:
    """One opinion of the year as handled by its lead unit (主办)."""

    number: str
    lead_unit: str
    assigned_on: date
    acceptance_due: date
    consultation_due: date
    # After an approved extension the back-office hands over the moved deadline.
    reply_due: date
    accepted_on: date | None = None
    consulted_on: date | None = None
    replied_on: date | None = None
    answer_type: str | None = None  # 'A'..'D'; None while still being answered
    concluded_on: date | None = None
    grade: str | None = None  # latest grade: after a 不同意 and a second reply, the new one
    praised: bool = False
    returned: bool = False  # the deputy disagreed (不同意) at least once
    signed_off_on: date | None = None  # the 分管副区长's sign-off of a D reply
    contact_stages: frozenset[str] = field(default_factory=frozenset)

    @property
    def answered(self) -> bool:
        """Tell whether the lead unit has replied."""
        return self.replied_on is not None


@dataclass(frozen=True, slots=True)
class FormerLead:
    """A unit's time as lead unit of an opinion until it was reassigned (改派) away.

    Its due dates are those of its own schedule, counted from the assignment or from the
    reassignment that made it lead; the done dates are the opinion's, whoever did the step.
    """

    unit: str
    opinion: str  # the opinion's number
    reassigned_on: date
    acceptance_due: date
    consultation_due: date
    reply_due: date
    accepted_on: date | None = None
    consulted_on: date | None = None
    replied_on: date | None = None


@dataclass(frozen=True, slots=True)
class CoHandling:
    """One co-handler's (会办) part in an opinion."""

    unit: str
    opinion: str  # the opinion's number
    due: date  # when its 会办意见 is due at the lead unit
    submitted_on: date | None = None
    lead_grade: str | None = None  # the lead unit's grade of the co-handling
    deputy_grade: str | None = None  # the deputies' grade of the co-handling


@dataclass(frozen=True, slots=True)
class Notice:
    """A 情况专报 or 通报批评 naming a unit."""

    unit: str
    on: date
    kind: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class LiaisonTerm:
    """A liaison's (联络员) term at a unit; `end` is None while still serving."""

    unit: str
    start: date
    end: date | None = None
    name: str = ""

    def overlaps(self, first: date, last: date) -> bool:
        """Tell whether the term shares at least one day with first..last."""
        return self.start <= last and (self.end is None or self.end >= first)


@dataclass(frozen=True, slots=True)
class YearFacts:
    """Everything the assessment of one year reads."""

    year: int
    as_of: date
    units: tuple[Unit, ...]
    opinions: tuple[Opinion, ...] = ()
    co_handlings: tuple[CoHandling, ...] = ()
    notices: tuple[Notice, ...] = ()
    liaison_terms: tuple[LiaisonTerm, ...] = ()
    former_leads: tuple[FormerLead, ...] = ()

    def check_units(self) -> None:
        """Raise ValueError naming every unit the facts mention but `units` lacks."""
        known = {unit.name for unit in self.units}
        mentioned = (
            [opinion.lead_unit for opinion in self.opinions]
            + [co.unit for co in self.co_handlings]
            + [notice.unit for notice in self.notices]
            + [term.unit for term in self.liaison_terms]
            + [former.unit for former in self.former_leads]
        )
        unknown = sorted(set(mentioned) - known)
        if unknown:
            raise ValueError("承办单位名录中没有这些单位：" + "、".join(unknown))
