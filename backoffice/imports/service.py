"""Import sheets: read, plan and check (a dry run), then apply the plan in one transaction.

    result = run_import(["samples/2017"], "auto", session="区六届人大一次会议", year=2017,
                        dry_run=False, actor="admin")
    result.status, result.counts, result.errors, result.to_json()

`prepare_import` does everything but writing and returns the plan to show;
`apply_prepared` applies exactly that plan (the files are not read again), all or
nothing unless `skip_invalid`, and records the run so that it can be undone. Rows of
our own exports that would undo a newer edit (`conflicts`) are held back unless their
row is named in `overwrite`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice.audit import acting_as
from backoffice.imports import checking, conflicts, mappings
from backoffice.imports.applying import Applier
from backoffice.imports.conflicts import Conflict
from backoffice.imports.limits import import_limits
from backoffice.imports.mappings import Memory, Remember, SheetColumns
from backoffice.imports.originals import FileFacts, describe, folder, keep
from backoffice.imports.state import SESSION_KINDS, load_state, load_units
from backoffice.models import CongressSession, Deputy, ImportFile, ImportRun, ImportStatus
from backoffice.models.base import utcnow
from backoffice.models.security import Outcome as LogOutcome
from backoffice.models.security import SecurityEventKind
from backoffice.security import log
from backoffice.writing.bulk import Writer
from backoffice.writing.exclusive import keep_writers_out
from importers import AUTO, SCHEMAS, Problem, UsageError, column_letter, parse_mapping, read_paths
from importers.limits import Limits
from importers.planning import Outcome, Plan, RowId, State, plan_import

Status = Literal["applied", "unchanged", "refused", "dry_run"]
Progress = Callable[[int], None]

# Problems that name a column no field takes: the upload screen offers a mapping for them.
UNKNOWN_COLUMN = "未识别的列"
_CHECK_ROUNDS = 5


class StalePlan(Exception):
    """The data changed since the plan was made; the message says so, in Chinese."""


@dataclass
class PreparedImport:
    """A plan ready to show and to apply, with what it was made from."""

    kind: str
    files: list[FileFacts]
    kinds: dict[str, str | None]  # path -> kind read
    rows: dict[str, int]  # path -> rows read
    plan: Plan
    session_name: str | None
    year: int | None
    mapping: dict[str, str | None] = field(default_factory=dict)  # the import's own
    skip_invalid: bool = False
    # How each sheet was read (a plain default: plans pickled before it existed still load).
    sheets: tuple[SheetColumns, ...] = ()
    # What applying remembers of the mapping (by each sheet's header signature), if anything.
    remember: Remember | None = None
    # Fields of stamped rows the database changed since the export and the file changes.
    conflicts: tuple[Conflict, ...] = ()
    # The background job applying it, recorded with the run: a job that ends before it can
    # say so still finds that its import went in (backoffice.jobs.imports.committed).
    job_id: int | None = None

    def conflict_rows(self) -> list[RowId]:
        """Return the rows with a conflict, in plan order, each once."""
        return list(dict.fromkeys(conflict.row for conflict in self.conflicts))

    def held_rows(self, overwrite: Iterable[Sequence[Any]] = ()) -> frozenset[RowId]:
        """Return the rows with a conflict that applying holds back: those not overwritten."""
        chosen = {tuple(row) for row in overwrite}
        return frozenset(row for row in self.conflict_rows() if row not in chosen)

    @property
    def unknown_columns(self) -> list[Problem]:
        """Return the warnings about columns no field takes, one per header text."""
        seen, found = set(), []
        for problem in self.plan.problems:
            if problem.message.startswith(UNKNOWN_COLUMN) and problem.value not in seen:
                seen.add(problem.value)
                found.append(problem)
        return found

    def column_table(self) -> list[dict[str, Any]]:
        """Return each column of each sheet read: its letter, header as written, the field
        it feeds (with that field's header), how it was matched and how sure."""
        table = []
        for sheet in self.sheets:
            kind, path = sheet.kind, sheet.file
            for match in sheet.columns:
                field_header = (SCHEMAS[kind].by_name[match.field].header
                                if kind and match.field else None)
                table.append({
                    "file": self.name_of(path), "sheet": match.sheet,
                    "column": column_letter(match.column), "header": match.header,
                    "field": match.field, "field_header": field_header, "how": match.how.value,
                    "how_label": match.how_label, "confidence": round(match.confidence, 2)})
        return table

    def name_of(self, path: str | Path) -> str:
        for facts in self.files:
            if str(facts.path) == str(path):
                return facts.name
        return Path(path).name


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    status: Status
    prepared: PreparedImport
    run_id: int | None = None
    held: frozenset[RowId] = frozenset()  # rows with a conflict, not applied

    @property
    def plan(self) -> Plan:
        return self.prepared.plan

    @property
    def counts(self) -> dict[str, int]:
        planned = self.plan.counts()
        held = len(self.held)  # rows that would update, held back
        writes = planned[Outcome.CREATE] + planned[Outcome.UPDATE] - held
        if self.status == "refused":
            return {"created": 0, "updated": 0, "unchanged": planned[Outcome.UNCHANGED],
                    "skipped": writes + planned[Outcome.ERROR], "conflicted": held}
        return {"created": planned[Outcome.CREATE], "updated": planned[Outcome.UPDATE] - held,
                "unchanged": planned[Outcome.UNCHANGED], "skipped": planned[Outcome.ERROR],
                "conflicted": held}

    @property
    def errors(self) -> list[Problem]:
        return self.plan.errors

    @property
    def warnings(self) -> list[Problem]:
        return self.plan.warnings

    @property
    def applied(self) -> bool:
        return self.status == "applied"

    def to_json(self) -> dict[str, Any]:
        """Return the CLI's JSON: the counts, every error and conflict with its place, and
        the columns each sheet was read by."""
        names = self.prepared.name_of
        return {
            **self.counts,
            "errors": [{**_problem_json(p), "file": names(p.file)} for p in self.errors],
            "conflicts": [c.to_json(names(c.row[0]), c.row not in self.held)
                          for c in self.prepared.conflicts],
            "columns": self.prepared.column_table(),
        }


def _problem_json(problem: Problem) -> dict[str, Any]:
    data = problem.to_dict()
    return {key: data[key] for key in ("file", "sheet", "cell", "field", "value", "message")}


@contextmanager
def without_collector_pauses() -> Iterator[None]:
    """Hold off the cyclic garbage collector while sheets are read, planned and applied.

    An import allocates hundreds of thousands of long-lived objects that form no cycles;
    the collector would rescan them all again and again as they pile up (a third of the
    time at 10,000 rows). It runs as usual once the import is done.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def prepare_import(db_session: orm.Session, paths: Sequence[str | Path], kind: str = AUTO, *,
                   session: str | None = None, year: int | None = None,
                   mapping: Mapping[str, str | None] | Iterable[str] | None = None,
                   skip_invalid: bool = False,
                   names: Mapping[str, str] | None = None,
                   remembered: bool = True, applying: bool = False) -> PreparedImport:
    """Read the files and plan them against the database, changing nothing.

    `names` gives a path's name as the user knows it (an upload's file name);
    a sheet whose headers have a remembered mapping is read with it unless `remembered`
    is False (`mapping` wins over it either way). `applying`: the caller applies the plan
    right away (`apply_prepared`, no preview between), so writers are held out from the
    first read to the commit and nothing can change under the plan; a plan shown first
    is checked again when applied instead (`check_stale`).
    Raises UsageError for a wrong call: unknown kind, bad mapping, no session.
    """
    if kind != AUTO and kind not in SCHEMAS:
        raise UsageError(f"未知的表格类型“{kind}”，应为 auto 或 {'、'.join(SCHEMAS)}")
    if applying:
        keep_writers_out(db_session)
    try:
        limits = import_limits()
        parts: dict[str, str] = {}
        if kind == AUTO:
            paths, names, parts = _split_worklists(paths, names, limits)
        with without_collector_pauses():
            return _prepare(db_session, paths, kind, session=session, year=year,
                            mapping=_mapping(mapping), skip_invalid=skip_invalid, names=names,
                            limits=limits, memory=Memory(db_session) if remembered else None,
                            parts=parts)
    except BaseException:
        if applying:
            db_session.rollback()  # a file or a call refused: let the writers in again
        raise


def _split_worklists(paths: Sequence[str | Path], names: Mapping[str, str] | None,
                     limits: Limits) -> tuple[list[Path], dict[str, str], dict[str, str]]:
    """Split each returned worklist into a file per sheet, so `auto` reads each as its kind.

    The parts are kept under the import folder by the worklist's SHA-256; a problem found
    in a part names the same sheet and cell as in the unit's own file. Returns the paths,
    their names as shown, and each part's worklist (which holds the parts' stamps).
    """
    # Here, not at the top: the exporters import xlsxwriter, which no other import needs.
    from importers.exporting import is_worklist, split_workbook

    expanded: list[Path] = []
    shown = dict(names or {})
    sources: dict[str, str] = {}
    for path in map(Path, paths):
        if not (path.is_file() and is_worklist(path, limits)):
            expanded.append(path)
            continue
        parts = split_workbook(path, folder() / "worklists" / describe(path).sha256, limits)
        for part in parts:
            sheet = part.stem.removeprefix(f"{path.stem}-")
            shown[str(part)] = f"{shown.get(str(path), path.name)}（{sheet}）"
            sources[str(part)] = str(path)
        expanded += parts
    return expanded, shown, sources


def _prepare(db_session: orm.Session, paths: Sequence[str | Path], kind: str, *,
             session: str | None, year: int | None, mapping: dict[str, str | None],
             skip_invalid: bool, names: Mapping[str, str] | None,
             limits: Limits, memory: Memory | None, parts: Mapping[str, str]) -> PreparedImport:
    column_mapping = mapping
    congress_session, creates = _session(db_session, session, year)
    year = year or (congress_session.year if congress_session else None)
    name = congress_session.name if congress_session else None
    state = State(session=name, year=year)
    load_units(db_session, state)
    # The roster's names let a column of deputies be known by its values.
    roster = db_session.scalars(sa.select(Deputy.name).distinct())
    result = read_paths(paths, kind, session=name, year=year, units=state.unit_lookup(),
                        mapping=mappings.reading_mapping(column_mapping), remembered=memory,
                        limits=limits, deputies=roster)
    kinds = {file.kind for file in result.files if file.kind}
    if SESSION_KINDS & kinds and congress_session is None:
        raise UsageError("请指定届次会议：命令行用 --session 名称（新届次另加 --year 年度）")
    creates = creates and bool(SESSION_KINDS & kinds)
    load_state(db_session, kinds, None if creates else congress_session, state)
    records = [record for file in result.files for record in file.records]
    plan = _checked_plan(records, state, result.problems, creates)
    # Found on the plan as shown; file-level problems, so that re-planning before applying
    # (the staleness check) sees the same rows.
    sources = conflicts.sources_of((file.path for file in result.files), parts)
    stamps = conflicts.stamps_of(sources, limits)
    plan.problems.extend(p for reading in {id(r): r for r in stamps.values()}.values()
                         for p in reading.problems)
    plan.problems.extend(conflicts.late_edits(db_session, plan, state, stamps, sources))
    files = [describe(Path(file.path), (names or {}).get(str(file.path))) for file in result.files]
    return PreparedImport(
        kind=kind, files=files, kinds={str(f.path): f.kind for f in result.files},
        rows={str(f.path): len(f.records) for f in result.files}, plan=plan,
        session_name=name, year=year, mapping=column_mapping, skip_invalid=skip_invalid,
        sheets=tuple(mappings.sheets_read(result, memory, column_mapping)),
        conflicts=tuple(conflicts.find_conflicts(plan, stamps)),
    )


def _mapping(mapping: Mapping[str, str | None] | Iterable[str] | None) -> dict[str, str | None]:
    if mapping is None:
        return {}
    if isinstance(mapping, Mapping):
        return dict(mapping)
    return parse_mapping(mapping)


def _session(db_session: orm.Session, name: str | None,
             year: int | None) -> tuple[CongressSession | None, bool]:
    """Return the session named (a new one if it does not exist yet), else the latest
    (of the year, if given)."""
    if name:
        name = name.strip()
        limit = CongressSession.__table__.c.name.type.length
        if len(name) > limit:
            raise UsageError(f"届次会议名称过长（{len(name)}字），最多{limit}字")
        found = db_session.scalar(sa.select(CongressSession).where(CongressSession.name == name))
        if found is not None:
            if year is not None and year != found.year:
                raise UsageError(f"届次会议“{name}”的年度是{found.year}，不是{year}")
            return found, False
        if year is None:
            raise UsageError(f"届次会议“{name}”尚不存在；新建届次会议须同时指定年度")
        return CongressSession(name=name, year=year), True
    latest = sa.select(CongressSession).order_by(CongressSession.year.desc(),
                                                 CongressSession.id.desc())
    if year is not None:
        latest = latest.where(CongressSession.year == year)
        found = db_session.scalars(latest.limit(1)).first()
        if found is None:
            raise UsageError(f"没有{year}年的届次会议；新建届次会议请同时指定名称和年度")
        return found, False
    return db_session.scalars(latest.limit(1)).first(), False


def _checked_plan(records: list, state: State, problems: list[Problem], creates: bool) -> Plan:
    """Plan, then add the back-office's checks; an error found re-plans so dependants see it."""
    extra: dict[RowId, list[Problem]] = {}
    for _round in range(_CHECK_ROUNDS):
        plan = plan_import(records, state, problems=problems, extra=extra,
                           creates_session=creates)
        found = checking.plan_problems(plan, state)
        if not checking.merge(extra, found):
            break
    if extra:
        for row in plan.rows:
            found = extra.get(row.row_id)
            if found:
                known = {(p.cell, p.message) for p in row.problems}
                row.problems.extend(p for p in found if (p.cell, p.message) not in known)
    return plan


def apply_prepared(db_session: orm.Session, prepared: PreparedImport, *, actor: str,
                   source: str = "cli", check_stale: bool = False,
                   progress: Progress | None = None,
                   overwrite: Collection[Sequence[Any]] = ()) -> ImportResult:
    """Apply the prepared plan in one transaction and record the run; commit or roll back.

    Rows with a conflict are applied only when named in `overwrite` (their row ids, as
    `PreparedImport.conflict_rows` gives them); the others are held back.
    """
    plan = prepared.plan
    held = prepared.held_rows(overwrite)
    if (not plan.ok and not prepared.skip_invalid) or (not plan.has_changes and plan.errors):
        _log_refusal(db_session, prepared, actor, f"表格有 {len(plan.errors)} 处错误")
        return ImportResult("refused", prepared, held=held)
    if not any(row.writes and row.row_id not in held for row in plan.rows):
        return ImportResult("unchanged", prepared, held=held)
    try:
        keep_writers_out(db_session)
        congress_session, state = _current_state(db_session, prepared)
        if check_stale:
            _refuse_stale(prepared, state)
        applying = _holding_back(prepared, held, state) if held else plan
        for facts in prepared.files:
            keep(db_session, facts)
        with acting_as(actor, "import"), without_collector_pauses():
            run_id = _record_run(db_session, prepared, actor, source, held)
            writer = Writer(db_session, run_id)
            Applier(db_session, applying, state, congress_session, writer, actor,
                    progress).apply()
            if prepared.remember:
                mappings.remember(db_session, prepared.sheets, prepared.mapping,
                                  prepared.remember, actor)
            mappings.note_used(db_session, prepared.sheets)
        counts = ImportResult("applied", prepared, held=held).counts
        held_text = f"，{len(held)} 行有冲突未导入" if held else ""
        log.record(db_session, SecurityEventKind.IMPORT, username=actor, object=f"导入 #{run_id}",
                   detail=f"{'、'.join(f.name for f in prepared.files)}：新增 "
                          f"{counts['created']} 行，修改 {counts['updated']} 行{held_text}")
        db_session.commit()
    except StalePlan as stale:
        db_session.rollback()
        _log_refusal(db_session, prepared, actor, str(stale))
        raise
    except BaseException:
        db_session.rollback()
        raise
    db_session.expire_all()
    return ImportResult("applied", prepared, run_id, held)


def _log_refusal(db_session: orm.Session, prepared: PreparedImport, actor: str,
                 reason: str) -> None:
    log.record(db_session, SecurityEventKind.IMPORT, LogOutcome.REFUSED, username=actor,
               object="、".join(f.name for f in prepared.files), detail=reason)
    db_session.commit()


def _current_state(db_session: orm.Session,
                   prepared: PreparedImport) -> tuple[CongressSession | None, State]:
    plan = prepared.plan
    congress_session = None
    if prepared.session_name:
        congress_session = db_session.scalar(
            sa.select(CongressSession).where(CongressSession.name == prepared.session_name))
    if plan.creates_session:
        if congress_session is not None:
            raise StalePlan(f"届次会议“{prepared.session_name}”已在预览之后创建，请重新预览")
        congress_session = CongressSession(name=prepared.session_name, year=prepared.year)
    state = State(session=prepared.session_name, year=prepared.year)
    load_units(db_session, state)
    kinds = {row.kind for row in plan.rows}
    load_state(db_session, kinds, None if plan.creates_session else congress_session, state)
    return congress_session, state


def _refuse_stale(prepared: PreparedImport, state: State) -> None:
    """Refuse a plan the data has moved away from since it was shown."""
    plan = prepared.plan
    records = [row.record for row in plan.rows]
    again = _checked_plan(records, state, plan.problems, plan.creates_session)
    if again.fingerprint() != plan.fingerprint():
        raise StalePlan("预览之后数据已有变动（有人修改或导入了相关数据），请重新预览后再导入")


def _holding_back(prepared: PreparedImport, held: frozenset[RowId], state: State) -> Plan:
    """Return the plan of every row but those held back, planned again against the state.

    Planned again rather than filtered: a later row may have counted on a held one.
    """
    plan = prepared.plan
    records = [row.record for row in plan.rows if row.row_id not in held]
    kept = _checked_plan(records, state, plan.problems, plan.creates_session)
    if not kept.ok and not prepared.skip_invalid:
        raise StalePlan("不覆盖有冲突的行时，其余的行中有依赖这些行的，无法单独导入；"
                        "请选择覆盖这些行，或修改表格后重新导入")
    return kept


def _record_run(db_session: orm.Session, prepared: PreparedImport, actor: str,
                source: str, held: frozenset[RowId] = frozenset()) -> int:
    """Record the run and its files; return the run's id.

    Written with Core statements: the run is the import's own bookkeeping, not data to
    audit (its problems alone may be thousands of lines).
    """
    plan = prepared.plan
    connection = db_session.connection()
    run = {
        "at": utcnow(), "actor": actor, "source": source, "kind": prepared.kind,
        "session_name": prepared.session_name, "status": ImportStatus.APPLIED.value,
        "options": {"skip_invalid": prepared.skip_invalid, "mapping": prepared.mapping,
                    "year": prepared.year,
                    **({"job": prepared.job_id} if prepared.job_id is not None else {})},
        "problems": [_problem_json(p) | {"level": p.level, "file": prepared.name_of(p.file)}
                     for p in (*plan.all_problems, *(c.problem(c.row not in held)
                                                     for c in prepared.conflicts))],
        "columns": [sheet.to_json(prepared.name_of(sheet.file)) for sheet in prepared.sheets],
        **{key: count for key, count in ImportResult("applied", prepared, held=held)
           .counts.items() if key != "conflicted"},
    }
    run_id = connection.execute(sa.insert(ImportRun).returning(ImportRun.id), run).scalar_one()
    connection.execute(sa.insert(ImportFile), [
        {"run_id": run_id, "name": facts.name, "kind": prepared.kinds.get(str(facts.path)),
         "sha256": facts.sha256, "size": facts.size, "stored_name": facts.stored_name,
         "rows": prepared.rows.get(str(facts.path), 0)}
        for facts in prepared.files])
    return run_id


def run_import(db_session: orm.Session, paths: Sequence[str | Path], kind: str = AUTO, *,
               session: str | None = None, year: int | None = None,
               mapping: Mapping[str, str | None] | Iterable[str] | None = None,
               skip_invalid: bool = False, dry_run: bool = True, actor: str = "cli",
               source: str = "cli", progress: Progress | None = None,
               remembered: bool = True, overwrite: bool = False) -> ImportResult:
    """Read, plan, check and (unless a dry run) apply files in one go, writers held out
    from the first read (a write meanwhile waits for the import); rows with a conflict
    are held back unless `overwrite`."""
    prepared = prepare_import(db_session, paths, kind, session=session, year=year,
                              mapping=mapping, skip_invalid=skip_invalid, remembered=remembered,
                              applying=not dry_run)
    chosen = prepared.conflict_rows() if overwrite else []
    if dry_run:
        return ImportResult("dry_run", prepared, held=prepared.held_rows(chosen))
    result = apply_prepared(db_session, prepared, actor=actor, source=source,
                            progress=progress, overwrite=chosen)
    if result.status == "unchanged":
        db_session.rollback()  # let writers in: nothing was written
    return result
