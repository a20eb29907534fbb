"""Find a handling unit by its name or any alias, and suggest names for a typo."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from importers.values import BadValue, as_text, squeeze

_NOTE = re.compile(r"[(（][^()（）]*[)）]$")
# A unit's full official name: the district before it (闵行区七宝镇, 上海市闵行区教育局 for
# 区教育局) and the organ after it (七宝镇人民政府, 江川路街道办事处, 莘庄工业区管委会).
_DISTRICT = re.compile(r"^(?:上海市)?[\u4e00-\u9fff]{2,3}区(?=.)")
_ORGAN = re.compile(r"(?<=.)(?:人民政府|办事处|管理委员会|管委会)$")


def without_note(name: str) -> str:
    """Return a unit's name without the note after it (区交通委（牵头）, 七宝镇（盖章）)."""
    return _NOTE.sub("", name)


class UnitLookup:
    """Names and aliases of handling units, as the units sheet lists them."""

    def __init__(self, units: Mapping[str, Iterable[str]] | None = None) -> None:
        self._names: dict[str, str] = {}  # squeezed name or alias -> canonical name
        self._aliases: dict[str, list[str]] = {}  # canonical name -> aliases as written
        self._resolved: dict[str, str | BadValue] = {}
        for name, aliases in (units or {}).items():
            self.add(name, aliases)

    def add(self, name: str, aliases: Iterable[str] = ()) -> None:
        """Register a unit under its name and aliases."""
        aliases = [alias for alias in aliases if alias and squeeze(alias)]
        known = self._aliases.setdefault(name, [])
        known.extend(alias for alias in aliases if alias not in known)
        for spelling in (name, *aliases):
            self._names[squeeze(spelling)] = name
        self._resolved.clear()

    @classmethod
    def from_records(cls, records: Iterable[Any]) -> UnitLookup:
        """Build a lookup from records of the units sheet."""
        lookup = cls()
        for record in records:
            if record.values.get("name"):
                lookup.add(record.values["name"], record.values.get("aliases") or ())
        return lookup

    def __len__(self) -> int:
        return len(set(self._names.values()))

    def __bool__(self) -> bool:
        return bool(self._names)

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and squeeze(text) in self._names

    @property
    def names(self) -> list[str]:
        """Return the canonical names, each once, in the order they were added."""
        return list(dict.fromkeys(self._names.values()))

    def aliases(self, name: str) -> list[str]:
        """Return the aliases registered for a canonical name."""
        return list(self._aliases.get(name, ()))

    def knows(self, raw: Any) -> bool:
        """Tell whether a cell names a unit (by name, alias or full official name)."""
        try:
            self.resolve(raw)
        except BadValue:
            return False
        return True

    def resolve(self, raw: Any) -> str:
        """Return the canonical name of a unit written by name or alias, or raise BadValue."""
        text = as_text(raw)
        found = self._resolved.get(text)
        if found is None:
            found = self._resolve(text)
            self._resolved[text] = found
        if isinstance(found, BadValue):
            raise found
        return found

    def _resolve(self, text: str) -> str | BadValue:
        key = squeeze(text)
        # "区交通委（牵头）": a note after the name does not change the unit.
        for candidate in (key, without_note(key)):
            if candidate in self._names:
                return self._names[candidate]
        if official := self._official(without_note(key)):
            return official
        suggestions = self.suggest(text)
        if suggestions:
            hint = f"，是否为：{'、'.join(suggestions)}？"
        else:
            hint = "，请先在承办单位名录中登记"
        return BadValue(f"未知单位“{text}”{hint}")

    def _official(self, key: str) -> str | None:
        """Return the one unit a full official name stands for, if just one."""
        bare = _ORGAN.sub("", key)
        rest = _DISTRICT.sub("", bare)
        candidates = {bare, rest, "区" + rest} if rest != bare else {bare}
        found = {self._names[c] for c in candidates if c != key and c in self._names}
        return found.pop() if len(found) == 1 else None

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Return the canonical names closest to a misspelt unit name."""
        key = squeeze(text)
        close = [spelling for spelling in self._names
                 if len(key) >= 2 and (key in spelling or spelling in key)]
        close += difflib.get_close_matches(key, self._names, n=limit * 2, cutoff=0.5)
        return list(dict.fromkeys(self._names[spelling] for spelling in close))[:limit]
