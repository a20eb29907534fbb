"""The signature on export stamps (the exports write it, the imports check it), made with
the app's secret key.

A stamp line edited by hand, or written by another installation, fails its check and
its row is imported as a row of an unstamped sheet (`importers.stamps`).

A line is signed with keyed BLAKE2b, a MAC of its own (no HMAC construction needed), made
in Python's own C rather than through OpenSSL, whose one-shot HMAC sets up a context on
every call: half the cost a line. Lines signed before (HMAC-SHA256, the same length) are
still accepted, so that a worklist sent out before the change keeps its stamps.
"""

import hashlib
import hmac
from collections.abc import Callable

from flask import current_app

from importers.stamps import Signer

_PURPOSE = b"backoffice export stamp"
_LENGTH = 16  # bytes of the digest kept: 128 bits, written as 32 hex digits


def _key() -> bytes:
    secret = current_app.secret_key
    secret = secret.encode() if isinstance(secret, str) else bytes(secret or b"")
    return hmac.digest(secret, _PURPOSE, hashlib.sha256)


def _signer(key: bytes) -> Signer:
    def sign(payload: str) -> str:
        return hashlib.blake2b(payload.encode(), key=key, digest_size=_LENGTH).hexdigest()

    return sign


def _hmac_signer(key: bytes) -> Signer:
    """Return how lines were signed before BLAKE2b: HMAC-SHA256, cut to the same length."""
    return lambda payload: hmac.digest(key, payload.encode(), "sha256")[:_LENGTH].hex()


def signer() -> Signer:
    """Return the function signing a stamp line's payload (the key derived once)."""
    return _signer(_key())


def verifier() -> Callable[[str, str], bool]:
    """Return a check of a line's signature, with the key derived once, for many lines."""
    key = _key()
    signs = (_signer(key), _hmac_signer(key))

    def verify(payload: str, signature: str) -> bool:
        # As bytes: compare_digest refuses a str with other than ASCII, which a hand-edited
        # cell may hold.
        given = signature.encode()
        return any(hmac.compare_digest(sign(payload).encode(), given) for sign in signs)

    return verify


def verify(payload: str, signature: str) -> bool:
    """Tell whether a signature is this installation's for that payload."""
    return verifier()(payload, signature)
