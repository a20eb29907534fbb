"""Configuration defaults; instance/config.py and the environment override them."""

import os
from pathlib import Path


def defaults(instance_path: str) -> dict:
    """Return the settings every deployment starts from."""
    return {
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL")
        or f"sqlite:///{Path(instance_path) / 'backoffice.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "FLASK_ADMIN_SWATCH": "cerulean",
        "FLASK_ADMIN_FLUID_LAYOUT": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "ATTACHMENT_FOLDER": str(Path(instance_path) / "attachments"),
        "ATTACHMENT_MAX_BYTES": 20 * 1024 * 1024,
        # Imported files (by SHA-256) and uploads waiting to be applied.
        "IMPORT_FOLDER": str(Path(instance_path) / "imports"),
        "ATTACHMENT_EXTENSIONS": {
            "pdf", "doc", "docx", "xls", "xlsx", "ofd", "jpg", "jpeg", "png", "txt", "zip",
        },
        "MAX_CONTENT_LENGTH": 60 * 1024 * 1024,
        # Strict-Transport-Security, sent only on requests that came over HTTPS; None
        # sends none (0 tells browsers to forget an earlier one).
        "HSTS_MAX_AGE": 365 * 24 * 3600,
    }


def load_secret_key(instance_path: str) -> str:
    """Return the instance's secret key, creating it on first use (never committed)."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()
