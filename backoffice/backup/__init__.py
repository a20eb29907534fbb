"""One archive holding the database, every stored file and a manifest of their SHA-256.

`back_up` dumps the database first and then copies the files: a file a committed row
names was published at that commit, so every file the dump refers to is in the archive.
`restore` checks everything before it changes anything (an empty database, an archive
whose every checksum holds, no stored file it would overwrite with other bytes), then
puts the files back (a second try skips those already there) and loads the database
last, in one transaction.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa

from backoffice.backup import database
from backoffice.backup.errors import BackupError
from backoffice.storage import Storage

__all__ = ["BackupError", "Summary", "back_up", "restore"]

FORMAT = "backoffice-backup/1"
MANIFEST = "manifest.json"
FILES = "files/"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Summary:
    """What an archive holds."""

    created_at: datetime
    dialect: str
    revision: str | None
    files: int
    bytes: int


class _Hashing:
    """A stream that digests what is read from it."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self.digest, self.count = stream, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        block = self.stream.read(size)
        self.digest.update(block)
        self.count += len(block)
        return block


def _digest(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    while block := stream.read(_CHUNK):
        digest.update(block)
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return _digest(stream)


def back_up(engine: sa.Engine, store: Storage, out: Path, bin_dir: str | None) -> Summary:
    """Write the database and every stored file to the archive out (.tar.gz)."""
    if out.exists():
        raise BackupError(f"{out} 已存在，备份不会覆盖它，请换一个文件名。")
    dialect = database.dialect(engine.url)
    partial = out.with_name(f".{out.name}.part")
    try:
        with tempfile.TemporaryDirectory(prefix="backoffice-backup-") as folder:
            dumped = Path(folder) / database.FILES[dialect]
            database.dump(engine.url, dumped, bin_dir)
            manifest = {
                "format": FORMAT, "created_at": datetime.now(UTC).isoformat(),
                "database": {"dialect": dialect, "revision": database.revision(engine),
                             "member": dumped.name, "sha256": _sha256(dumped),
                             "size": dumped.stat().st_size},
                "files": [],
            }
            # Readable by its owner alone, whatever the umask: it holds every password
            # hash, second-factor secret and phone number (made anew: a crashed run's
            # file would keep its mode).
            partial.unlink(missing_ok=True)
            with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600),
                      "wb") as written, tarfile.open(fileobj=written, mode="w:gz") as archive:
                archive.add(dumped, arcname=dumped.name)
                for key in store.list():
                    manifest["files"].append(_add_file(archive, store, key))
                _add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False,
                                                         indent=1).encode())
        partial.replace(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return _summary(manifest)


def _add_file(archive: tarfile.TarFile, store: Storage, key: str) -> dict:
    info = tarfile.TarInfo(FILES + key)
    info.size = store.size(key)
    with store.open(key) as stream:
        hashing = _Hashing(stream)
        archive.addfile(info, hashing)
    return {"key": key, "sha256": hashing.digest.hexdigest(), "size": hashing.count}


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def _summary(manifest: dict) -> Summary:
    files = manifest["files"]
    return Summary(datetime.fromisoformat(manifest["created_at"]),
                   manifest["database"]["dialect"], manifest["database"]["revision"],
                   len(files), sum(entry["size"] for entry in files))


def restore(engine: sa.Engine, store: Storage, archive: Path, bin_dir: str | None) -> Summary:
    """Restore an archive into an empty database and the configured storage."""
    dialect = database.dialect(engine.url)
    if found := database.tables(engine):
        raise BackupError(f"数据库不是空的（已有 {len(found)} 张表），只能恢复到空数据库："
                          "请新建一个空数据库并在配置中指向它，再恢复。")
    engine.dispose()  # no connection of ours may hold the (SQLite) file being replaced
    with tempfile.TemporaryDirectory(prefix="backoffice-restore-") as folder:
        manifest = _unpacked(archive, Path(folder))
        if manifest["database"]["dialect"] != dialect:
            raise BackupError(f"这是 {manifest['database']['dialect']} 数据库的备份，"
                              f"不能恢复到 {dialect} 数据库。")
        _check_storage(store, manifest["files"])
        for entry in manifest["files"]:
            if not store.exists(entry["key"]):
                with (Path(folder) / FILES / entry["key"]).open("rb") as stream:
                    store.put(entry["key"], stream)
        database.load(engine.url, Path(folder) / manifest["database"]["member"], bin_dir)
    return _summary(manifest)


def _unpacked(archive: Path, folder: Path) -> dict:
    """Unpack the archive into folder and return its manifest, every checksum checked."""
    try:
        with tarfile.open(archive, "r:*") as opened:
            opened.extractall(folder, filter="data")
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, tarfile.TarError, ValueError) as error:
        raise BackupError(f"{archive} 不是可读的备份文件（{type(error).__name__}）。") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} 不是本系统的备份文件。")
    expected = {manifest["database"]["member"]: manifest["database"]["sha256"]}
    expected |= {FILES + entry["key"]: entry["sha256"] for entry in manifest["files"]}
    present = {path.relative_to(folder).as_posix() for path in folder.rglob("*")
               if path.is_file()} - {MANIFEST}
    if present != set(expected):
        odd = sorted(present ^ set(expected))
        raise BackupError(f"备份已损坏：文件与清单不符（{'、'.join(odd[:5])}）。")
    for name, sha256 in expected.items():
        if _sha256(folder / name) != sha256:
            raise BackupError(f"备份已损坏：{name} 的校验和与清单不符。")
    return manifest


def _check_storage(store: Storage, files: list[dict]) -> None:
    """Refuse to restore over stored files that hold other bytes."""
    for entry in files:
        key = entry["key"]
        if store.exists(key):
            with store.open(key) as stream:
                same = _digest(stream) == entry["sha256"]
            if not same:
                raise BackupError(f"存储中已有文件 {key} 且内容不同，恢复不会覆盖它。")
