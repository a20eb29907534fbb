"""The current facts an import is planned against, keyed like the records.

The back-office fills a `State` from its database in a handful of queries; the
planner reads it and brings a working copy of it to what applying the plan gives.
Values use the records' vocabulary: unit names, deputy names, dates, int numbers.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from importers.units import UnitLookup


@dataclass(slots=True)
class UnitFacts:
    kind: str | None = None
    aliases: list[str] = field(default_factory=list)


@dataclass(slots=True)
class DeputyFacts:
    phone: str | None = None


@dataclass(slots=True)
class LiaisonFacts:
    name: str | None = None
    phone: str | None = None
    end: date | None = None


@dataclass(slots=True)
class NoticeFacts:
    reason: str | None = None


@dataclass(slots=True)
class CoFacts:
    """A co-handler's part in an opinion."""

    submitted_on: date | None = None
    rating: str | None = None  # the lead unit's grade of it
    deputy_grade: str | None = None


@dataclass(slots=True)
class ContactFacts:
    method: str | None = None


@dataclass(slots=True)
class ProgressFacts:
    text: str | None = None


@dataclass(slots=True)
class EvaluationFacts:
    agree: bool | None = None
    grade: str | None = None
    praised: bool = False
    consent_publish: bool = False


class _NoneYet(dict):
    """The one empty mapping facts share until `own` gives them a dict; refuses changes."""

    def _refuse(self, *_args: Any, **_kwargs: Any) -> None:
        raise TypeError("shared empty facts: call OpinionFacts.own() to change them")

    __setitem__ = __delitem__ = update = setdefault = pop = popitem = clear = _refuse

    def __reduce__(self) -> tuple:
        return (_nothing, ())


_NOTHING: Any = _NoneYet()


def _nothing() -> Any:
    return _NOTHING


@dataclass(slots=True)
class OpinionFacts:
    """One opinion of the session: the assignment, the handling, the sign-off and around."""

    # the assignment list
    title: str | None = None
    content: str | None = None
    category: str | None = None
    lead_deputy: str | None = None
    delegation: str | None = None  # the lead deputy's
    cosigners: list[str] = field(default_factory=list)
    lead_unit: str | None = None
    co_units: list[str] = field(default_factory=list)
    assigned_on: date | None = None
    supervisor: str | None = None
    # the lead unit's handling report
    accepted_on: date | None = None
    consulted_on: date | None = None
    consult_method: str | None = None
    replied_on: date | None = None
    answer_type: str | None = None
    concluded_on: date | None = None
    second_reply_on: date | None = None
    # the D sign-off
    approver: str | None = None
    approved_on: date | None = None
    # around it, keyed like their sheets' keys without the number; an opinion without any
    # shares one empty mapping until `own` gives it a dict (100,000 opinions, 25 MB less)
    co: dict[str, CoFacts] = field(default_factory=_nothing)  # co unit ->
    contacts: dict[tuple[str, date], ContactFacts] = field(default_factory=_nothing)  # stage, on
    progress: dict[date, ProgressFacts] = field(default_factory=_nothing)  # on ->
    evaluations: dict[date, EvaluationFacts] = field(default_factory=_nothing)  # evaluated on

    def own(self, collection: str) -> dict[Any, Any]:
        """Return one of the nested collections as a dict of its own, to change it."""
        value = getattr(self, collection)
        if value is _NOTHING:
            value = {}
            setattr(self, collection, value)
        return value

    def __deepcopy__(self, memo: dict[int, Any]) -> OpinionFacts:
        """Return a copy whose lists and nested facts are its own."""
        clone = copy.copy(self)
        clone.cosigners, clone.co_units = list(self.cosigners), list(self.co_units)
        for name in _NESTED:
            value = getattr(self, name)
            if value is not _NOTHING:
                setattr(clone, name, {key: copy.copy(facts) for key, facts in value.items()})
        return clone


_NESTED = ("co", "contacts", "progress", "evaluations")



@dataclass
class State:
    """What the back-office holds now, as far as an import can change it.

    `opinions` are the session's; units, deputies, liaisons and notices span sessions.
    `ids` maps a table and a row's key to its database id; the planner passes them
    through untouched for the code that applies the plan.
    """

    session: str | None = None
    year: int | None = None
    units: dict[str, UnitFacts] = field(default_factory=dict)  # canonical name ->
    deputies: dict[tuple[str, str], DeputyFacts] = field(default_factory=dict)  # name, delegation
    liaisons: dict[tuple[str, date], LiaisonFacts] = field(default_factory=dict)  # unit, start
    opinions: dict[int, OpinionFacts] = field(default_factory=dict)  # number ->
    # on, unit, kind ->
    notices: dict[tuple[date, str, str], NoticeFacts] = field(default_factory=dict)
    ids: dict[str, dict[Any, Any]] = field(default_factory=dict)

    def unit_lookup(self) -> UnitLookup:
        """Return a lookup of the units by name and alias, for reading sheets."""
        return UnitLookup({name: facts.aliases for name, facts in self.units.items()})

    def working_copy(self) -> State:
        """Return a copy the planner may change; facts are copied when first changed."""
        return State(
            session=self.session,
            year=self.year,
            units=dict(self.units),
            deputies=dict(self.deputies),
            liaisons=dict(self.liaisons),
            opinions=dict(self.opinions),
            notices=dict(self.notices),
            ids=self.ids,
        )
