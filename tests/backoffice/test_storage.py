"""One contract for stored files, on both backends: folders on this machine and a real
S3-compatible store (SeaweedFS) on loopback."""

from __future__ import annotations

import contextlib
import io
import resource
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from backoffice.storage import Storage, StorageError, StoredFileMissing, from_config, staging
from backoffice.storage.local import LocalStorage
from backoffice.storage.s3 import S3Storage
from tests.object_store import ObjectStore


def s3_storage(store: ObjectStore) -> S3Storage:
    """Return storage under a new prefix of the store's bucket."""
    built = from_config(store.config(f"test-{uuid.uuid4().hex[:12]}"))
    assert isinstance(built, S3Storage)
    return built


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "s3":
        return s3_storage(request.getfixturevalue("object_store"))
    return from_config({"ATTACHMENT_FOLDER": tmp_path / "attachments",
                        "IMPORT_FOLDER": tmp_path / "imports",
                        "DOCUMENT_FOLDER": tmp_path / "documents"})


def everything(store: Storage) -> set[str]:
    """Return every name the backend holds, temporary ones included."""
    if isinstance(store, LocalStorage):
        return {f"{area}/{path.relative_to(folder).as_posix()}"
                for area, folder in store.folders.items() for path in folder.rglob("*")
                if path.is_file()}
    assert isinstance(store, S3Storage)
    listed = store.client.list_objects_v2(Bucket=store.bucket, Prefix=store.prefix)
    return {item["Key"].removeprefix(store.prefix) for item in listed.get("Contents", [])}


def test_a_stored_file_reads_back_is_listed_sized_and_deleted(store: Storage) -> None:
    data = bytes(range(256)) * 1000
    assert store.put("attachments/a1.pdf", io.BytesIO(data)) == len(data)
    store.put("imports/ab/abcd.xlsx", io.BytesIO(b"sheet"))
    store.put("imports/pending/0a/000.xlsx", io.BytesIO(b"scratch"))  # working files
    assert store.read("attachments/a1.pdf") == data
    with store.open("imports/ab/abcd.xlsx") as stream:
        assert stream.read() == b"sheet"
    assert (store.exists("attachments/a1.pdf"), store.exists("attachments/a2.pdf")) == (True,
                                                                                         False)
    assert store.size("attachments/a1.pdf") == len(data)
    assert list(store.list()) == ["attachments/a1.pdf", "imports/ab/abcd.xlsx"]
    assert list(store.list("imports/")) == ["imports/ab/abcd.xlsx"]
    with store.local_path("imports/ab/abcd.xlsx") as path:
        assert path.read_bytes() == b"sheet"
    store.put("attachments/a1.pdf", io.BytesIO(b"replaced"))
    assert store.read("attachments/a1.pdf") == b"replaced"
    store.delete("attachments/a1.pdf")
    store.delete("attachments/a1.pdf")  # deleting what is gone is no error
    assert list(store.list()) == ["imports/ab/abcd.xlsx"]
    with pytest.raises(StoredFileMissing, match="不存在"):
        store.open("attachments/a1.pdf")
    with pytest.raises(StoredFileMissing):
        store.size("attachments/a1.pdf")
    for bad in ("../secret_key", "attachments/../../secret_key", "other/a.pdf", "attachments"):
        with pytest.raises(StorageError, match="无效"):
            store.put(bad, io.BytesIO(b"x"))


def test_a_staged_file_is_published_at_commit_and_removed_otherwise(store: Storage) -> None:
    staging.listen()
    engine = sa.create_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (x INTEGER)"))
    with orm.Session(engine) as session:
        session.execute(sa.text("INSERT INTO t VALUES (1)"))
        staging.stage(session, "attachments/kept.pdf", io.BytesIO(b"kept"), store)
        assert not store.exists("attachments/kept.pdf")  # not before the commit
        assert len(everything(store)) == 1
        session.commit()
        staging.stage(session, "attachments/rolled-back.pdf", io.BytesIO(b"no"), store)
        session.execute(sa.text("INSERT INTO t VALUES (2)"))
        session.rollback()
        staging.stage(session, "attachments/closed.pdf", io.BytesIO(b"no"), store)
        session.execute(sa.text("INSERT INTO t VALUES (3)"))
    assert everything(store) == {"attachments/kept.pdf"}
    assert store.read("attachments/kept.pdf") == b"kept"


@contextlib.contextmanager
def file_size_limit(size: int) -> Iterator[None]:
    """Let this process write no file past size bytes, as a full disk would refuse."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)


def test_a_failed_write_leaves_nothing_and_says_why_in_chinese(
        store: Storage, request: pytest.FixtureRequest) -> None:
    store.put("attachments/old.pdf", io.BytesIO(b"old"))
    before = everything(store)
    if isinstance(store, S3Storage):
        object_store = request.getfixturevalue("object_store")
        settings = object_store.client_settings(secret_key="wrong")
        broken = S3Storage(boto3.client("s3", **settings), store.bucket, store.prefix)
        with pytest.raises(StorageError, match="文件存储服务出错，文件未能保存"):
            broken.put("attachments/new.pdf", io.BytesIO(b"x" * 100_000))
    else:
        with pytest.raises(StorageError, match="存储空间已满"), file_size_limit(10_000):
            store.put("attachments/new.pdf", io.BytesIO(b"x" * 100_000))
    assert everything(store) == before
    assert store.read("attachments/old.pdf") == b"old"
