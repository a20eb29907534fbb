"""The signature on export stamps: made with the app's secret key, checked on import.

A stamp line edited by hand, or written by another installation, fails its check and
its row is imported as a row of an unstamped sheet (`importers.stamps`).
"""

import hashlib
import hmac

from flask import current_app

_PURPOSE = b"backoffice export stamp"


def _key() -> bytes:
    secret = current_app.secret_key
    secret = secret.encode() if isinstance(secret, str) else bytes(secret or b"")
    return hmac.new(secret, _PURPOSE, hashlib.sha256).digest()


def sign(payload: str) -> str:
    """Return the signature of a stamp line's payload."""
    return hmac.new(_key(), payload.encode(), hashlib.sha256).hexdigest()


def verify(payload: str, signature: str) -> bool:
    """Tell whether a signature is this installation's for that payload."""
    return hmac.compare_digest(sign(payload), signature)
