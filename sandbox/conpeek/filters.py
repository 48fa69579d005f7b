"""The `filter` query parameter: a URL-encoded JSON list of {property, operator, value}."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sandbox.conpeek.data import Record

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
RANGE_OPERATORS = frozenset({"gt", "gte", "lt", "lte"})


class BadRequestError(Exception):
    """A 400 with the given message."""


@dataclass(frozen=True)
class Condition:
    """One object of the filter list."""

    property: str
    operator: str | None
    value: Any


@dataclass(frozen=True)
class FilterSpec:
    """The filter properties one endpoint documents, and the row fields they test."""

    times: Mapping[str, str] = field(default_factory=dict)
    """Properties holding a UTC time `YYYY-MM-DD HH:mm:ss`, compared with an operator."""
    numbers: Mapping[str, str] = field(default_factory=dict)
    """Integer properties compared with an operator (`eq` too)."""
    lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Properties whose value is a list; a row matches if one of its fields is in it."""
    equals: Mapping[str, str] = field(default_factory=dict)
    """Properties whose value a row's field must equal."""


def parse_filter(raw: str | None, spec: FilterSpec) -> list[Condition]:
    """The conditions of a `filter` value, validated as the API does (or BadRequestError)."""
    if raw is None or raw == "":
        return []
    try:
        items = json.loads(raw)
    except ValueError:
        msg = "filter must be a JSON list of objects (URL-encoded)"
        raise BadRequestError(msg) from None
    if not isinstance(items, list):
        msg = "filter must be a JSON list of objects"
        raise BadRequestError(msg)
    return [_condition(item, spec) for item in items]


def _condition(item: object, spec: FilterSpec) -> Condition:
    if not isinstance(item, dict) or "property" not in item or "value" not in item:
        msg = "every filter object must have property and value"
        raise BadRequestError(msg)
    name, operator, value = item["property"], item.get("operator"), item["value"]
    if name in spec.times:
        if operator not in RANGE_OPERATORS:
            msg = f"filter {name}: operator must be one of gt, gte, lt, lte"
            raise BadRequestError(msg)
        return Condition(name, operator, parse_time(value, name))
    if name in spec.numbers:
        if operator not in {*RANGE_OPERATORS, "eq"} or type(value) is not int:
            msg = f"filter {name}: an integer with operator gt, gte, lt, lte or eq"
            raise BadRequestError(msg)
        return Condition(name, operator, value)
    if name in spec.lists:
        if not isinstance(value, list):
            msg = f"filter {name}: value must be a list"
            raise BadRequestError(msg)
        return Condition(name, None, value)
    if name in spec.equals:
        return Condition(name, None, value)
    msg = f"filter: unknown property {name!r}"
    raise BadRequestError(msg)


def parse_time(value: object, name: str) -> int:
    """A `YYYY-MM-DD HH:mm:ss` UTC string as epoch seconds."""
    try:
        moment = datetime.strptime(str(value), TIME_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        msg = f"filter {name}: value must be a UTC date YYYY-MM-DD HH:mm:ss, got {value!r}"
        raise BadRequestError(msg) from None
    return int(moment.timestamp())


def time_bounds(conditions: list[Condition], names: set[str]) -> tuple[int | None, int | None]:
    """The [low, high) epoch seconds that the time conditions on `names` allow."""
    low: int | None = None
    high: int | None = None
    for condition in conditions:
        if condition.property not in names:
            continue
        value = int(condition.value)
        if condition.operator in {"gt", "gte"}:
            bound = value + (condition.operator == "gt")
            low = bound if low is None else max(low, bound)
        else:
            bound = value + (condition.operator == "lte")
            high = bound if high is None else min(high, bound)
    return low, high


def matches(record: Record, conditions: list[Condition], spec: FilterSpec) -> bool:
    """Whether a row passes every condition (time conditions on its index aside)."""
    return all(_matches(record, condition, spec) for condition in conditions)


def _matches(record: Record, condition: Condition, spec: FilterSpec) -> bool:
    name, value = condition.property, condition.value
    if name in spec.times:
        raw = record.get(spec.times[name])
        return raw is not None and _compare(parse_time(raw, name), condition.operator, value)
    if name in spec.numbers:
        number = record.get(spec.numbers[name])
        return number is not None and _compare(number, condition.operator, value)
    if name in spec.lists:
        return any(record.get(f) in value for f in spec.lists[name])
    return bool(record.get(spec.equals[name]) == value)


def _compare(left: int, operator: str | None, right: int) -> bool:
    return {
        "gt": left > right,
        "gte": left >= right,
        "lt": left < right,
        "lte": left <= right,
        "eq": left == right,
    }[operator or "eq"]
