"""How figures read in the Chinese sentences of an explanation."""

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


def day(value: date) -> str:
    """Write a date as 2017年3月1日."""
    return f"{value.year}年{value.month}月{value.day}日"


def amount(value: Decimal) -> str:
    """Write points without trailing zeros: 2 not 2.00, 0.5 not 0.50."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def score(value: Decimal) -> str:
    """Write a score with its two decimals."""
    return format(value, "f")


def numbers(opinion_numbers: Iterable[str]) -> str:
    """Write opinion numbers as 第0003、0017号."""
    return "第" + "、".join(opinion_numbers) + "号"


def mean(value: Decimal) -> str:
    """Write a mean grade with four decimals."""
    return format(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP), "f")
