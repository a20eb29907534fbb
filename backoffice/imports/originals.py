"""The files an import read, kept in storage by their SHA-256 (`imports/ab/abcd….xlsx`)."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import orm

from backoffice.storage import staging, storage

_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileFacts:
    """A file given to an import: where it is, how it is called, what it holds."""

    path: Path
    name: str  # as the user knows it: the upload's name or the path given
    sha256: str
    size: int

    @property
    def stored_name(self) -> str:
        return f"{self.sha256[:2]}/{self.sha256}{self.path.suffix.lower()}"


def describe(path: Path, name: str | None = None) -> FileFacts:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    # The name's end says most (the file, not the folders above it); the record keeps 255.
    return FileFacts(path, (name or str(path))[-255:], digest.hexdigest(),
                     path.stat().st_size)


def folder() -> Path:
    """Return the local working folder (pending uploads, annotated copies), creating it."""
    path = Path(current_app.config["IMPORT_FOLDER"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def key(stored_name: str) -> str:
    """Return the storage key of an original kept under stored_name."""
    return f"imports/{stored_name}"


def keep(db_session: orm.Session, facts: FileFacts) -> str:
    """Store the file's bytes once per content, published when db_session commits;
    return the name it is stored under."""
    if not storage().exists(key(facts.stored_name)):
        with facts.path.open("rb") as stream:
            staging.stage(db_session, key(facts.stored_name), stream)
    return facts.stored_name


@contextlib.contextmanager
def stored(stored_name: str) -> Iterator[Path | None]:
    """Yield a local path holding a kept original, or None if it is gone."""
    store = storage()
    if not store.exists(key(stored_name)):
        yield None
        return
    with store.local_path(key(stored_name)) as path:
        yield path
