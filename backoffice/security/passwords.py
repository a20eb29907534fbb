"""The password policy, and checking a password in the same time whether or not the
account exists.

A password has at least PASSWORD_MIN_LENGTH characters (12 by default) of at least three
of the four kinds (upper case, lower case, digits, symbols), is not a common password or a
common word dressed up ("P@ssw0rd2024!"), and does not contain the user name.
"""

import re
from datetime import timedelta
from functools import cache
from pathlib import Path

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from backoffice.models import User
from backoffice.models.base import utcnow

_COMMON = Path(__file__).with_name("common_passwords.txt")
_KINDS = (
    ("大写字母", re.compile(r"[A-Z]")),
    ("小写字母", re.compile(r"[a-z]")),
    ("数字", re.compile(r"[0-9]")),
    ("符号", re.compile(r"[^A-Za-z0-9]")),
)
_LEET = str.maketrans("@4310$5!7", "aaeiossit")
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@cache
def common_passwords() -> frozenset[str]:
    lines = _COMMON.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


# A common password this long found anywhere inside a password makes it common too.
_INSIDE = 8
# Longer than anyone types, and than a pass phrase needs (ASVS asks for 64 at least): a
# longer one is refused before any check costs time.
MAX_LENGTH = 128


@cache
def _longest_common() -> int:
    return max(map(len, common_passwords()), default=0)


def is_common(password: str) -> bool:
    """Tell whether password is a common one, a common word with digits and symbols around
    it or letters swapped for look-alikes, or holds a long common one."""
    common = common_passwords()
    forms = {password.lower(), password.lower().translate(_LEET)}
    if any(_EDGES.sub("", form) in common or form in common for form in forms):
        return True
    # Pieces no longer than the longest common password: the work grows with the length.
    longest = _longest_common()
    return any(form[start:end] in common
               for form in forms
               for start in range(len(form))
               for end in range(start + _INSIDE, min(start + longest, len(form)) + 1))


def minimum_length() -> int:
    return int(current_app.config["PASSWORD_MIN_LENGTH"])


def problems(password: str, username: str = "") -> list[str]:
    """Return what is wrong with password under the policy, in Chinese (empty: fine)."""
    if len(password) > MAX_LENGTH:
        return [f"密码不能超过{MAX_LENGTH}位"]
    found = []
    minimum = minimum_length()
    if len(password) < minimum:
        found.append(f"密码至少{minimum}位")
    kinds = [name for name, pattern in _KINDS if pattern.search(password)]
    if len(kinds) < 3:
        found.append("须含大写字母、小写字母、数字、符号中的至少三种")
    if is_common(password):
        found.append("是常见密码或常见词的变形，容易被猜中")
    if username and len(username) >= 3 and username.lower() in password.lower():
        found.append("不能包含用户名")
    return found


@cache
def _stand_in_hash() -> str:
    # Checked when the account does not exist, so that the answer takes as long.
    return generate_password_hash("no account has this password")


def verify(user: User | None, password: str) -> bool:
    """Check password against user's, spending the same work when user is None."""
    if user is None:
        check_password_hash(_stand_in_hash(), password)
        return False
    return check_password_hash(user.password_hash, password)


def must_change(user: User) -> bool:
    """Tell whether user must choose a new password before anything else."""
    if user.must_change_password or user.password_changed_at is None:
        return True
    max_age = current_app.config.get("PASSWORD_MAX_AGE_DAYS")
    if not max_age:
        return False
    changed = user.password_changed_at
    if changed.tzinfo is None:
        changed = changed.replace(tzinfo=utcnow().tzinfo)
    return utcnow() - changed > timedelta(days=int(max_age))
