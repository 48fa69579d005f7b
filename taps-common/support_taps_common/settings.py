"""Checks of settings that a JSON schema cannot make, each failure one readable line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from support_taps_common.times import is_zone, parse_instant

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


def date_range_errors(
    values: Mapping[str, Any],
    start: str = "start_date",
    end: str = "end_date",
    *,
    label: str = "",
    strict: bool = True,
) -> list[str]:
    """Two optional time settings: each must parse, and the end must follow the start.

    `strict`: the end must be after the start, not equal to it. `label` prefixes both
    names (e.g. `insights_filters.`).
    """
    errors = []
    parsed = {}
    for name in (start, end):
        value = values.get(name)
        if value is None:
            continue
        try:
            parsed[name] = parse_instant(str(value))
        except ValueError:
            errors.append(
                f"{label}{name} {value!r} is not a date (yyyy-mm-dd) or an ISO-8601 date-time"
            )
    if start in parsed and end in parsed:
        backwards = parsed[end] <= parsed[start] if strict else parsed[end] < parsed[start]
        if backwards:
            order = "after" if strict else "at or after"
            errors.append(
                f"{label}{end} ({values[end]}) must be {order} {label}{start} ({values[start]})"
            )
    return errors


def url_errors(values: Mapping[str, Any], names: Iterable[str]) -> list[str]:
    """Each of these settings, where set, must be an absolute http(s) URL."""
    errors = []
    for name in names:
        value = values.get(name)
        if value is None:
            continue
        url = urlparse(str(value))
        if url.scheme not in {"http", "https"} or not url.netloc:
            errors.append(f"{name} {value!r} is not an http(s) URL")
    return errors


def zone_errors(values: Mapping[str, Any], name: str, example: str) -> list[str]:
    """The setting `name`, where set, must be an IANA time zone (`example` shows one)."""
    value = values.get(name)
    if value is None or is_zone(str(value)):
        return []
    return [f"{name} {value!r} is not an IANA time zone (e.g. {example})"]
