"""The signature on export stamps (the exports write it, the imports check it), made with
the app's secret key.

A stamp line edited by hand, or written by another installation, fails its check and
its row is imported as a row of an unstamped sheet (`importers.stamps`).
"""

import hashlib
import hmac

from flask import current_app

from importers.stamps import Signer

_PURPOSE = b"backoffice export stamp"
_LENGTH = 16  # bytes of the digest kept: 128 bits, written as 32 hex digits


def _key() -> bytes:
    secret = current_app.secret_key
    secret = secret.encode() if isinstance(secret, str) else bytes(secret or b"")
    return hmac.digest(secret, _PURPOSE, hashlib.sha256)


def signer() -> Signer:
    """Return the function signing a stamp line's payload (the key derived once)."""
    key = _key()
    return lambda payload: hmac.digest(key, payload.encode(), "sha256")[:_LENGTH].hex()


def verify(payload: str, signature: str) -> bool:
    """Tell whether a signature is this installation's for that payload."""
    return hmac.compare_digest(signer()(payload), signature)


def verifier():
    """Return `verify` with the key derived once, for reading many lines."""
    sign = signer()
    return lambda payload, signature: hmac.compare_digest(sign(payload), signature)
