"""Faults named on the command line: `python -m sandbox --fault 429:2,path=/contacts,times=3`.

A spec is `KIND[:ARG]` then optional `,key=value` parts:

- `429` (no Retry-After), `429:SECONDS`, `429-date:SECONDS` (Retry-After as an HTTP date)
- `500`, `502`, `503`, `504` or any other status: that status with a JSON error body
- `drop`: close the connection without answering
- `slow:SECONDS`: answer normally, after SECONDS
- `truncate`: the real answer, cut in half
- `html`: an HTML maintenance page instead of JSON
- `drift`: the real answer with a field no schema has added to every record
- `set:FIELD=JSON`: the real answer with FIELD of its first record set to the JSON value
  (`set:talking_time="abc"`, `set:id=null`; no commas), or removed with `unset:FIELD`

and `api=NAME` (default: every API), `path=/...` (default: any), `times=N|all` (default
1), `skip=N` (default 0: the first matching request).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sandbox.faults import (
    Delay,
    DropConnection,
    Fault,
    Status,
    Truncate,
    html_page,
    too_many_requests,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from sandbox.faults import Drop, Respond
    from sandbox.wire import Request, Response

EVERY = 10**9
"""`times=all`: more requests than any run makes."""
DRIFT_FIELD = "sandbox_drift"


@dataclass(frozen=True)
class Drift:
    """The real answer, with `sandbox_drift` added to every record: an API that grew a field."""

    def apply(self, request: Request, respond: Respond) -> Response | Drop:
        """Add the field to each object of the body's record list."""
        return _edited(respond(request), self.edit)

    @staticmethod
    def edit(records: list[dict[str, Any]]) -> None:
        """Add the field to every record."""
        for record in records:
            record[DRIFT_FIELD] = "a field no schema lists"


MISSING = object()
"""`SetField`'s value that removes the field."""


@dataclass(frozen=True)
class SetField:
    """The real answer with one field of its first record changed: an API breaking its type."""

    field: str
    value: Any = MISSING
    """The new value (any JSON), or MISSING to remove the field."""

    def apply(self, request: Request, respond: Respond) -> Response | Drop:
        """Change the field in the first object of the body's record list."""
        return _edited(respond(request), self.edit)

    def edit(self, records: list[dict[str, Any]]) -> None:
        """Change the field in the first record."""
        for record in records[:1]:
            if self.value is MISSING:
                record.pop(self.field, None)
            else:
                record[self.field] = self.value


def _edited(response: Response, edit: Callable[[list[dict[str, Any]]], None]) -> Response:
    """`response` with `edit` applied to its records (a body that is not JSON stays)."""
    try:
        body = json.loads(response.body)
    except ValueError:
        return response
    edit(_records(body))
    response.body = json.dumps(body).encode()
    return response


def _records(body: Any) -> list[dict[str, Any]]:  # noqa: ANN401 (any JSON)
    """The objects of the first list of objects in the body: the records of every envelope."""
    if isinstance(body, list):
        return [item for item in body if isinstance(item, dict)]
    if isinstance(body, dict):
        for value in body.values():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                return _records(value)
        return [body]
    return []


@dataclass(frozen=True)
class FaultSpec:
    """A fault and where it strikes."""

    fault: Fault
    api: str | None = None
    path: str | None = None
    times: int = 1
    skip: int = 0


def parse_fault(spec: str) -> FaultSpec:
    """The fault a command-line spec names.

    Raises:
        ValueError: With a one-line reason, if the spec is not one.
    """
    kind, *options = spec.split(",")
    name, _, argument = kind.partition(":")
    fault = _fault(name.strip().lower(), argument.strip(), spec)
    where: dict[str, Any] = {}
    for option in options:
        key, _, value = option.partition("=")
        key = key.strip()
        if key in {"api", "path"} and value:
            where[key] = value.strip()
        elif key == "times" and value == "all":
            where[key] = EVERY
        elif key in {"times", "skip"} and value.isdigit():
            where[key] = int(value)
        else:
            msg = f"fault {spec!r}: {option!r} is not api=NAME, path=/..., times=N|all or skip=N"
            raise ValueError(msg)
    return FaultSpec(fault, **where)


def _fault(name: str, argument: str, spec: str) -> Fault:
    seconds = _seconds(argument, spec) if argument and name not in {"set", "unset"} else None
    if name == "429":
        return too_many_requests(seconds)
    if name == "429-date":
        return too_many_requests(seconds or 1, http_date=True)
    if name.isdigit() and 400 <= int(name) <= 599:
        return Status(int(name))
    simple: dict[str, Fault] = {
        "drop": DropConnection(),
        "truncate": Truncate(),
        "html": html_page(),
        "drift": Drift(),
    }
    if name in simple:
        return simple[name]
    if name == "slow":
        return Delay(seconds or 5)
    if name in {"set", "unset"} and argument:
        return _set_field(name, argument, spec)
    msg = (
        f"fault {spec!r}: {name!r} is not one of 429, 429-date, an HTTP error status, drop, "
        "slow, truncate, html, drift, set:FIELD=JSON, unset:FIELD"
    )
    raise ValueError(msg)


def _set_field(name: str, argument: str, spec: str) -> SetField:
    if name == "unset":
        return SetField(argument)
    field, equals, text = argument.partition("=")
    if not field or not equals:
        msg = f"fault {spec!r}: {argument!r} is not FIELD=JSON"
        raise ValueError(msg)
    try:
        value = json.loads(text)
    except ValueError:
        msg = f'fault {spec!r}: {text!r} is not a JSON value (quote a string: "abc")'
        raise ValueError(msg) from None
    return SetField(field, value)


def _seconds(argument: str, spec: str) -> float:
    try:
        return float(argument)
    except ValueError:
        msg = f"fault {spec!r}: {argument!r} is not a number of seconds"
        raise ValueError(msg) from None
