"""Annotated copies of imported files, for a unit to fix its own sheet."""

from __future__ import annotations

from pathlib import Path

from backoffice.imports import pending
from backoffice.imports.limits import import_limits
from backoffice.imports.originals import folder, stored
from backoffice.imports.service import PreparedImport
from backoffice.models import ImportFile, ImportRun
from importers import Problem
from importers.annotating import annotate, annotated_name


def annotate_upload(token: str, prepared: PreparedImport, index: int) -> tuple[Path, str]:
    """Return an upload's file with its plan's problems marked, and its download name."""
    facts = prepared.files[index]
    problems = [p for p in prepared.plan.all_problems if p.file == str(facts.path)]
    target = pending.work_path(token, f"annotated-{index:03d}.xlsx")
    annotate(facts.path, problems, target, import_limits())
    return target, annotated_name(facts.name)


def annotate_recorded(run: ImportRun, file: ImportFile) -> tuple[Path, str] | None:
    """Return a recorded import's file with the problems found then, or None if it is gone."""
    problems = [Problem(p["file"], p["sheet"], p["cell"], p["field"], p["value"], p["message"],
                        p.get("level", "error"))
                for p in run.problems if p["file"] == file.name]
    target_folder = folder() / "annotated"
    target_folder.mkdir(exist_ok=True)
    target = target_folder / f"run-{run.id}-{file.id}.xlsx"
    if not target.exists():
        with stored(file.stored_name) as original:
            if original is None:
                return None
            annotate(original, problems, target, import_limits())
    return target, annotated_name(file.name)
