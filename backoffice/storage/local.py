"""Files in folders on this machine: each area in its own folder, keys as relative paths."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from backoffice.storage.base import (
    Storage,
    StoredFileMissing,
    check_key,
    is_hidden,
    write_problem,
)


class LocalStorage(Storage):
    """Areas kept in folders (ATTACHMENT_FOLDER, IMPORT_FOLDER, DOCUMENT_FOLDER)."""

    def __init__(self, folders: Mapping[str, str | Path]) -> None:
        self.folders = {area: Path(folder) for area, folder in folders.items()}

    def path(self, key: str) -> Path:
        """Return where the file under key lives (or would live)."""
        area, _, rest = check_key(key).partition("/")
        return self.folders[area] / rest

    def put(self, key: str, stream: BinaryIO) -> int:
        target = self.path(key)
        # Written beside the target and renamed: a reader sees all of it or nothing.
        partial = target.with_name(f".{target.name}.{secrets.token_hex(8)}.part")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with partial.open("wb") as copy:
                shutil.copyfileobj(stream, copy)
                copy.flush()
                os.fsync(copy.fileno())
                count = copy.tell()
            partial.replace(target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise write_problem(error) from error
        return count

    def open(self, key: str) -> BinaryIO:
        try:
            return self.path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise StoredFileMissing(f"文件“{key}”不存在。") from None

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            raise StoredFileMissing(f"文件“{key}”不存在。") from None

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def list(self, prefix: str = "") -> Iterator[str]:
        for area, folder in sorted(self.folders.items()):
            if not (f"{area}/".startswith(prefix) or prefix.startswith(f"{area}/")):
                continue
            for path in sorted(folder.rglob("*")):
                key = f"{area}/{path.relative_to(folder).as_posix()}"
                if key.startswith(prefix) and not is_hidden(key) and path.is_file():
                    yield key

    def move(self, source: str, target: str) -> None:
        self.path(source).replace(self.path(target))

    @contextlib.contextmanager
    def local_path(self, key: str) -> Iterator[Path]:
        path = self.path(key)
        if not path.is_file():
            raise StoredFileMissing(f"文件“{key}”不存在。")
        yield path
