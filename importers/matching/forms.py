"""Header texts in one normal form, and how close one header is to another.

Offices write the same header many ways: 满 意 度, ＊答复日期：, 【编号】, 交办日期（必填）,
答复类型(A/B/C/D), 1.编号. `header_keys` returns the forms worth looking up; `similarity`
scores a header against one of a field's names when no form is equal to any.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from importers.values import as_text, squeeze

_BRACKETS = str.maketrans("【】〔〕[]{}<>《》「」『』", "()()()()()()()()")
_DECORATION = re.compile(r"^[*※#:★☆△▲●○◆◇■□→?·•・]+|[*※#:★☆△▲●○◆◇■□→?·•・]+$")
_NOTE = re.compile(r"\([^()]*\)$")
_ENCLOSED = re.compile(r"^\(([^()]+)\)$")  # 【编号】: the whole header in brackets
_COORDINATED = re.compile(r"(.{2,}?)(?:及|和|与|/|、)(.{2,})")
_DATE_SUFFIX = re.compile(r"(?<=.)(?:时间|日)$")
_ORDINAL = re.compile(r"第([一二三四五六七八九十两\d]+[次轮批])")
# "1.编号", "一、编号", "(一)编号": a running enumeration before the header.
_ENUMERATION = re.compile(
    r"^(?:\d{1,2}[.、]|[一二三四五六七八九十]{1,3}、|\([一二三四五六七八九十\d]{1,3}\))")

# Containment: a header inside another (名称 in 单位名称) scores from CONTAINED_BASE up by
# how much of the longer one the shorter covers. Shared characters alone weigh less.
CONTAINED_BASE = 0.55
CONTAINED_SPAN = 0.4
# A Chinese noun phrase ends in its head: 进展反馈日期 is a 反馈日期 more than a 进展反馈.
HEAD_BONUS = 0.12
OVERLAP_WEIGHT = 0.85
# A field whose other names use the column's characters too is slightly likelier.
COVERAGE_WEIGHT = 0.05
SIMILAR_CAP = 0.99  # only an equal form is certain
# Shared characters count less between dates of different heads (the last character
# before 日期 or 时间): 交办 and 办结 share 办, but one is an assigning, one an ending.
OTHER_HEAD = 0.7
# Words that say only what kind of value a header holds: 答复 and 答复日期 name one fact.
TYPE_WORDS = frozenset({"日期", "时间", "日", "名称", "姓名", "全称"})
NEARLY_EQUAL = 0.9
# Words that announce a header's type: 办理时间/办结 is a date, whatever 办结 alone means.
_DATE_WORDS = ("日期", "时间")
_YES_NO_WORDS = ("是否", "与否")  # 是否办结, 办结与否
# Words that make a date one planned, promised or due: 计划办结时间 is no 办结日期.
_PLAN = re.compile(r"^(?:计划|拟|预计|预定|承诺|应|最迟|要求)|期限|时限")


@lru_cache(maxsize=8192)
def _normalise(text: str) -> str:
    text = squeeze(unicodedata.normalize("NFKC", text).translate(_BRACKETS))
    return _DECORATION.sub("", text).lower()


def normalise_header(raw: Any) -> str:
    """Return a header's text without spaces, full-width forms, bracket kinds or markers."""
    return _normalise(as_text(raw)) if raw != "" else ""


@lru_cache(maxsize=8192)
def header_keys(text: str) -> tuple[str, ...]:
    """Return a header's normal form, then the same without trailing notes or numbering.

    "交办日期(必填)" or "答复类型(A/B/C/D)": the note says how to fill, not what.
    Notes are dropped one at a time, the last first, and each step is a form: in
    承办单位（会办）（必填） the first note says how to fill, the second which units.
    """
    key = _normalise(text)
    if not key:
        return ()
    keys = [key]
    bare = _ENCLOSED.sub(r"\1", key)
    while (shorter := _DECORATION.sub("", _NOTE.sub("", bare))) != bare and shorter:
        keys.append(bare)
        bare = shorter
    keys.append(bare)
    bare = _DECORATION.sub("", _ENUMERATION.sub("", bare)) or bare
    keys.append(bare)
    # 第二次答复日期 is 二次答复日期: the ordinal's 第 says nothing more.
    bare = _ORDINAL.sub(r"\1", bare)
    keys.append(bare)
    # 离任时间 and 签收日 are 离任日期 and 签收日期: offices call a date by any of the three.
    keys.append(_DATE_SUFFIX.sub("日期", bare))
    # 联系人及电话, 曾用名/简称: two things named together; each part is a form, the first
    # first (the column holds it, the second said beside it).
    if both := _COORDINATED.fullmatch(bare):
        keys += both.groups()
    return tuple(dict.fromkeys(keys))


@lru_cache(maxsize=65536)
def similarity(key: str, name: str) -> float:
    """Return how close two normalised headers are, 1.0 when equal, 0.0 when unrelated."""
    if key == name:
        return 1.0
    short, long = sorted((key, name), key=len)
    if len(short) >= 2 and short in long:
        before, _, after = long.partition(short)
        if long == name and before + after in TYPE_WORDS:
            # 答复 for 答复日期: the name adds only what kind of value it is.
            return NEARLY_EQUAL
        if long == key and after and after not in TYPE_WORDS:
            # 经办人联系电话, 内容分类: the header names something of the name's thing,
            # its last words say what (a Chinese compound ends in its head).
            return OVERLAP_WEIGHT * _shared_characters(key, name)
        head = HEAD_BONUS if long.endswith(short) else 0.0
        return CONTAINED_BASE + CONTAINED_SPAN * len(short) / len(long) + head
    return OVERLAP_WEIGHT * _shared_characters(key, name)


def _shared_characters(a: str, b: str) -> float:
    """Return the Dice coefficient of the two texts' sets of characters, less for two dates
    or yes-or-noes of different heads: 接收日期 is a 签收日期 (收 both), 交办日期 no 办结日期,
    是否表态 no 是否表扬."""
    if not a or not b:
        return 0.0
    first, second = set(a), set(b)
    dice = 2 * len(first & second) / (len(first) + len(second))
    heads = _head(a), _head(b)
    return OTHER_HEAD * dice if None not in heads and heads[0] != heads[1] else dice


def _head(text: str) -> str | None:
    """Return what a date or a yes-or-no header is about, by its last character before the
    date word (办 of 交办日期) or after 是否 (扬 of 是否表扬), None for other headers."""
    for word in _DATE_WORDS:
        if text.endswith(word) and len(text) > len(word):
            return text[-len(word) - 1]
    if text.startswith(_YES_NO_WORDS[0]) and len(text) > len(_YES_NO_WORDS[0]):
        return text[-1]
    return None


def announces_plan(keys: tuple[str, ...]) -> bool:
    """Tell whether a header names a plan or a deadline (计划办结时间, 答复期限), which no
    field of what was done is, however alike its words and its dates."""
    return any(_PLAN.search(key) for key in keys)


def field_similarity(keys: tuple[str, ...], names: tuple[str, ...], characters: frozenset[str]
                     ) -> float:
    """Return how close a column's header forms are to a field's names, at most 1.0.

    The best pair decides; a little is added for the share of the column's characters
    that the field's names use at all (单位全称 is nearer 单位名称/名称/单位 than 全称 alone).
    """
    best = max((similarity(key, name) for key in keys for name in names), default=0.0)
    if best == 0.0 or not keys:
        return best
    key = keys[-1]
    coverage = sum(1 for char in key if char in characters) / len(key)
    return min(SIMILAR_CAP, best + COVERAGE_WEIGHT * coverage)


def announced_type(keys: tuple[str, ...]) -> str | None:
    """Return "date" or "bool" when a header's own words say its cells are dates or
    yes-or-no (任职时间/起, 是否办结), else None."""
    if any(word in key for key in keys for word in _DATE_WORDS):
        return "date"
    if any(key.startswith(_YES_NO_WORDS[0]) or key.endswith(_YES_NO_WORDS[1]) for key in keys):
        return "bool"
    return None
