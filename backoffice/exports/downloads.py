"""Send what an export writes as a download, built in a temporary file, never in memory."""

import os
import tempfile
from collections.abc import Callable, Iterator
from typing import IO
from urllib.parse import quote

from flask import Response

from backoffice.models.security import SecurityEventKind
from backoffice.security import log

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP = "application/zip"
CHUNK = 256 * 1024


def send_written(write: Callable[[IO[bytes]], object], filename: str, mimetype: str) -> Response:
    """Run `write` on a temporary file, then send the file in chunks; it goes once sent.

    A workbook (a zip) is complete only when closed, so it cannot stream as it is
    written; on disk it costs no memory however many rows it holds.
    """
    part = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _chunks once sent
    try:
        write(part)
        size = part.tell()
        part.seek(0)
    except BaseException:
        part.close()
        raise
    log.record_now(SecurityEventKind.EXPORT, object=filename, detail=f"{size} 字节")
    headers = {"Content-Disposition": attachment(filename), "Content-Length": str(size)}
    return Response(_chunks(part), mimetype=mimetype, headers=headers)


def _chunks(part: IO[bytes]) -> Iterator[bytes]:
    # The server closes the iterable when the client is gone: the file closes either way.
    try:
        while chunk := part.read(CHUNK):
            yield chunk
    finally:
        part.close()


def attachment(filename: str) -> str:
    """Return a Content-Disposition naming a Chinese file (RFC 6266), with an ASCII fallback."""
    fallback = "export" + os.path.splitext(filename)[1]
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
