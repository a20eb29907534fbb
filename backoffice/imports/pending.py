"""Uploads waiting to be applied: the files and their plan, kept between preview and apply.

Each upload gets a folder under IMPORT_FOLDER/pending named by a random token; the
plan is pickled there (written and read only by this module, never from a user), so
that applying executes the plan that was shown, not a new reading of the files.
"""

from __future__ import annotations

import json
import pickle
import secrets
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

from werkzeug.datastructures import FileStorage

from backoffice.imports.originals import folder
from backoffice.imports.service import PreparedImport
from backoffice.inputs import file_name
from importers.limits import Limits, check_workbook
from importers.problems import ReadError
from importers.workbooks import SUFFIXES

MAX_AGE_SECONDS = 24 * 3600
_TOKEN_BYTES = 16


class PendingMissing(Exception):
    """No such upload for this user (expired, applied, or another user's)."""


def _root() -> Path:
    path = folder() / "pending"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _folder(token: str) -> Path:
    if not token.isalnum() or len(token) != _TOKEN_BYTES * 2:
        raise PendingMissing(token)
    return _root() / token


def store_uploads(uploads: Iterable[FileStorage], user_id: int) -> tuple[str, dict[str, str]]:
    """Save uploaded files under a new token; return it and path -> name as uploaded.

    Files are stored under generated names (the upload's name is kept for display only).
    """
    _forget_old()
    token = secrets.token_hex(_TOKEN_BYTES)
    target = _root() / token
    target.mkdir()
    names: dict[str, str] = {}
    for index, upload in enumerate(uploads):
        name = file_name(upload.filename or "")
        if not name:
            continue
        suffix = Path(name).suffix.lower()
        path = target / f"{index:03d}{suffix if suffix in SUFFIXES else '.bin'}"
        upload.save(path)
        names[str(path)] = name
    (target / "owner.json").write_text(json.dumps({"user_id": user_id, "names": names}))
    return token, names


def refusal(token: str, user_id: int, limits: Limits) -> str | None:
    """Return why the upload is refused (a file past the limits or unreadable, by its name).

    A refused upload is discarded at once: nothing of it is kept or read any further.
    """
    paths, names = uploaded(token, user_id)
    for path in paths:
        try:
            check_workbook(path, limits)
        except ReadError as error:  # OverLimit included
            discard(token)
            return f"“{names[str(path)]}”：{error}"
    return None


def uploaded(token: str, user_id: int) -> tuple[list[Path], dict[str, str]]:
    """Return the upload's files and their names, if it is this user's."""
    meta = _meta(token, user_id)
    return [Path(path) for path in meta["names"]], meta["names"]


def save_plan(token: str, prepared: PreparedImport) -> None:
    prepared.plan.without_state()
    path = _folder(token) / "plan.pickle"
    partial = path.with_suffix(".part")
    partial.write_bytes(pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL))
    partial.replace(path)


def load_plan(token: str, user_id: int) -> PreparedImport:
    _meta(token, user_id)
    path = _folder(token) / "plan.pickle"
    if not path.exists():
        raise PendingMissing(token)
    return pickle.loads(path.read_bytes())  # written by save_plan, never by a user


def work_path(token: str, name: str) -> Path:
    """Return a path inside the upload's folder for a file made from it (an annotation)."""
    return _folder(token) / name


def discard(token: str) -> None:
    shutil.rmtree(_folder(token), ignore_errors=True)


def _meta(token: str, user_id: int) -> dict:
    path = _folder(token) / "owner.json"
    if not path.exists():
        raise PendingMissing(token)
    meta = json.loads(path.read_text())
    if meta["user_id"] != user_id:
        raise PendingMissing(token)
    return meta


def _forget_old() -> None:
    """Delete uploads left unapplied for a day."""
    now = time.time()
    for path in _root().iterdir():
        if path.is_dir() and now - path.stat().st_mtime > MAX_AGE_SECONDS:
            shutil.rmtree(path, ignore_errors=True)
