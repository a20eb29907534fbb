"""Apply a plan exactly as planned: each writing row becomes table rows, kind by kind.

Nothing is read from the sheets again and nothing is decided here: the plan says
what changes, the state's ids say which rows, and the `Writer` writes them in bulk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import orm

from backoffice.imports import bindings
from backoffice.models import (
    CoHandling,
    CongressSession,
    Contact,
    Deputy,
    Evaluation,
    LiaisonTerm,
    Notice,
    Opinion,
    ProgressReport,
    Reassignment,
    Unit,
    UnitAlias,
    opinion_cosigners,
)
from backoffice.writing.bulk import Described, Writer, chunks
from importers.planning import Change, Outcome, Plan, RowPlan, State
from importers.vocabulary import ContactMethod

_T = {model.__tablename__: model.__table__ for model in (
    Unit, UnitAlias, Deputy, LiaisonTerm, Opinion, CoHandling, Contact, ProgressReport,
    Evaluation, Notice, Reassignment, CongressSession)}
_COSIGNERS = opinion_cosigners

_CHUNK = 5000  # rows applied between two progress reports


def number_text(number: int) -> str:
    return f"{number:04d}"


def _new(row: RowPlan | dict[str, Change], field: str, default: Any = None) -> Any:
    """Return the value a row gives a field (pass `row.changed` when asking often)."""
    change = (row if isinstance(row, dict) else row.changed).get(field)
    return default if change is None or change.new is None else change.new


# Text columns that hold "" rather than NULL when a sheet leaves the cell blank.
_BLANK_AS_EMPTY = frozenset({"content", "reason", "title", "text"})


def _columns(row: RowPlan, mapping: dict[str, str]) -> dict[str, Any]:
    return {mapping[c.field]: "" if c.new is None and mapping[c.field] in _BLANK_AS_EMPTY
            else c.new for c in row.changes if c.field in mapping}


class Applier:
    """Turn a plan's writing rows into table writes, in dependency order."""

    def __init__(self, db_session: orm.Session, plan: Plan, state: State,
                 session: CongressSession | None, writer: Writer, actor: str,
                 progress: Callable[[int], None] | None = None) -> None:
        self.db_session = db_session
        self.progress = progress
        self.plan = plan
        self.session = session
        self.writer = writer
        self.actor = actor
        # key -> id for every table, extended as rows are created
        self.ids: dict[str, dict[Any, Any]] = {name: {} for name in _T}
        self.ids.update((name, dict(ids)) for name, ids in state.ids.items())
        self.cosigners: dict[int, set[int]] = {n: set(d) for n, d in
                                               state.ids.get("cosigners", {}).items()}

    def apply(self) -> None:
        by_kind: dict[str, list[RowPlan]] = {}
        for row in self.plan.writing_rows():
            by_kind.setdefault(row.kind, []).append(row)
        if self.plan.creates_session:
            self._session()
        for kind, apply in self._appliers().items():
            for rows in chunks(by_kind.get(kind, []), _CHUNK):
                apply(list(rows))
                if self.progress:
                    self.progress(len(rows))
        self.writer.finish()

    def _appliers(self) -> dict[str, Callable[[list[RowPlan]], None]]:
        return {
            "units": self._units, "deputies": self._deputies, "liaisons": self._liaisons,
            "opinions": self._opinions, "handling": self._opinion_parts,
            "signoffs": self._opinion_parts, "contacts": self._contacts,
            "progress": self._progress, "evaluations": self._evaluations,
            "co-evaluations": self._co_evaluations, "notices": self._notices,
        }

    # -- the session -------------------------------------------------------------------------
    def _session(self) -> None:
        assert self.session is not None
        values = {column.name: getattr(self.session, column.name)
                  for column in _T["congress_sessions"].columns if column.name != "id"}
        [session_id] = self.writer.insert(_T["congress_sessions"], [values],
                                          [Described(self.session.name)])
        self.session.id = session_id

    # -- directory ---------------------------------------------------------------------------
    def _units(self, rows: list[RowPlan]) -> None:
        created = [row for row in rows if row.outcome is Outcome.CREATE]
        names = [_new(row, "name") for row in created]
        ids = self.writer.insert(
            _T["units"], [{"name": name, "kind": _new(row, "kind"), "active": True}
                          for name, row in zip(names, created, strict=True)],
            [Described(name) for name in names])
        self.ids["units"].update(zip(names, ids, strict=True))
        aliases: list[tuple[str, str]] = [(name, alias) for name, row in
                                          zip(names, created, strict=True)
                                          for alias in _new(row, "aliases", [])]
        updated = [row for row in rows if row.outcome is Outcome.UPDATE]
        kinds = [(self.ids["units"][row.refs["unit"]], {"kind": row.changed["kind"].new})
                 for row in updated if "kind" in row.changed]
        self.writer.update(_T["units"], kinds, [Described(row.refs["unit"]) for row in updated
                                                if "kind" in row.changed])
        dropped = []
        for row in updated:
            change = row.changed.get("aliases")
            if change is not None:
                old, new = set(change.old or ()), set(change.new or ())
                dropped += [alias for alias in change.old or () if alias not in new]
                aliases += [(row.refs["unit"], alias) for alias in change.new if alias not in old]
        self.writer.delete(_T["unit_aliases"],
                           [{"id": self.ids["unit_aliases"].pop(alias)} for alias in dropped],
                           [Described(alias) for alias in dropped])
        alias_ids = self.writer.insert(
            _T["unit_aliases"], [{"unit_id": self.ids["units"][name], "alias": alias}
                                 for name, alias in aliases],
            [Described(alias) for _name, alias in aliases])
        self.ids["unit_aliases"].update(
            (alias, alias_id) for (_n, alias), alias_id in zip(aliases, alias_ids, strict=True))

    def _deputies(self, rows: list[RowPlan]) -> None:
        ids = self.ids.setdefault("deputies", {})
        created = [row for row in rows if row.outcome is Outcome.CREATE]
        keys = [row.refs["deputy"] for row in created]
        new_ids = self.writer.insert(
            _T["deputies"], [{"name": name, "delegation": delegation,
                              "phone": _new(row, "phone")}
                             for (name, delegation), row in zip(keys, created, strict=True)],
            [Described(name) for name, _delegation in keys])
        ids.update(zip(keys, new_ids, strict=True))
        updated = [row for row in rows if row.outcome is Outcome.UPDATE]
        self.writer.update(_T["deputies"],
                           [(ids[row.refs["deputy"]], {"phone": _new(row, "phone")})
                            for row in updated],
                           [Described(row.refs["deputy"][0]) for row in updated])

    def _liaisons(self, rows: list[RowPlan]) -> None:
        ids = self.ids.setdefault("liaison_terms", {})
        created = [row for row in rows if row.outcome is Outcome.CREATE]
        values = [{"unit_id": self.ids["units"][row.key[0]], "started_on": row.key[1],
                   "person": _new(row, "name"), "phone": _new(row, "phone"), "email": None,
                   "ended_on": _new(row, "end")} for row in created]
        new_ids = self.writer.insert(_T["liaison_terms"], values,
                                     [_term(value) for value in values])
        ids.update(zip((row.key for row in created), new_ids, strict=True))
        updated = [row for row in rows if row.outcome is Outcome.UPDATE]
        self.writer.update(_T["liaison_terms"],
                           [(ids[row.key], _columns(row, bindings.columns("liaisons")))
                            for row in updated],
                           [Described(f"{row.key[0]} {row.key[1]}起") for row in updated])

    def _notices(self, rows: list[RowPlan]) -> None:
        ids = self.ids.setdefault("notices", {})
        created = [row for row in rows if row.outcome is Outcome.CREATE]
        keys = [_notice_key(row) for row in created]
        new_ids = self.writer.insert(
            _T["notices"], [{"issued_on": on, "kind": kind, "unit_id": self.ids["units"][unit],
                             "reason": _new(row, "reason", "")}
                            for (on, unit, kind), row in zip(keys, created, strict=True)],
            [Described(f"{on} {kind} {unit}") for on, unit, kind in keys])
        ids.update(zip(keys, new_ids, strict=True))
        updated = [row for row in rows if row.outcome is Outcome.UPDATE]
        self.writer.update(_T["notices"],
                           [(ids[_notice_key(row)], {"reason": _new(row, "reason", "")})
                            for row in updated],
                           [Described(" ".join(map(str, _notice_key(row)))) for row in updated])

    # -- opinions ----------------------------------------------------------------------------
    def _opinion_id(self, number: int) -> int:
        return self.ids["opinions"][number]

    def _about(self, number: int, what: str = "") -> Described:
        return Described(f"第{number_text(number)}号{what}", self.ids["opinions"].get(number))

    def _opinions(self, rows: list[RowPlan]) -> None:
        self._create_opinions([row for row in rows if row.outcome is Outcome.CREATE])
        self._update_opinions([row for row in rows if row.outcome is Outcome.UPDATE])

    def _create_opinions(self, rows: list[RowPlan]) -> None:
        if not rows:
            return
        assert self.session is not None
        values, co_units, cosigners = [], [], []
        deputies, units = self.ids["deputies"], self.ids["units"]
        for row in rows:
            new = row.values
            co_units.append(new.get("co_units") or [])
            cosigners.append(list(dict.fromkeys(row.refs.get("cosigners") or ())))
            values.append({
                "session_id": self.session.id, "number": number_text(row.key[0]),
                "title": new.get("title") or "", "content": new.get("content") or "",
                "category": new["category"],
                "lead_deputy_id": deputies[row.refs["lead_deputy"]],
                "lead_unit_id": units[new["lead_unit"]],
                "assigned_on": new["assigned_on"], "supervisor": new.get("supervisor"),
            })
        described = [Described(f"第{v['number']}号 {v['title']}") for v in values]
        # The new opinion's entry in the audit log names its co-handlers and co-signers.
        also = [{"co_handlings": [None, units], "cosigners": [None, [k[0] for k in keys]]}
                for units, keys in zip(co_units, cosigners, strict=True)]
        ids = self.writer.insert(_T["opinions"], values, described, also=also)
        numbers = [row.key[0] for row in rows]
        self.ids["opinions"].update(zip(numbers, ids, strict=True))
        self._insert_co_handlings([(number, unit) for number, units in
                                   zip(numbers, co_units, strict=True) for unit in units],
                                  audit=False)
        self._link_cosigners([(number, key) for number, keys in
                              zip(numbers, cosigners, strict=True) for key in keys])

    def _insert_co_handlings(self, pairs: Sequence[tuple[int, str]], audit: bool = True) -> None:
        ids = self.ids.setdefault("co_handlings", {})
        described = [self._about(n, f" 会办 {unit}") for n, unit in pairs] if audit else None
        new_ids = self.writer.insert(
            _T["co_handlings"], [{"opinion_id": self._opinion_id(number),
                                  "unit_id": self.ids["units"][unit]} for number, unit in pairs],
            described, audit=audit)
        ids.update(zip(pairs, new_ids, strict=True))

    def _link_cosigners(self, links: Sequence[tuple[int, tuple[str, str]]]) -> None:
        # Logged with the opinion (its `cosigners` change), as the ORM's audit does.
        rows = [{"opinion_id": self._opinion_id(n), "deputy_id": self.ids["deputies"][key]}
                for n, key in links]
        self.writer.insert(_COSIGNERS, rows, None, audit=False)

    def _update_opinions(self, rows: list[RowPlan]) -> None:
        if not rows:
            return
        updates, described, also = [], [], {}
        co_added, co_dropped, links_added, links_dropped = [], [], [], []
        for row in rows:
            number = row.key[0]
            opinion_id = self._opinion_id(number)
            values = _columns(row, bindings.opinion_columns())
            changed = row.changed
            if "lead_deputy" in changed or "delegation" in changed:
                values["lead_deputy_id"] = self.ids["deputies"][row.refs["lead_deputy"]]
            if "lead_unit" in changed:
                values["lead_unit_id"] = self.ids["units"][changed["lead_unit"].new]
            if "co_units" in changed:
                old, new = changed["co_units"].old or [], changed["co_units"].new or []
                co_added += [(number, unit) for unit in new if unit not in old]
                co_dropped += [(number, unit) for unit in old if unit not in new]
            if "cosigners" in changed:
                wanted = {self.ids["deputies"][key] for key in row.refs.get("cosigners") or ()}
                having = self.cosigners.get(number, set())
                links_added += [(number, d) for d in wanted - having]
                links_dropped += [(number, d) for d in having - wanted]
                also[opinion_id] = {"cosigners": [changed["cosigners"].old,
                                                  changed["cosigners"].new]}
            updates.append((opinion_id, values))
            described.append(self._about(number))
        self.writer.update(_T["opinions"], updates, described, also=also)
        self.writer.delete(_T["co_handlings"],
                           [{"id": self.ids["co_handlings"].pop(pair)} for pair in co_dropped],
                           [self._about(n, f" 会办 {unit}") for n, unit in co_dropped])
        self._insert_co_handlings(co_added)
        self.writer.delete(_COSIGNERS, [{"opinion_id": self._opinion_id(n), "deputy_id": d}
                                        for n, d in links_dropped],
                           None, audit=False)
        self.writer.insert(_COSIGNERS, [{"opinion_id": self._opinion_id(n), "deputy_id": d}
                                        for n, d in links_added],
                           None, audit=False)

    def _opinion_parts(self, rows: list[RowPlan]) -> None:
        """Handling reports and sign-offs: columns of the opinion."""
        stored = bindings.opinion_columns()
        self.writer.update(_T["opinions"],
                           [(self._opinion_id(row.key[0]), _columns(row, stored))
                            for row in rows],
                           [self._about(row.key[0]) for row in rows])

    # -- around the opinion ------------------------------------------------------------------
    def _children(self, rows: list[RowPlan], table: str, key: Callable[[RowPlan], Any],
                  create: Callable[[RowPlan], dict[str, Any]], columns: dict[str, str],
                  what: Callable[[RowPlan], str]) -> None:
        ids = self.ids.setdefault(table, {})
        created = [row for row in rows if row.outcome is Outcome.CREATE]
        new_ids = self.writer.insert(
            _T[table], [{"opinion_id": self._opinion_id(row.key[0]), **create(row)}
                        for row in created],
            [self._about(row.key[0], what(row)) for row in created])
        ids.update(zip((key(row) for row in created), new_ids, strict=True))
        updated = [row for row in rows if row.outcome is Outcome.UPDATE
                   and any(c.field in columns for c in row.changes)]
        self.writer.update(_T[table], [(ids[key(row)], _columns(row, columns)) for row in updated],
                           [self._about(row.key[0], what(row)) for row in updated])

    def _contacts(self, rows: list[RowPlan]) -> None:
        def key(row: RowPlan) -> tuple[int, str, date]:
            return (row.key[0], str(row.record["stage"]), row.record["on"])

        self._children(
            rows, "contacts", key,
            lambda row: {"stage": key(row)[1], "contacted_on": key(row)[2], "note": "",
                         "method": _new(row, "method", ContactMethod.OTHER.value)},
            bindings.columns("contacts"), lambda row: f" 沟通 {key(row)[1]} {key(row)[2]}")

    def _progress(self, rows: list[RowPlan]) -> None:
        self._children(
            rows, "progress_reports", lambda row: (row.key[0], row.record["on"]),
            lambda row: {"reported_on": row.record["on"], "text": _new(row, "text", "")},
            bindings.columns("progress"), lambda row: f" 进展 {row.record['on']}")

    def _evaluations(self, rows: list[RowPlan]) -> None:
        self._children(
            rows, "evaluations", lambda row: row.key,
            lambda row: {"evaluated_on": row.key[1], "agrees": _new(row, "agree", False),
                         "grade": _new(row, "grade"), "praised": _new(row, "praised", False),
                         "consents_to_publish": _new(row, "consent_publish", False),
                         "note": ""},
            bindings.columns("evaluations"), lambda row: f" 评价 {row.key[1]}")
        grades = [(row.key[0], unit, grade) for row in rows if "co_grades" in row.changed
                  for unit, grade in _deputy_grades(row).items()]
        self.writer.update(
            _T["co_handlings"],
            [(self.ids["co_handlings"][number, unit], {"deputy_grade": grade})
             for number, unit, grade in grades],
            [self._about(number, f" 会办 {unit}") for number, unit, _grade in grades])

    def _co_evaluations(self, rows: list[RowPlan]) -> None:
        updated = [row for row in rows if row.outcome is Outcome.UPDATE]
        self.writer.update(
            _T["co_handlings"],
            [(self.ids["co_handlings"][row.key], _columns(row, bindings.columns("co-evaluations")))
             for row in updated],
            [self._about(row.key[0], f" 会办 {row.key[1]}") for row in updated])


def _deputy_grades(row: RowPlan) -> dict[str, str | None]:
    """Return the deputy grade each co-handler named before or now gets (None: cleared)."""
    change = row.changed["co_grades"]
    old, new = change.old or {}, change.new or {}
    return {unit: new.get(unit) for unit in {**old, **new}}


def _notice_key(row: RowPlan) -> tuple[date, str, str]:
    on, unit, kind = row.key
    return (on, unit, str(kind))


def _term(values: dict[str, Any]) -> Described:
    return Described(f"{values['person']}（{values['started_on']}起）")
