"""Tell whether the title a unit's report gives names the opinion its number does."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from importers.values import squeeze

# The frame every title shares (关于…的建议): left out, it would make any two titles alike.
_FRAME = re.compile(r"^关于|(?:的)?(?:建议|意见|议案|提案)$")
_PUNCTUATION = re.compile(r"[\W_]+")
# Below this share of common characters two titles are about different things.
_ALIKE = 0.5


@lru_cache(maxsize=4096)
def names_same_opinion(written: str, stored: str) -> bool:
    """Tell whether a title as a report writes it (shortened, reworded) is the stored one."""
    a, b = _core(written), _core(stored)
    if not a or not b or a in b or b in a:
        return True
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= _ALIKE


def _core(title: str) -> str:
    return _FRAME.sub("", _PUNCTUATION.sub("", squeeze(title)))
