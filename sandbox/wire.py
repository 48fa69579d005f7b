"""Requests and responses as the simulated APIs see them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping


@dataclass(frozen=True)
class Request:
    """An HTTP request as a simulated API sees it."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes

    def param(self, name: str) -> str | None:
        """Return the first value of a query parameter, or None."""
        values = self.query.get(name)
        return values[0] if values else None

    def json(self) -> Any:  # noqa: ANN401
        """Return the body parsed as JSON."""
        return json.loads(self.body)


@dataclass
class Response:
    """An HTTP response; `body` is sent as is."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    @classmethod
    def json(cls, payload: Any, status: int = 200) -> Response:  # noqa: ANN401
        """Build a JSON response."""
        return cls(status, json.dumps(payload, separators=(",", ":")).encode())

    @classmethod
    def error(cls, status: int, message: str) -> Response:
        """Build an error response with a `{"message": ...}` body."""
        return cls.json({"message": message}, status=status)


@dataclass
class LoggedRequest:
    """One request received by a simulated API (logged on arrival), and its answer."""

    at: float
    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    status: int | None = None
    """None while the answer is pending, 0 for a dropped connection."""

    def param(self, name: str) -> str | None:
        """Return the first value of a query parameter, or None."""
        values = self.query.get(name)
        return values[0] if values else None
