"""Stamp lines are signed with the installation's key; lines signed before still check."""

import hashlib
import hmac

from flask import Flask

from backoffice import stamp_signing

PAYLOAD = ('["办理情况", "handling", "0003", {"replied_on": "2017-04-01"}, '
           '"2026-12-02T10:00:00+00:00"]')


def app_with(secret: str) -> Flask:
    app = Flask(__name__)
    app.secret_key = secret
    return app


def test_a_line_checks_only_under_its_own_key_and_payload():
    with app_with("one secret").app_context():
        signature = stamp_signing.signer()(PAYLOAD)
        check = stamp_signing.verifier()
        assert len(signature) == 32 and check(PAYLOAD, signature)
        assert not check(PAYLOAD.replace("04-01", "04-02"), signature)
        assert not check(PAYLOAD, signature[:-1] + ("0" if signature[-1] != "0" else "1"))
        assert not check(PAYLOAD, "签名被改")  # text a hand may type: refused, not an error
    with app_with("another installation").app_context():
        assert not stamp_signing.verify(PAYLOAD, signature)


def test_a_line_signed_with_hmac_sha256_before_still_checks():
    with app_with("one secret").app_context():
        key = hmac.digest(b"one secret", b"backoffice export stamp", hashlib.sha256)
        before = hmac.digest(key, PAYLOAD.encode(), "sha256")[:16].hex()
        assert before != stamp_signing.signer()(PAYLOAD)
        assert stamp_signing.verify(PAYLOAD, before)
        assert not stamp_signing.verify(PAYLOAD + " ", before)
