"""Turn one cell, written any way offices write it, into a typed Python value.

Each parser takes the raw cell (str, float, int, bool, date, datetime or '') and
returns the value or raises `BadValue` with a Chinese explanation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any, NamedTuple

from importers.clock import local_today
from importers.vocabulary import Grade, spellings


class BadValue(ValueError):
    """A cell's value cannot be read; the message says why, in Chinese."""


Parser = Callable[[Any], Any]

# Words that mean "nothing here" in an otherwise multi-value or optional cell.
NONE_WORDS = frozenset({"无", "暂无", "没有", "空", "/", "-", "—", "--", "——", "\\", "NA", "N/A"})
TRUE_WORDS = frozenset({"是", "√", "✓", "✔", "☑", "Y", "YES", "TRUE", "1", "对", "有", "已"})
FALSE_WORDS = frozenset(
    {"否", "×", "✗", "✘", "☐", "N", "NO", "FALSE", "0", "不", "无", "未", "没有"}
)

_WHITESPACE = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[、,;/|\n]+")  # after NFKC, full-width ，；／｜ are ASCII
# Whitespace between two Chinese characters, as in a name padded to the width of three.
_SPACE_IN_NAME = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_NUMBER = re.compile(r"^(?:第|NO\.?|#|№)?0*(\d+)(?:\.0+)?号?$")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_YMD = re.compile(r"^(\d{4}|\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号.]?$")
_MD = re.compile(r"^(\d{1,2})月(\d{1,2})[日号]?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\.0+)?$")
_YEAR_LAST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
# Dashes and dots offices type between a date's parts, beyond what NFKC turns to ASCII.
_DATE_MARKS = str.maketrans({"—": "-", "–": "-", "‐": "-", "‑": "-", "−": "-", "。": ".",
                             "·": ".", "、": "."})
# A two-digit year (17年3月5日) is read only when the session's year is known and the date
# then falls within this many years of it; otherwise it is refused, never guessed.
TWO_DIGIT_YEAR_SPAN = 5
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_CHINESE_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")
_CHINESE_TENS = re.compile(r"([一二三]?)十([一二三四五六七八九]?)")
_EXCEL_EPOCH = date(1899, 12, 30)
# The dates a record of the office can hold; the screens' date parameters keep to them too.
EARLIEST, LATEST = date(1949, 10, 1), date(2100, 12, 31)
_GRADE_WORDS = sorted((g.value for g in Grade), key=len, reverse=True)
_UNIT_GRADE = re.compile(
    r"([^:=()、,;/|\s]+?)\s*[:=(\-—]?\s*(" + "|".join(_GRADE_WORDS) + r")\s*\)?"
)


# What a formula leaves in a cell when it fails, in Excel, WPS and LibreOffice (Err:502),
# and the mark the reader puts in a cell whose formula was saved without its result.
_ERROR_VALUE = re.compile(r"^(?:#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!"
                          r"|CALC!|FIELD!|BLOCKED!|UNKNOWN!|BUSY!|CONNECT!|EXTERNAL!)|ERR:\d{3})$")
UNCALCULATED = "#未计算"


def error_value(text: str) -> str | None:
    """Return why a cell holding a formula's error value (or no result) cannot be read."""
    if text == UNCALCULATED:
        return "单元格中的公式没有保存计算结果，请在 Excel 或 WPS 中打开并保存后重新导入"
    if _ERROR_VALUE.match(text.strip().upper()):
        return f"单元格是公式的错误值“{text.strip()}”，请改为正确的值或留空"
    return None


def squeeze(text: str) -> str:
    """Return text in NFKC form (full-width to half-width) without any whitespace."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def is_blank(raw: Any) -> bool:
    """Tell whether a cell holds nothing but whitespace."""
    return raw is None or raw == "" or (isinstance(raw, str) and not raw.strip())


def as_text(raw: Any) -> str:
    """Return a cell as trimmed text; whole floats lose their `.0` (phone numbers, codes)."""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime) and raw.time() == datetime.min.time():
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


def parse_text(raw: Any) -> str:
    """Read a text cell; a formula's error value is no text."""
    text = as_text(raw)
    if text[:1] in "#E" and (why := error_value(text)):
        raise BadValue(why)
    return text


def parse_name(raw: Any) -> str:
    """Read a person's name, without the spaces that line a short name up (王  伟)."""
    return _SPACE_IN_NAME.sub("", parse_text(raw))


def parse_number(raw: Any) -> int:
    """Read an opinion number written 0001, 1, 第1号, 1.0 or as a numeric cell."""
    if isinstance(raw, bool):
        raise BadValue("应为编号（正整数），不是是/否")
    if isinstance(raw, int | float):
        if raw >= 1 and float(raw).is_integer():
            return int(raw)
        raise BadValue("编号应为正整数")
    return _number_from_text(as_text(raw))


@lru_cache(maxsize=65536)
def _number_from_text(text: str) -> int:
    match = _NUMBER.match(squeeze(text).upper())
    if not match or int(match.group(1)) < 1:
        raise BadValue("无法识别的编号，应写成 0001、1 或 第1号")
    return int(match.group(1))


def parse_date(raw: Any, year: int | None = None) -> date:
    """Read a date cell, an Excel serial number or a Chinese or numeric date text."""
    if isinstance(raw, datetime):
        return checked_date(raw.date())
    if isinstance(raw, date):
        return checked_date(raw)
    if isinstance(raw, bool):
        raise BadValue("应为日期，不是是/否")
    if isinstance(raw, int | float):
        if float(raw).is_integer() and 10_000_000 <= raw <= 99_999_999:
            return _date_from_text(str(int(raw)), year)  # 20170315 typed as a number
        return _from_serial(float(raw))
    return _date_from_text(as_text(raw), year)


def happened_date(value: date) -> date:
    """Return the date of something done if it is not after today; raise BadValue otherwise."""
    today = local_today()
    if value > today:
        raise BadValue(f"{value.year}年{value.month}月{value.day}日晚于今天"
                       f"（{today.year}年{today.month}月{today.day}日），已做的事不会在今天之后")
    return value


def checked_date(value: date) -> date:
    """Return the date if a record may hold it; raise BadValue otherwise."""
    if not EARLIEST <= value <= LATEST:
        raise BadValue(f"日期 {value.isoformat()} 不在合理范围内")
    return value


def _from_serial(serial: float) -> date:
    if not 1 <= serial < 2958466:
        raise BadValue("数字不是有效的 Excel 日期序号")
    return checked_date(_EXCEL_EPOCH + timedelta(days=int(serial)))


def _chinese_numerals(text: str) -> str:
    # 十 alone is 10, 二十五 is 25, 十二 is 12: rewrite tens first, then single digits.
    def tens(match: re.Match[str]) -> str:
        high = match.group(1) or "一"
        low = match.group(2) or "〇"
        return high + low

    return _CHINESE_TENS.sub(tens, text).translate(_CHINESE_DIGITS)


@lru_cache(maxsize=65536)
def _date_from_text(text: str, year: int | None) -> date:
    hint = "无法识别的日期，请写成 2017-03-05 或 2017年3月5日"
    compact = unicodedata.normalize("NFKC", text).strip().translate(_DATE_MARKS)
    compact = squeeze(_TIME_SUFFIX.sub("", compact))
    compact = _chinese_numerals(compact).rstrip(".")
    if _SERIAL.match(compact):
        return _from_serial(float(compact))
    if match := _YMD.match(compact) or _COMPACT.match(compact):
        y, m, d = (int(part) for part in match.groups())
        if y < 100:
            if "/" in compact:
                _refuse_month_first(y, m, d, year)
            y = _full_year(y, year)
    elif match := _YEAR_LAST.match(compact):
        y, m, d = _day_month_year(*(int(part) for part in match.groups()))
    elif match := _MD.match(compact):
        # Not the session's year: a reply or a conclusion may fall in the next one.
        raise BadValue("日期缺少年份，无法确定是哪一年，请写上年份（如 2017年3月5日）")
    else:
        raise BadValue(hint)
    try:
        found = date(y, m, d)
    except ValueError:
        raise BadValue(f"不是有效的日期（{y}年{m}月{d}日不存在）") from None
    return checked_date(found)


def _full_year(short: int, year: int | None) -> int:
    """Return the four-digit year nearest the session's year, if it is near enough."""
    if year is None:
        raise BadValue(f"年份“{short:02d}”只有两位，请写成四位年份")
    full = year - year % 100 + short
    full = min((full - 100, full, full + 100), key=lambda y: abs(y - year))
    if abs(full - year) > TWO_DIGIT_YEAR_SPAN:
        raise BadValue(f"年份“{short:02d}”只有两位，且与届次年度{year}相差较远，请写成四位年份")
    return full


def _refuse_month_first(first: int, second: int, third: int, year: int | None) -> None:
    """Refuse 12/10/17, which an American Excel writes for 2017-12-10, when it reads as a
    near date that way too (17/3/15 cannot: there is no 17th month)."""
    try:
        other = date(_full_year(third, year), first, second)
        own = _full_year(first, year)
    except (BadValue, ValueError):
        return
    said = f"{first}/{second}/{third}"
    raise BadValue(f"日期顺序不明确（{said} 可能是{own}年{second}月{third}日，"
                   f"也可能是{other.year}年{first}月{second}日），请写成四位年份")


def _day_month_year(first: int, second: int, y: int) -> tuple[int, int, int]:
    """Order 15/3/2017 or 3/15/2017; refuse 3/4/2017, which reads both ways."""
    if first > 12 >= second:
        return y, second, first
    if second > 12 >= first:
        return y, first, second
    if first == second:
        return y, first, first
    raise BadValue(f"日期顺序不明确（{first}/{second}/{y} 可能是{first}月{second}日，"
                   f"也可能是{second}月{first}日），请写成 {y}-月-日")


def parse_bool(raw: Any, true_words: frozenset[str] = TRUE_WORDS,
               false_words: frozenset[str] = FALSE_WORDS) -> bool:
    """Read a yes/no cell; a blank cell means no."""
    if isinstance(raw, bool):
        return raw
    if is_blank(raw):
        return False
    word = squeeze(as_text(raw)).upper()
    if word in true_words:
        return True
    if word in false_words:
        return False
    raise BadValue("应填写“是”或“否”（也可写 √ 或留空）")


def yes_no_parser(yes: str, no: str, header: str = "") -> Parser:
    """Return a yes/no parser that also accepts the field's own words.

    Those are its two words (同意/不同意) and, for a header 是否X, X or 已X for yes and
    未X, 不X or 没X for no (是否办结: 已办结 / 未办结).
    """
    true_words = TRUE_WORDS | {squeeze(yes).upper()}
    false_words = FALSE_WORDS | {squeeze(no).upper()}
    if header.startswith("是否") and (act := header.removeprefix("是否")):
        true_words |= {act, "已" + act}
        false_words |= {"未" + act, "不" + act, "没" + act, "没有" + act}

    def parse(raw: Any) -> bool:
        try:
            return parse_bool(raw, true_words, false_words)
        except BadValue:
            raise BadValue(f"应填写“{yes}”或“{no}”") from None

    return parse


def choice_parser(choices: type[StrEnum]) -> Parser:
    """Return a parser for one closed vocabulary, accepting its usual spellings."""
    known = {squeeze(spelling).upper(): member for spelling, member in spellings(choices).items()}
    allowed = "、".join(member.value for member in choices)

    @lru_cache(maxsize=1024)
    def from_text(text: str) -> StrEnum:
        word = squeeze(text).upper()
        for candidate in (word, word.removesuffix("类"), word.removesuffix("件")):
            if candidate in known:
                return known[candidate]
        # "A类（已经解决）" names one member twice, "一、城市建设和管理" one with a note:
        # accept when the parts that name a member all name the same one.
        parts = {known.get(part) or known.get(part.removesuffix("类"))
                 for part in re.split(r"[()\[\]:.\-、,]+", word) if part}
        parts.discard(None)
        if len(parts) == 1:
            return parts.pop()  # type: ignore[return-value]
        raise BadValue(f"不是可选的值，应为：{allowed}")

    def parse(raw: Any) -> StrEnum:
        return from_text(as_text(raw))

    return parse


def split_values(raw: Any) -> list[str]:
    """Split a multi-value cell on any common separator; 无 or a dash means none."""
    if is_blank(raw):
        return []
    if not isinstance(raw, str):
        return [as_text(raw)]
    return list(_split_text(raw))


@lru_cache(maxsize=65536)
def _split_text(text: str) -> tuple[str, ...]:
    normal = unicodedata.normalize("NFKC", text)
    values: list[str] = []
    for part in _SEPARATORS.split(normal):
        words = part.split()
        # Spaces also separate, unless they split a piece down to one character: no name
        # is one character, so those spaces line a name up (李  四) and sit inside it.
        if any(len(word) == 1 for word in words):
            words = ["".join(words)]
        values.extend(word for word in words if word.upper() not in NONE_WORDS)
    return tuple(values)


class UnitGrade(NamedTuple):
    """One co-handler's grade, as deputies give it inside one cell."""

    unit: str
    grade: Grade


def parse_unit_grades(raw: Any, resolve_unit: Parser) -> list[UnitGrade]:
    """Read a cell like `区绿容局:好；交通委:较好` into (unit, grade) pairs."""
    if is_blank(raw) or squeeze(as_text(raw)).upper() in NONE_WORDS:
        return []
    text = unicodedata.normalize("NFKC", as_text(raw)).replace("：", ":")
    pairs, end = [], 0
    for match in _UNIT_GRADE.finditer(text):
        if re.sub(r"[、,;/|\s]", "", text[end:match.start()]):
            break
        pairs.append(UnitGrade(resolve_unit(match.group(1)), Grade(match.group(2))))
        end = match.end()
    if not pairs or re.sub(r"[、,;/|\s]", "", text[end:]):
        raise BadValue("无法识别的会办单位评价，应写成“单位:好；单位:较好”")
    return pairs
