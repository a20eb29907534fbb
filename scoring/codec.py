"""Turn rule dataclasses into plain JSON-able values and back.

Decimals travel as strings so that no float ever touches a score; tuples become lists.
Decoding follows the dataclass's type hints, so a new field needs no codec change.
"""

import types
import typing
from dataclasses import MISSING, fields, is_dataclass
from decimal import Decimal, InvalidOperation
from typing import Any


def to_plain(value: Any) -> Any:
    """Return value as dicts, lists, strings, ints and None."""
    if is_dataclass(value):
        return {item.name: to_plain(getattr(value, item.name)) for item in fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [to_plain(item) for item in value]
    return value


def from_plain(kind: Any, data: Any, path: str = "") -> Any:
    """Build a value of type `kind` from what `to_plain` made; raise ValueError in Chinese."""
    if is_dataclass(kind):
        return _dataclass(kind, data, path)
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        (inner,) = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return from_plain(inner, data, path)
    if origin is tuple:
        inner = typing.get_args(kind)[0]
        if not isinstance(data, list | tuple):
            raise ValueError(f"规则字段 {path} 应为列表。")
        return tuple(from_plain(inner, item, f"{path}[{i}]") for i, item in enumerate(data))
    if kind is Decimal:
        return _decimal(data, path)
    if kind is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise ValueError(f"规则字段 {path} 应为整数，而不是 {data!r}。")
        return data
    raise TypeError(f"cannot decode {kind!r}")


def _dataclass(kind: Any, data: Any, path: str) -> Any:
    if not isinstance(data, dict):
        raise ValueError(f"规则字段 {path or '（整体）'} 应为字典。")
    hints = typing.get_type_hints(kind)
    names = {item.name for item in fields(kind)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValueError(f"规则中有未知字段：{'、'.join(unknown)}。")
    missing = [
        item.name
        for item in fields(kind)
        if item.name not in data and item.default is MISSING and item.default_factory is MISSING
    ]
    if missing:
        raise ValueError(f"规则缺少字段：{'、'.join(missing)}。")
    values = {
        name: from_plain(hints[name], data[name], f"{path}.{name}".lstrip("."))
        for name in names
        if name in data
    }
    return kind(**values)


def _decimal(data: Any, path: str) -> Decimal:
    # Floats are refused: 0.1 as a float is not 0.1.
    if isinstance(data, bool) or not isinstance(data, str | int):
        raise ValueError(f"规则字段 {path} 应为数字字符串，而不是 {data!r}。")
    try:
        value = Decimal(data)
    except InvalidOperation:
        raise ValueError(f"规则字段 {path} 不是有效数字：{data!r}。") from None
    if not value.is_finite():
        raise ValueError(f"规则字段 {path} 不是有效数字：{data!r}。")
    return value
