"""iovox REST v1 `GET /calls/insights`, as documented, quirks included.

Simulated: the `username`/`secureKey` headers (401 without them), every documented 400
with its message (sic), page/limit paging over a bare JSON array, `order`, start/end
dates as `YYYY-MM-DD[ HH:MM:SS]` in the account's time zone, and `response_fields`
whose names differ from what comes back: `*_seconds` return as `*_sec`, and
comment_*, tag_*, task_*, transcription_* and *_category_* fields return nested under
`comments`, `tags`, `tasks`, `transcriptions` and `categories`.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sandbox.server import Api
from sandbox.wire import Response

if TYPE_CHECKING:
    from collections.abc import Callable

    from sandbox.iovox.data import Call, IovoxData
    from sandbox.iovox.readings import Readings
    from sandbox.wire import Request

MAX_LIMIT = 20_000
DEFAULT_LIMIT = 10_000
PATH = "/calls/insights"

FLAT_FIELDS = (
    "call_origin", "call_origin_location", "iovox_number", "call_destination", "call_time",
    "talk_time", "call_type", "call_result", "rule_result", "node_id", "node_name",
    "node_type", "link_id", "link_name", "link_type", "has_recording", "email_alert",
    "direction",
)  # fmt: skip
RENAMED = {"call_time_seconds": "call_time_sec", "talk_time_seconds": "talk_time_sec"}
"""Requested name -> the name the response uses."""
CATEGORY_FIELDS = tuple(
    f"{kind}_category_{part}"
    for kind in ("link", "call", "node", "contact")
    for part in ("id", "label", "value")
)
NESTED = {
    "comments": ("comment_id", "comment_created", "comment_username", "comment_language",
                 "comment_text"),
    "tags": ("tag_text", "tag_colour", "tag_source_type"),
    "tasks": ("task_username", "task_created", "task_assigned_username", "task_reminder_date",
              "task_reminder_message", "task_status", "task_due_date"),
    "transcriptions": ("transcription_id", "transcription_language", "transcription_text",
                       "transcription_phrases"),
    "categories": CATEGORY_FIELDS,
    "keyword_rules": ("keyword_rules",),
    "call_outcomes": ("call_outcomes",),
}  # fmt: skip
"""Where requested flat fields come back: one nested key for each group."""
REQUESTABLE = frozenset(
    (
        "id",
        "call_start",
        "call_end",
        *FLAT_FIELDS,
        *RENAMED,
        *(f for g in NESTED.values() for f in g),
    )
)
DEFAULT_FIELDS = (
    "id,call_start,call_end,call_origin,iovox_number,call_destination,talk_time,call_result,"
    "node_id,link_id,has_recording"
)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2})(?::(\d{2}))?(?::(\d{2}))?)?$")


class BadRequestError(Exception):
    """A documented 400, with its documented message."""


def iovox_api(data: IovoxData, readings: Readings, *, username: str, secure_key: str) -> Api:
    """Build the API over `data`, for one user's credentials."""

    def authenticate(request: Request) -> str | None:
        headers = request.headers
        if headers.get("username") == username and headers.get("securekey") == secure_key:
            return username
        return None

    api = Api(
        "iovox",
        authenticate=authenticate,
        unauthorized=lambda: Response.error(401, "HTTP 401: Unauthorized"),
    )
    insights = Insights(data, readings)
    api.route("GET", PATH)(insights.answer)
    for method in ("POST", "PUT", "DELETE"):
        api.route(method, PATH)(_wrong_method)
    return api


def _wrong_method(request: Request) -> Response:
    return Response.error(400, f"Request Method must be GET. {request.method} attempted")


class Insights:
    """Answers `GET /calls/insights`."""

    def __init__(self, data: IovoxData, readings: Readings) -> None:
        """Serve `data` as `readings` say."""
        self.data = data
        self.readings = readings
        self._rendered: dict[tuple[Any, ...], bytes] = {}
        self._starts: tuple[int, list[int]] = (-1, [])

    def answer(self, request: Request) -> Response:
        """One page of calls, or a documented 400."""
        try:
            page = _integer(request.param("page"), 1, "Page number not an integer")
            limit = _integer(request.param("limit"), DEFAULT_LIMIT, "Limit not an integer")
            _check(1 <= limit <= MAX_LIMIT, f"Limit must be between 1 and {MAX_LIMIT}")
            _check(page >= 1, "Page number not an integer")
            order, descending = _order(request.param("order") or "call_start_DESC")
            fields = _fields(request.param("response_fields") or DEFAULT_FIELDS)
            start, end = self._range(request)
        except BadRequestError as problem:
            return Response.error(400, str(problem))
        calls = self._select(start, end)
        if order == "call_start":
            ordered = calls[::-1] if descending else calls
        else:
            ordered = sorted(calls, key=_sort_key(order), reverse=descending)
        chosen = ordered[(page - 1) * limit : page * limit]
        return Response(200, b"[" + b",".join(self._render(c, fields) for c in chosen) + b"]")

    def _range(self, request: Request) -> tuple[int, int]:
        """[start, end] in epoch seconds, defaults as documented, in the account's zone."""
        zone = self.zone
        today = datetime.fromtimestamp(self.data.now - 1, tz=zone).date()
        start_text = request.param("start_date") or today.replace(day=1).isoformat()
        end_text = request.param("end_date") or today.isoformat()
        start = _local(start_text, zone, end_of_day=False, problem="Start Date invalid")
        end = _local(end_text, zone, end_of_day=True, problem="End Date invalid")
        return start, end if self.readings.end_inclusive else end - 1

    def _select(self, start: int, end: int) -> list[Call]:
        calls = self.data.calls
        generation, starts = self._starts
        if generation != self.data.generation or len(starts) != len(calls):
            starts = [c.start for c in calls]
            self._starts = (self.data.generation, starts)
        return calls[bisect_left(starts, start) : bisect_right(starts, end)]

    @property
    def zone(self) -> ZoneInfo | timezone:
        """The account's time zone, in which the API reads and writes times."""
        name = self.readings.zone
        return timezone.utc if name == "UTC" else ZoneInfo(name)

    def _render(self, call: Call, fields: tuple[str, ...]) -> bytes:
        key = (call.id, fields, self.data.generation, self.readings.zone)
        rendered = self._rendered.get(key)
        if rendered is None:
            rendered = json.dumps(self.shape(call, fields), separators=(",", ":")).encode()
            self._rendered[key] = rendered
        return rendered

    def shape(self, call: Call, fields: tuple[str, ...]) -> dict[str, Any]:
        """The call as the API returns it for these requested fields."""
        local = self._local_text
        values: dict[str, Callable[[], Any]] = {
            "id": lambda: call.id,
            "call_start": lambda: local(call.start),
            "call_end": lambda: local(call.end),
            "comments": lambda: [{**c, "created": local(c["created"])} for c in call.comments],
            "tags": lambda: call.tags,
            "tasks": lambda: [
                {**t, **{k: local(t[k]) for k in ("created", "reminder_date", "due_date")}}
                for t in call.tasks
            ],
            "transcriptions": lambda: call.transcriptions,
            "categories": lambda: call.categories,
            "keyword_rules": lambda: call.keyword_rules,
            "call_outcomes": lambda: call.call_outcomes,
        }
        record: dict[str, Any] = {}
        for name in fields:
            returned = RENAMED.get(name, name)
            group = next((g for g, members in NESTED.items() if name in members), None)
            if group is not None:
                if group not in record:
                    record[group] = values[group]()
            elif returned in values:
                record[returned] = values[returned]()
            else:
                record[returned] = call.fields[returned]
        return record

    def _local_text(self, epoch_seconds: int) -> str:
        return datetime.fromtimestamp(epoch_seconds, tz=self.zone).strftime(TIME_FORMAT)


def _check(condition: bool, problem: str) -> None:
    if not condition:
        raise BadRequestError(problem)


def _integer(text: str | None, default: int, problem: str) -> int:
    if text is None:
        return default
    if not re.fullmatch(r"-?\d+", text):
        raise BadRequestError(problem)
    return int(text)


def _order(text: str) -> tuple[str, bool]:
    field, _, direction = text.rpartition("_")
    if field not in REQUESTABLE or field in CATEGORY_FIELDS:
        raise BadRequestError("Order Field Invalid")
    if direction not in {"ASC", "DESC"}:
        raise BadRequestError("Order Direction Invalid")
    return field, direction == "DESC"


def _fields(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    invalid = [name for name in names if name not in REQUESTABLE]
    if invalid:
        raise BadRequestError(f"Required fields olvalid: {', '.join(invalid)}")
    return names


def _sort_key(field: str) -> Callable[[Call], tuple[str, int]]:
    def key(call: Call) -> tuple[str, int]:
        value = call.end if field == "call_end" else call.fields.get(RENAMED.get(field, field))
        return (str(value), call.id)

    return key


def _local(text: str, zone: ZoneInfo | timezone, *, end_of_day: bool, problem: str) -> int:
    """Epoch seconds of a `YYYY-MM-DD[ HH[:MM[:SS]]]` time in `zone` (missing parts default)."""
    match = _DATE.match(text.strip())
    if match is None:
        raise BadRequestError(problem)
    day, hour, minute, second = match.groups()
    default = "59" if end_of_day and hour is None else "00"
    clock = f"{hour or ('23' if end_of_day else '00')}:{minute or default}:{second or default}"
    try:
        local = datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=zone)
    except ValueError:
        raise BadRequestError(problem) from None
    return int(local.timestamp())
