"""Stored files (attachments, import originals, generated documents) behind one interface.

A file is stored under a key whose first part names its area (`attachments/…`,
`imports/…`, `documents/…`). The local backend keeps each area in its folder under the
instance folder, by the same names as always; the S3 backend keeps them in one bucket of
an S3-compatible object store, so that several app servers see the same files.
`STORAGE` chooses the backend ("local" or "s3"). Files written for a database change go
through `staging.stage`: published when the change commits, gone when it does not.
"""

from __future__ import annotations

from flask import current_app

from backoffice.storage.base import AREAS, Storage, StorageError, StoredFileMissing

__all__ = ["AREAS", "Storage", "StorageError", "StoredFileMissing", "from_config", "storage"]


def from_config(config: dict) -> Storage:
    """Build the backend the configuration names."""
    backend = config.get("STORAGE", "local")
    if backend == "local":
        from backoffice.storage.local import LocalStorage

        return LocalStorage({area: config[setting] for area, setting in AREAS.items()})
    if backend == "s3":
        from backoffice.storage.s3 import S3Storage

        return S3Storage.from_config(config)
    raise StorageError(f"配置项 STORAGE 只能是 local 或 s3，现为“{backend}”。")


def storage() -> Storage:
    """Return the current app's storage, built on first use."""
    extensions = current_app.extensions
    if "storage" not in extensions:
        extensions["storage"] = from_config(current_app.config)
    return extensions["storage"]
