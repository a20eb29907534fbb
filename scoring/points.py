"""Decimal arithmetic for scores: exact quotients, rounding to 0.01 half up.

A private context keeps the results independent of whatever decimal context the
caller (a Flask request, a test) has set.
"""

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal

CENT = Decimal("0.01")
ZERO = Decimal(0)
_CONTEXT = Context(prec=40, rounding=ROUND_HALF_EVEN)


def quotient(numerator: Decimal | int, denominator: Decimal | int) -> Decimal:
    """Return numerator / denominator to 40 significant digits."""
    return _CONTEXT.divide(Decimal(numerator), Decimal(denominator))


def round_points(value: Decimal) -> Decimal:
    """Round a score to 0.01, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP, context=_CONTEXT)


def scaled_points(full: Decimal, part: Decimal | int, whole: Decimal | int) -> Decimal:
    """Return full × part / whole rounded to 0.01, multiplying before dividing."""
    return round_points(quotient(_CONTEXT.multiply(full, Decimal(part)), whole))
