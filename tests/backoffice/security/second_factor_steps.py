"""A user's steps through the second factor, as a browser takes them."""

import re

import pyotp

from tests.conftest import csrf_token

CHECK = "/login/second-factor"
ENROL = "/login/second-factor/enrol"


def send_code(client, url: str, code: str):
    return client.post(url, data={"code": code, "csrf_token": csrf_token(client, url)})


def enrol(client) -> tuple[str, list[str]]:
    """Enrol from the page as a phone would; return the secret and the recovery codes."""
    page = client.get(ENROL).get_data(as_text=True)
    assert "<svg" in page  # the QR code, inline
    secret = re.search(r'class="enrol-secret">([A-Z2-7]+)<', page)[1]
    response = send_code(client, ENROL, pyotp.TOTP(secret).now())
    codes = re.findall(r"<li>([0-9a-f]{4}(?:-[0-9a-f]{4}){4})</li>",
                       response.get_data(as_text=True))
    return secret, codes
