"""Find a handling unit by its name or any alias, and suggest names for a typo."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from importers.values import BadValue, as_text, squeeze

_NOTE = re.compile(r"[(（][^()（）]*[)）]$")


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
        for candidate in (key, _NOTE.sub("", key)):
            if candidate in self._names:
                return self._names[candidate]
        suggestions = self.suggest(text)
        if suggestions:
            hint = f"，是否为：{'、'.join(suggestions)}？"
        else:
            hint = "，请先在承办单位名录中登记"
        return BadValue(f"未知单位“{text}”{hint}")

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Return the canonical names closest to a misspelt unit name."""
        key = squeeze(text)
        close = [spelling for spelling in self._names
                 if len(key) >= 2 and (key in spelling or spelling in key)]
        close += difflib.get_close_matches(key, self._names, n=limit * 2, cutoff=0.5)
        return list(dict.fromkeys(self._names[spelling] for spelling in close))[:limit]
