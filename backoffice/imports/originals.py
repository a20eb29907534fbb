"""The files an import read, kept under the instance folder by their SHA-256."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

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
    """Return where originals (and pending uploads) are kept, creating it."""
    path = Path(current_app.config["IMPORT_FOLDER"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep(facts: FileFacts) -> str:
    """Store the file's bytes once per content; return the name it is stored under."""
    target = folder() / facts.stored_name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".part")
        shutil.copyfile(facts.path, partial)
        partial.replace(target)
    return facts.stored_name


def stored(stored_name: str) -> Path | None:
    """Return the path of a kept original, or None if it is gone."""
    path = (folder() / stored_name).resolve()
    if folder().resolve() not in path.parents or not path.is_file():
        return None
    return path
