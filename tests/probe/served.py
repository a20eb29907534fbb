"""The back-office served by gunicorn on a copy of the demo database (test helper)."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import requests
from flask import Flask


@dataclass
class Served:
    base: str
    app: Flask  # the same database and folders, to look at what the server did
    process: subprocess.Popen
    log: IO[str]

    def url(self, path: str) -> str:
        return self.base + path

    def workers(self) -> set[int]:
        """Return the process ids of gunicorn's workers."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return {int(child) for child in children}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# gunicorn's options beside the address: two workers, the app, a 30-second timeout.
TWO_WORKERS = ("--workers", "2", "--timeout", "30", "backoffice:create_app()")


def serve(app: Flask, database_url: str, folder: Path, options: Sequence[str] = TWO_WORKERS,
          workers: int = 2, **environment: str) -> Served:
    """Start gunicorn on database_url with options (and environment); return once its
    workers answer."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BACKOFFICE_SECRET_KEY": "probe-secret",
        "BACKOFFICE_REQUIRE_2FA_FOR_ADMINS": "false",
        "BACKOFFICE_ATTACHMENT_FOLDER": str(folder / "attachments"),
        "BACKOFFICE_IMPORT_FOLDER": str(folder / "imports"),
        **environment,
    }
    log = (folder / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", *options],
        env=env, stdout=subprocess.DEVNULL, stderr=log)
    served = Served(f"http://127.0.0.1:{port}", app, process, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(served.url("/login"), timeout=10).status_code == 200 and \
                    len(served.workers()) == workers:
                return served
        except requests.RequestException:  # not listening yet, or still importing
            pass
        time.sleep(0.2)
    stop(served)
    raise RuntimeError((folder / "gunicorn.log").read_text())


def stop(served: Served) -> None:
    served.process.terminate()
    try:
        served.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        served.process.kill()
        served.process.wait()
    served.log.close()
