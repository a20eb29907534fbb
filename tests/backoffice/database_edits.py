"""Random edits of the demo database, as the office and units make them (test helper)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from hypothesis import strategies as st
from sqlalchemy import orm

from backoffice.models import (
    CoHandling,
    CongressSession,
    Contact,
    Deputy,
    Evaluation,
    Notice,
    Opinion,
    ProgressReport,
    Unit,
    UnitAlias,
)
from backoffice.reassigning import reassign
from importers.vocabulary import (
    AnswerType,
    Category,
    ContactMethod,
    ContactStage,
    Grade,
    NoticeKind,
)
from tests.importers.export_rows import names, texts

Edit = tuple[Any, ...]
days = st.dates(date(2017, 1, 1), date(2017, 12, 31))
maybe_day = st.one_of(st.none(), days)
grades = st.sampled_from([g.value for g in Grade])
DATE_FIELDS = ("assigned_on", "accepted_on", "consulted_on", "replied_on", "concluded_on",
               "second_replied_on")


def edits(max_size: int = 8) -> st.SearchStrategy[list[Edit]]:
    """Return lists of edits; indexes pick opinions, units and deputies modulo their count."""
    index = st.integers(0, 10_000)
    edit = st.one_of(
        st.tuples(st.just("title"), index, texts()),
        st.tuples(st.just("content"), index, st.one_of(st.just(""), texts())),
        st.tuples(st.just("category"), index, st.sampled_from([c.value for c in Category])),
        st.tuples(st.just("lead_unit"), index, index),
        st.tuples(st.just("co_units"), index, st.lists(st.tuples(index, maybe_day,
                                                                 st.one_of(st.none(), grades),
                                                                 st.one_of(st.none(), grades)),
                                                       max_size=3)),
        st.tuples(st.just("cosigners"), index, st.lists(index, max_size=3)),
        st.tuples(st.just("date"), index, st.sampled_from(DATE_FIELDS), maybe_day),
        st.tuples(st.just("answer_type"), index,
                  st.one_of(st.none(), st.sampled_from([t.value for t in AnswerType]))),
        st.tuples(st.just("supervisor"), index, st.one_of(st.none(), names)),
        st.tuples(st.just("signoff"), index, st.one_of(st.none(), names), days),
        st.tuples(st.just("contact"), index, st.sampled_from([s.value for s in ContactStage]),
                  st.sampled_from([m.value for m in ContactMethod]), days),
        st.tuples(st.just("progress"), index, days, texts()),
        st.tuples(st.just("evaluation"), index, days, st.booleans(), grades, st.booleans(),
                  st.booleans()),
        st.tuples(st.just("notice"), days, st.sampled_from([k.value for k in NoticeKind]),
                  index, st.one_of(st.just(""), texts())),
        st.tuples(st.just("alias"), index, names),
        st.tuples(st.just("phone"), index, st.one_of(st.none(), texts().map(lambda t: t[:32]))),
    )
    return st.lists(edit, max_size=max_size)


@dataclass
class Database:
    """The rows edits pick from, loaded once per example."""

    db_session: orm.Session
    session: CongressSession

    def __post_init__(self) -> None:
        self.opinions = self.db_session.scalars(
            sa.select(Opinion).where(Opinion.session_id == self.session.id)
            .order_by(Opinion.id)).all()
        self.units = self.db_session.scalars(sa.select(Unit).order_by(Unit.id)).all()
        self.deputies = self.db_session.scalars(sa.select(Deputy).order_by(Deputy.id)).all()

    def opinion(self, i: int) -> Opinion:
        return self.opinions[i % len(self.opinions)]

    def unit(self, i: int) -> Unit:
        return self.units[i % len(self.units)]

    def apply(self, edit: Edit) -> None:
        getattr(self, "_" + edit[0])(*edit[1:])

    # -- the edits ----------------------------------------------------------------------------
    def _title(self, i: int, text: str) -> None:
        self.opinion(i).title = text

    def _content(self, i: int, text: str) -> None:
        self.opinion(i).content = text

    def _category(self, i: int, value: str) -> None:
        self.opinion(i).category = value

    def _lead_unit(self, i: int, u: int) -> None:
        opinion, unit = self.opinion(i), self.unit(u)
        if unit not in [c.unit for c in opinion.co_handlings] and unit != opinion.lead_unit:
            reassign(opinion, unit, "测试改派")

    def _co_units(self, i: int, parts: list[tuple[int, Any, Any, Any]]) -> None:
        opinion = self.opinion(i)
        # A unit that stays keeps its row (a new one would clash with the old on insert).
        existing = {co.unit_id: co for co in opinion.co_handlings}
        chosen: dict[int, CoHandling] = {}
        for u, submitted, lead_grade, deputy_grade in parts:
            unit = self.unit(u)
            if unit.id == opinion.lead_unit_id or unit.id in chosen:
                continue
            co = existing.get(unit.id) or CoHandling(unit=unit)
            co.submitted_on, co.lead_grade, co.deputy_grade = submitted, lead_grade, deputy_grade
            chosen[unit.id] = co
        opinion.co_handlings = list(chosen.values())
        self.db_session.flush()

    def _cosigners(self, i: int, picks: list[int]) -> None:
        chosen = {self.deputies[p % len(self.deputies)].id: self.deputies[p % len(self.deputies)]
                  for p in picks}
        self.opinion(i).cosigners = list(chosen.values())

    def _date(self, i: int, name: str, day: date | None) -> None:
        if name == "assigned_on" and day is None:
            return
        setattr(self.opinion(i), name, day)

    def _answer_type(self, i: int, value: str | None) -> None:
        self.opinion(i).answer_type = value

    def _supervisor(self, i: int, name: str | None) -> None:
        self.opinion(i).supervisor = name

    def _signoff(self, i: int, name: str | None, day: date) -> None:
        opinion = self.opinion(i)
        opinion.signed_off_by, opinion.signed_off_on = name, day if name else None

    def _contact(self, i: int, stage: str, method: str, day: date) -> None:
        opinion = self.opinion(i)
        if all((c.stage, c.contacted_on) != (stage, day) for c in opinion.contacts):
            opinion.contacts.append(Contact(stage=stage, method=method, contacted_on=day))

    def _progress(self, i: int, day: date, text: str) -> None:
        opinion = self.opinion(i)
        if all(p.reported_on != day for p in opinion.progress_reports):
            opinion.progress_reports.append(ProgressReport(reported_on=day, text=text))

    def _evaluation(self, i: int, day: date, agrees: bool, grade: str, praised: bool,
                    consent: bool) -> None:
        opinion = self.opinion(i)
        if all(e.evaluated_on != day for e in opinion.evaluations):
            opinion.evaluations.append(Evaluation(
                evaluated_on=day, agrees=agrees, grade=grade if agrees else None,
                praised=praised, consents_to_publish=consent))

    def _notice(self, day: date, kind: str, u: int, reason: str) -> None:
        unit = self.unit(u)
        taken = self.db_session.scalar(sa.select(Notice.id).where(
            Notice.issued_on == day, Notice.unit_id == unit.id, Notice.kind == kind))
        if taken is None:
            self.db_session.add(Notice(issued_on=day, kind=kind, unit=unit, reason=reason))

    def _alias(self, u: int, name: str) -> None:
        alias = f"别称{name}"
        taken = self.db_session.scalar(sa.select(UnitAlias.id).where(UnitAlias.alias == alias))
        if taken is None and alias not in {unit.name for unit in self.units}:
            self.unit(u).aliases.append(UnitAlias(alias=alias))

    def _phone(self, d: int, phone: str | None) -> None:
        self.deputies[d % len(self.deputies)].phone = phone
