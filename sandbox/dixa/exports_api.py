"""The Dixa Exports API 1.0: GET /v1/conversation_export and /v1/message_export.

Documented behaviour simulated here: bare JSON arrays, epoch-ms fields, windows as
`<field>_after`/`<field>_before` in epoch ms or yyyy-mm-dd, at least one `_after` and
one `_before` (or `csids`), no window over 31 days, 400/401/429. Whether the bounds
are inclusive is undocumented, so it is a parameter (`Bounds`).
"""

from __future__ import annotations

import enum
import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sandbox.dixa.auth import token_authenticator
from sandbox.server import Api
from sandbox.synthetic import DAY_MS
from sandbox.wire import Request, Response

if TYPE_CHECKING:
    from sandbox.dixa.exports_data import ExportsData, Record
    from sandbox.ratelimit import RateLimit

MAX_WINDOW_MS = 31 * DAY_MS
CONVERSATION_WINDOWS = ("updated", "created", "closed", "last_message_created")
MESSAGE_WINDOWS = ("created",)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Bounds(enum.Enum):
    """How the API reads `_after` and `_before`: (after inclusive, before inclusive)."""

    INCLUSIVE = (True, True)
    EXCLUSIVE = (False, False)
    HALF_OPEN = (True, False)


class BadRequestError(Exception):
    """A 400 with the given message."""


def exports_api(
    data: ExportsData,
    *,
    token: str,
    bounds: Bounds = Bounds.INCLUSIVE,
    rate_limit: RateLimit | None = None,
) -> Api:
    """Build the Exports API over `data`."""
    api = Api("dixa-exports", authenticate=token_authenticator(token), rate_limit=rate_limit)

    def export(request: Request, kind: str, windows: tuple[str, ...]) -> Response:
        try:
            limits = _windows(request, windows)
            csids = _csids(request) if kind == "conversations" else None
        except BadRequestError as error:
            return Response.error(400, f"Invalid query parameters: {error}")
        records: dict[Any, Record] = getattr(data, kind)
        if csids is not None:
            candidates = [records[i] for i in sorted(csids) if i in records]
        else:
            field_name, (after, before) = next(iter(limits.items()))
            window = (
                after if after is not None else -1,
                before if before is not None else 2**62,
            )
            ids = data.select(kind, f"{field_name}_at", window, bounds.value)
            # Id order, not time order: the API does not promise a sort.
            candidates = [records[i] for i in sorted(ids)]
        selected = [
            r
            for r in candidates
            if all(
                _inside(r.get(f"{name}_at"), after, before, bounds)
                for name, (after, before) in limits.items()
            )
        ]
        return Response(200, data.render(selected))

    @api.route("GET", "/v1/conversation_export")
    def conversation_export(request: Request) -> Response:
        return export(request, "conversations", CONVERSATION_WINDOWS)

    @api.route("GET", "/v1/message_export")
    def message_export(request: Request) -> Response:
        return export(request, "messages", MESSAGE_WINDOWS)

    return api


def _windows(request: Request, names: tuple[str, ...]) -> dict[str, tuple[int | None, int | None]]:
    """The `<name>_after`/`<name>_before` bounds given, validated as the API does."""
    limits: dict[str, tuple[int | None, int | None]] = {}
    for name in names:
        after = _instant(request, f"{name}_after")
        before = _instant(request, f"{name}_before")
        if after is None and before is None:
            continue
        if after is not None and before is not None and before - after > MAX_WINDOW_MS:
            msg = "no query can span more than 1 month (31 days)"
            raise BadRequestError(msg)
        limits[name] = (after, before)
    has_after = any(after is not None for after, _ in limits.values())
    has_before = any(before is not None for _, before in limits.values())
    if not (has_after and has_before) and request.param("csids") is None:
        msg = "at least one _after and one _before parameter, or csids, is required"
        raise BadRequestError(msg)
    return limits


def _instant(request: Request, name: str) -> int | None:
    """A bound as epoch ms; yyyy-mm-dd is read as UTC midnight."""
    raw = request.param(name)
    if raw is None:
        return None
    if raw.isdigit():
        return int(raw)
    if _DATE.match(raw):
        try:
            day = datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        except ValueError:
            pass
        else:
            return int(day.timestamp() * 1000)
    msg = f"{name} must be epoch milliseconds or yyyy-mm-dd, got {raw!r}"
    raise BadRequestError(msg)


def _csids(request: Request) -> set[int] | None:
    raw = request.param("csids")
    if raw is None:
        return None
    try:
        return {int(part) for part in raw.split(",") if part}
    except ValueError:
        msg = "csids must be comma-separated integers"
        raise BadRequestError(msg) from None


def _inside(value: int | None, after: int | None, before: int | None, bounds: Bounds) -> bool:
    after_inclusive, before_inclusive = bounds.value
    if value is None:
        return False
    if after is not None and (value < after or (value == after and not after_inclusive)):
        return False
    return before is None or value < before or (value == before and before_inclusive)
