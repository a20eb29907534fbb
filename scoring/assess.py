"""Assess a year: from the facts and the year's ruleset to a ranked, explained result."""

from dataclasses import dataclass, field

from scoring.adjustments import adjust
from scoring.co import co_part
from scoring.facts import CoHandling, FormerLead, LiaisonTerm, Notice, Opinion, YearFacts
from scoring.lead import SATISFACTION, lead_part
from scoring.overdue import co_overdue, former_lead_overdue, former_steps, lead_overdue
from scoring.result import Assessment, UnitAssessment
from scoring.rules import Ruleset
from scoring.standing import rank
from scoring.totals import base_score, final_score, overdue_note


@dataclass(slots=True)
class UnitFacts:
    """The facts that concern one unit."""

    name: str
    opinions: list[Opinion] = field(default_factory=list)
    co_handlings: list[CoHandling] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    liaison_terms: list[LiaisonTerm] = field(default_factory=list)
    former_leads: list[FormerLead] = field(default_factory=list)


def assess(facts: YearFacts, ruleset: Ruleset) -> Assessment:
    """Score every unit with lead opinions or co-handlings in the year, and rank them."""
    facts.check_units()
    scored = [
        assess_unit(unit, facts, ruleset)
        for unit in by_unit(facts)
        if unit.opinions or unit.co_handlings
    ]
    return Assessment(facts.year, facts.as_of, ruleset, rank(scored, ruleset))


def by_unit(facts: YearFacts) -> list[UnitFacts]:
    """Group the year's facts by unit, in one pass over each kind."""
    units = {unit.name: UnitFacts(unit.name) for unit in facts.units}
    for opinion in facts.opinions:
        units[opinion.lead_unit].opinions.append(opinion)
    for co in facts.co_handlings:
        units[co.unit].co_handlings.append(co)
    for notice in facts.notices:
        units[notice.unit].notices.append(notice)
    for term in facts.liaison_terms:
        units[term.unit].liaison_terms.append(term)
    for former in facts.former_leads:
        units[former.unit].former_leads.append(former)
    return list(units.values())


def assess_unit(unit: UnitFacts, facts: YearFacts, rules: Ruleset) -> UnitAssessment:
    """Score one unit: components, lead and co scores, base, adjustments, final."""
    lead_events = [e for o in unit.opinions for e in lead_overdue(o, facts.as_of)]
    # Lateness on opinions it led before a reassignment stays with it (its own steps only).
    lead_events += [e for f in unit.former_leads for e in former_lead_overdue(f, facts.as_of)]
    handed_over_steps = sum(len(former_steps(f)) for f in unit.former_leads)
    co_events = [e for co in unit.co_handlings for e in co_overdue(co, facts.as_of)]
    lead = lead_part(unit.opinions, lead_events, rules, facts.as_of, handed_over_steps)
    co = co_part(unit.co_handlings, co_events, rules, facts.as_of)
    base, base_note = base_score(
        lead.score, len(unit.opinions), co.score, len(unit.co_handlings), rules
    )
    adjusted = adjust(unit.opinions, unit.notices, unit.liaison_terms, rules, facts.year)
    final, final_note = final_score(base, adjusted.adjustments)
    events = lead_events + co_events
    return UnitAssessment(
        unit=unit.name,
        lead_count=len(unit.opinions),
        co_count=len(unit.co_handlings),
        lead_components=lead.components,
        co_components=co.components,
        lead_score=lead.score,
        co_score=co.score,
        base=base,
        adjustments=adjusted.adjustments,
        final=final,
        overdue_events=tuple(events),
        liaison_changes=adjusted.liaison_changes,
        mean_grade=lead.mean(SATISFACTION),
        notes=(
            *lead.notes,
            *co.notes,
            base_note,
            *adjusted.notes,
            final_note,
            overdue_note(events),
        ),
    )
