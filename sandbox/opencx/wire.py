"""How the Open CX API talks: NestJS-style errors, query validation, opaque cursors."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from datetime import date, datetime, timezone
from http import HTTPStatus
from typing import TYPE_CHECKING

from sandbox.opencx.readings import RangeBounds
from sandbox.opencx.table import EPOCH, MILLISECOND
from sandbox.synthetic import DAY_MS
from sandbox.wire import Response

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from sandbox.wire import Request

MAX_SAFE_INTEGER = 2**53 - 1
_ISO_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([zZ]|[+-]\d{2}:?\d{2})?)?$"
)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class BadRequestError(Exception):
    """A 400 listing what was wrong, as NestJS's ValidationPipe answers."""

    def __init__(self, *messages: str) -> None:
        """One message per problem."""
        super().__init__(*messages)
        self.messages = list(messages)

    def response(self) -> Response:
        """The 400 answer."""
        return error(HTTPStatus.BAD_REQUEST, self.messages)


def error(status: HTTPStatus, message: str | list[str]) -> Response:
    """`{"statusCode": ..., "message": ..., "error": ...}`, NestJS's error body."""
    return Response.json(
        {"statusCode": status.value, "message": message, "error": status.phrase}, status=status
    )


def is_uuid(value: object) -> bool:
    """Whether `value` is a UUID string (nil and max UUIDs included)."""
    return isinstance(value, str) and bool(_UUID.match(value))


def instant(name: str, raw: object) -> int:
    """An ISO-8601 date or date-time as epoch ms (no offset: UTC), or a 400."""
    if not isinstance(raw, str) or not _ISO_DATE_TIME.match(raw):
        raise BadRequestError(f"{name} must be a valid ISO 8601 date string")
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            moment = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        else:
            text = raw.replace(" ", "T").replace("z", "Z").replace("Z", "+00:00")
            moment = datetime.fromisoformat(_microseconds_at_most(text))
    except ValueError:
        raise BadRequestError(f"{name} must be a valid ISO 8601 date string") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return (moment - EPOCH) // MILLISECOND


def _microseconds_at_most(text: str) -> str:
    return re.sub(r"(\.\d{6})\d+", r"\1", text)


def check_query(request: Request, allowed: Iterable[str]) -> None:
    """Refuse parameters the endpoint does not document (whitelisting validation)."""
    unknown = sorted(set(request.query) - set(allowed))
    if unknown:
        raise BadRequestError(*(f"property {name} should not exist" for name in unknown))


def one_of(name: str, raw: str | None, allowed: Iterable[str]) -> str | None:
    """The parameter if it is one of `allowed` (or absent), else a 400."""
    values = tuple(allowed)
    if raw is not None and raw not in values:
        raise BadRequestError(f"{name} must be one of the following values: {', '.join(values)}")
    return raw


def time_range(
    request: Request, after: str, before: str, bounds: RangeBounds
) -> tuple[int, int, bool, bool]:
    """(start, end, start included, end included) of a pair of time parameters."""
    return read_range(instant_param(request, after), instant_param(request, before), bounds)


def instant_param(request: Request, name: str) -> int | None:
    """A time parameter as epoch ms, None if absent, a 400 if it is not ISO-8601."""
    raw = request.param(name)
    return None if raw is None else instant(name, raw)


def read_range(
    start: int | None, end: int | None, bounds: RangeBounds
) -> tuple[int, int, bool, bool]:
    """Apply one reading of the bounds; a missing bound is open."""
    if bounds is RangeBounds.WHOLE_DAYS:
        start = None if start is None else start - start % DAY_MS
        end = None if end is None else end - end % DAY_MS + DAY_MS - 1
        included = (True, True)
    else:
        included = {
            RangeBounds.INCLUSIVE: (True, True),
            RangeBounds.EXCLUSIVE: (False, False),
            RangeBounds.HALF_OPEN: (True, False),
        }[bounds]
    return (
        -(2**62) if start is None else start,
        2**62 if end is None else end,
        *included,
    )


class Cursors:
    """Opaque cursors over query results; a cursor only fits the query that made it."""

    def __init__(self) -> None:
        """No results cached yet."""
        self._results: dict[str, list[str]] = {}

    def page(
        self,
        query: Mapping[str, object],
        cursor: str | None,
        size: int,
        select: Callable[[], Iterable[str]],
    ) -> tuple[list[str], str | None]:
        """One page of the query's keys and the cursor of the next page (None at the end).

        `select` computes the keys, in the order they are served, on a cache miss.
        """
        digest = hashlib.sha1(
            json.dumps(query, sort_keys=True, default=str).encode(), usedforsecurity=False
        ).hexdigest()[:16]
        offset = 0 if cursor is None else self._offset(cursor, digest)
        keys = self._results.get(digest)
        if keys is None:
            if len(self._results) > 64:
                self._results.clear()
            keys = self._results[digest] = list(select())
        end = offset + size
        following = _encode(end, digest) if end < len(keys) else None
        return keys[offset:end], following

    @staticmethod
    def _offset(cursor: str, digest: str) -> int:
        try:
            offset, _, made_for = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
            if made_for == digest and offset.isdigit():
                return int(offset)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            pass
        raise BadRequestError("cursor is invalid or does not belong to this query")


def _encode(offset: int, digest: str) -> str:
    return base64.urlsafe_b64encode(f"{offset}:{digest}".encode()).decode()
