"""Send what an export writes as a download, built in a temporary file, never in memory."""

import tempfile
from collections.abc import Callable
from typing import IO
from urllib.parse import quote

from flask import Response, send_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"


def send_written(write: Callable[[IO[bytes]], object], filename: str, mimetype: str) -> Response:
    """Run `write` on a temporary file, then send the file; it is deleted once sent.

    A workbook (a zip) is complete only when closed, so it cannot stream as it is
    written; on disk it costs no memory however many rows it holds.
    """
    part = tempfile.TemporaryFile()  # noqa: SIM115 - send_file closes it after sending
    try:
        write(part)
        part.seek(0)
    except BaseException:
        part.close()
        raise
    return send_file(part, mimetype=mimetype, as_attachment=True, download_name=filename)


def attachment(filename: str) -> str:
    """Return a Content-Disposition naming a Chinese file (RFC 6266), with an ASCII fallback."""
    fallback = "export" + filename[filename.rfind("."):]
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
