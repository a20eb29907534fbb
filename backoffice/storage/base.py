"""What every storage backend does, and the rules its keys follow."""

from __future__ import annotations

import contextlib
import errno
import logging
import secrets
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

# The areas files are stored in, and the setting naming each one's local folder.
AREAS = {
    "attachments": "ATTACHMENT_FOLDER",
    "imports": "IMPORT_FOLDER",
    "documents": "DOCUMENT_FOLDER",
}
# Working folders the app keeps inside an area's local folder (uploads waiting to be
# applied, annotated copies): made again when needed, not stored files.
SCRATCH = frozenset({"pending", "annotated"})
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
logger = logging.getLogger(__name__)


class StorageError(Exception):
    """A file could not be stored or read; the message says so in Chinese."""


class StoredFileMissing(StorageError):
    """No file is stored under the key."""


def check_key(key: str) -> str:
    """Return the key if it names a file in an area, refuse it otherwise."""
    parts = key.split("/")
    if (len(parts) < 2 or parts[0] not in AREAS
            or any(part in ("", ".", "..") for part in parts) or "\\" in key):
        raise StorageError(f"文件名“{key}”无效。")
    return key


def temporary_key(key: str) -> str:
    """Return a fresh key beside key for a file not yet published (hidden from listings)."""
    folder, _, name = check_key(key).rpartition("/")
    return f"{folder}/.{name}.{secrets.token_hex(8)}.part"


def is_hidden(key: str) -> bool:
    """Say whether a key is a temporary or scratch file, not a stored one."""
    parts = key.split("/")
    return (any(part.startswith(".") for part in parts)
            or (len(parts) > 2 and parts[1] in SCRATCH))


def write_problem(error: OSError) -> StorageError:
    """Return the message for a write the file system refused (its details go to the log)."""
    logger.warning("文件未能写入：%s", error)
    if error.errno in _FULL:
        return StorageError("存储空间已满，文件未能保存，请联系系统管理员。")
    return StorageError("文件存储出错，文件未能保存，请联系系统管理员。")


class Storage(ABC):
    """Files by key: put a stream, open, read, check, delete, list, size, publish."""

    @abstractmethod
    def put(self, key: str, stream: BinaryIO) -> int:
        """Store the stream's bytes under key, whole or not at all; return their count."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """Return the stored file for reading; StoredFileMissing if there is none."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def size(self, key: str) -> int: ...

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the file if it is there."""

    @abstractmethod
    def list(self, prefix: str = "") -> Iterator[str]:
        """Yield the keys of the stored files under prefix (no temporary or scratch files)."""

    @abstractmethod
    def move(self, source: str, target: str) -> None:
        """Publish the file at source under target."""

    def read(self, key: str) -> bytes:
        with self.open(key) as stream:
            return stream.read()

    @contextlib.contextmanager
    def local_path(self, key: str) -> Iterator[Path]:
        """Yield a path on this machine holding the file, for a library that reads paths."""
        with tempfile.TemporaryDirectory(prefix="backoffice-") as folder:
            path = Path(folder) / key.rpartition("/")[2]
            with self.open(key) as stream, path.open("wb") as copy:
                shutil.copyfileobj(stream, copy)
            yield path
