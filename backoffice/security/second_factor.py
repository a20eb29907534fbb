"""The second factor: a TOTP authenticator app (RFC 6238) and one-time recovery codes.

Administrative roles (access.PRIVILEGED_ROLES) must use one when REQUIRE_2FA_FOR_ADMINS is
on; anyone who enrolled uses theirs. A code is accepted once: its time step is kept, and
an older or equal step is refused, so an overheard code cannot be replayed.
"""

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup
from sqlalchemy import orm

from backoffice.access import PRIVILEGED_ROLES
from backoffice.models import User
from backoffice.models.base import utcnow
from backoffice.models.security import (
    RecoveryCode,
    SecondFactor,
    SecurityEventKind,
    SessionEnd,
    UserSession,
)
from backoffice.security import log
from backoffice.security.sessions import end_sessions

ISSUER = "书面意见办理"
RECOVERY_CODES = 10
_STEP = 30  # seconds per TOTP code
_DRIFT = 1  # steps of clock drift accepted either way


def required(user: User) -> bool:
    """Tell whether user must pass a second factor to sign in."""
    return bool(current_app.config["REQUIRE_2FA_FOR_ADMINS"]) and user.role in PRIVILEGED_ROLES


def enrolled(db_session: orm.Session, user: User) -> SecondFactor | None:
    return db_session.get(SecondFactor, user.id)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, user: User) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """Return the enrolment QR code as inline SVG (no image request, no script)."""
    return Markup(segno.make(uri, error="m").svg_inline(scale=5, border=2))


def matching_step(secret: str, code: str, after: int, now: float | None = None) -> int | None:
    """Return the time step whose code is code, if it is later than after."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int((now if now is not None else time.time()) // _STEP)
    for step in range(current - _DRIFT, current + _DRIFT + 1):
        if step > after and hmac.compare_digest(totp.at(step * _STEP), code):
            return step
    return None


def enrol(db_session: orm.Session, user: User, secret: str, code: str) -> list[str] | None:
    """Keep secret as user's second factor if code proves the app has it; return the
    recovery codes to show once (None: the code was wrong)."""
    step = matching_step(secret, code, after=0)
    if step is None:
        return None
    db_session.merge(SecondFactor(user_id=user.id, secret=secret, enrolled_at=utcnow(),
                                  last_step=step))
    codes = _new_recovery_codes(db_session, user)
    log.record(db_session, SecurityEventKind.SECOND_FACTOR_ENROLLED, username=user.username,
               object=f"用户 {user.username}")
    return codes


def check(db_session: orm.Session, user: User, code: str) -> bool:
    """Accept an authenticator code or an unused recovery code, once."""
    factor = enrolled(db_session, user)
    if factor is None:
        return False
    step = matching_step(factor.secret, code, after=factor.last_step)
    if step is not None:
        # Taken in one conditional UPDATE, so that two requests carrying the same code at
        # the same moment cannot both read it as unused.
        return db_session.execute(
            sa.update(SecondFactor)
            .where(SecondFactor.user_id == user.id, SecondFactor.last_step < step)
            .values(last_step=step)
        ).rowcount == 1
    used = db_session.execute(
        sa.update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
               RecoveryCode.code_hash == _hash_code(code))
        .values(used_at=utcnow())
    ).rowcount
    if not used:
        return False
    left = db_session.scalar(sa.select(sa.func.count()).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))
    log.record(db_session, SecurityEventKind.RECOVERY_CODE_USED, username=user.username,
               object=f"用户 {user.username}", detail=f"剩余 {left} 个恢复码")
    return True


def reset(db_session: orm.Session, user: User) -> None:
    """Remove user's second factor and recovery codes, end their sessions, log it."""
    db_session.execute(sa.delete(SecondFactor).where(SecondFactor.user_id == user.id))
    db_session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_sessions(db_session, UserSession.user_id == user.id, SessionEnd.SECOND_FACTOR)
    log.record(db_session, SecurityEventKind.SECOND_FACTOR_RESET, object=f"用户 {user.username}")


def _hash_code(code: str) -> str:
    # Recovery codes are long and random: a plain hash cannot be reversed by guessing.
    normalised = code.strip().lower().replace("-", "").replace(" ", "")
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_recovery_codes(db_session: orm.Session, user: User) -> list[str]:
    db_session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["-".join(secrets.token_hex(2) for _ in range(5)) for _ in range(RECOVERY_CODES)]
    db_session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_code(code))
                       for code in codes)
    return codes
