"""Configuration defaults; instance/config.py, then BACKOFFICE_* environment variables
(e.g. BACKOFFICE_REQUIRE_2FA_FOR_ADMINS=false, values read as JSON) override them."""

import os
from pathlib import Path

from importers.limits import Limits


def defaults(instance_path: str) -> dict:
    """Return the settings every deployment starts from."""
    return {
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL")
        or f"sqlite:///{Path(instance_path) / 'backoffice.sqlite3'}",
        # Several app servers must share one key; BACKOFFICE_SECRET_KEY works too.
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Seconds to wait for the database (backoffice/database.py): to connect; for one
        # statement of a web request on PostgreSQL (None: no limit), below gunicorn's
        # 30-second worker timeout; for another connection's lock on SQLite.
        "DATABASE_CONNECT_TIMEOUT": 5,
        "DATABASE_STATEMENT_TIMEOUT": 20,
        "DATABASE_LOCK_TIMEOUT": 5,
        "DATABASE_BUSY_TIMEOUT": 5,
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "FLASK_ADMIN_SWATCH": "cerulean",
        "FLASK_ADMIN_FLUID_LAYOUT": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # The CSRF token lives as long as the signed-in session (renewed at sign-in).
        "WTF_CSRF_TIME_LIMIT": None,
        # Sessions end after this long without a request, and this long after sign-in.
        "SESSION_IDLE_MINUTES": 30,
        "SESSION_MAX_HOURS": 12,
        # Failed sign-ins: this many within the window lock the account name or the client
        # address for the lock's minutes.
        "LOGIN_ACCOUNT_MAX_FAILURES": 5,
        "LOGIN_ADDRESS_MAX_FAILURES": 20,
        "LOGIN_FAILURE_WINDOW_MINUTES": 15,
        "LOGIN_LOCK_MINUTES": 15,
        "PASSWORD_MIN_LENGTH": 12,
        "PASSWORD_MAX_AGE_DAYS": None,  # e.g. 90 to make everyone change every 90 days
        # Operators, system administrators and auditors sign in with a TOTP app code too.
        "REQUIRE_2FA_FOR_ADMINS": True,
        # At least 180 days (the database refuses to delete younger entries).
        "SECURITY_LOG_RETENTION_DAYS": 180,
        # The names the site answers to, e.g. ["backoffice.example.gov.cn"]: a request naming
        # another host (a forged Host header) is refused with 400, so no answer is built
        # from it (the public feeds' addresses, which proxies keep). None: any host.
        "TRUSTED_HOSTS": None,
        # How many reverse proxies stand before the app (their X-Forwarded-* are trusted).
        "PROXY_COUNT": 0,
        "ATTACHMENT_FOLDER": str(Path(instance_path) / "attachments"),
        "ATTACHMENT_MAX_BYTES": 20 * 1024 * 1024,
        # Imported files (by SHA-256) and uploads waiting to be applied.
        "IMPORT_FOLDER": str(Path(instance_path) / "imports"),
        # Generated documents (reports, notices, exports made as jobs).
        "DOCUMENT_FOLDER": str(Path(instance_path) / "documents"),
        # Where stored files live: "local" (the folders above) or "s3", an S3-compatible
        # object store several app servers share (backoffice/storage/s3.py names its
        # settings: S3_BUCKET, S3_ENDPOINT_URL, S3_REGION, S3_PREFIX, S3_ACCESS_KEY_ID,
        # S3_SECRET_ACCESS_KEY; without keys boto3's own AWS_* variables are used).
        "STORAGE": "local",
        "S3_BUCKET": None,
        "S3_ENDPOINT_URL": None,
        "S3_REGION": None,
        "S3_PREFIX": "",
        "S3_ACCESS_KEY_ID": None,
        "S3_SECRET_ACCESS_KEY": None,
        # The folder of pg_dump and pg_restore for `backoffice backup`/`restore`, when
        # they are not on PATH (e.g. /usr/lib/postgresql/15/bin).
        "POSTGRES_BIN_DIR": None,
        # Background jobs: work over this many rows (an import's writes, an export's rows)
        # runs as a job, and so does reading an upload of this many bytes (about 14,000
        # rows); a worker sends a heartbeat this often, and one silent this long has its
        # jobs marked interrupted (procrastinate's defaults).
        "JOBS_ROWS": 2000,
        "JOBS_UPLOAD_BYTES": 1024 * 1024,
        "JOBS_HEARTBEAT_SECONDS": 10.0,
        "JOBS_STALLED_SECONDS": 30.0,
        # A file to import is refused before it is parsed when it passes any of these:
        # IMPORT_MAX_FILE_BYTES, _MEMBERS, _MEMBER_BYTES, _INFLATED_BYTES, _SHEETS, _ROWS,
        # _COLUMNS, _CELLS (importers.limits.Limits says what each counts).
        **Limits().settings(),
        "ATTACHMENT_EXTENSIONS": {
            "pdf", "doc", "docx", "xls", "xlsx", "ofd", "jpg", "jpeg", "png", "txt", "zip",
        },
        "MAX_CONTENT_LENGTH": 60 * 1024 * 1024,
        # Strict-Transport-Security, sent only on requests that came over HTTPS; None
        # sends none (0 tells browsers to forget an earlier one).
        "HSTS_MAX_AGE": 365 * 24 * 3600,
        # Seconds browsers and proxies may keep the public site's pages and feeds.
        "PUBLIC_MAX_AGE": 300,
        "PUBLIC_PAGE_SIZE": 50,  # replies on a page of the public list
    }


def load_secret_key(instance_path: str) -> str:
    """Return the instance's secret key, creating it on first use (never committed).

    Used when neither the configuration nor the environment gives one; a single app
    server may keep it there, several must be given the same key.
    """
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()
