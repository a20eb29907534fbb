"""Find a deputy by name, and by delegation when a sheet gives it."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable

from importers.values import BadValue, squeeze

DeputyKey = tuple[str, str]  # name, delegation ("" when unknown)


class DeputyIndex:
    """Deputies by name; a name shared by several deputies needs the delegation."""

    def __init__(self, keys: Iterable[DeputyKey] = ()) -> None:
        self._by_name: dict[str, list[DeputyKey]] = defaultdict(list)
        self._squeezed: dict[str, str] = {}  # a name as written -> squeezed
        for key in keys:
            self.add(key)

    def add(self, key: DeputyKey) -> None:
        same = self._by_name[squeeze(key[0])]
        if key not in same:
            same.append(key)

    def named(self, name: str) -> list[DeputyKey]:
        key = self._squeezed.get(name)
        if key is None:
            key = self._squeezed[name] = squeeze(name)
        return list(self._by_name.get(key, ()))

    def find(self, name: str, delegation: str | None = None) -> DeputyKey:
        """Return the deputy's key, or raise BadValue saying why none or which."""
        same = self.named(name)
        if not same:
            raise BadValue(f"代表名册中没有“{name}”{self._hint(name)}")
        if delegation:
            wanted = squeeze(delegation)
            for key in same:
                if squeeze(key[1]) == wanted:
                    return key
            known = "、".join(key[1] or "未填代表团" for key in same)
            raise BadValue(f"代表“{name}”不属于{delegation}（代表名册中为：{known}）")
        if len(same) == 1:
            return same[0]
        known = "、".join(key[1] for key in same)
        raise BadValue(f"代表名册中有{len(same)}位“{name}”（{known}），请填写代表团")

    def find_cosigner(self, name: str, delegation: str | None) -> tuple[DeputyKey, str | None]:
        """Return a co-signer's key and, if the name was shared, a note on the choice.

        A co-signer is named without a delegation: among namesakes the lead deputy's
        delegation wins, else the one listed last (the newest roster).
        """
        same = self.named(name)
        if len(same) <= 1:
            return self.find(name), None
        for key in same:
            if delegation and squeeze(key[1]) == squeeze(delegation):
                return key, None
        chosen = same[-1]
        return chosen, f"附议代表“{name}”有同名代表，按{chosen[1]}计"

    def _hint(self, name: str) -> str:
        close = difflib.get_close_matches(squeeze(name), list(self._by_name), n=3, cutoff=0.5)
        if close:
            names = "、".join(self._by_name[c][0][0] for c in close)
            return f"，是否为：{names}？"
        return "，请先导入代表名册"
