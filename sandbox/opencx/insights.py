"""POST /insights: the request body's validation, the filters, the sort and the pages."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from sandbox.opencx.data import CHANNELS, SENTIMENTS, SESSION_STATUSES
from sandbox.opencx.wire import MAX_SAFE_INTEGER, BadRequestError, instant, is_uuid

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from sandbox.opencx.data import OpenCxData
    from sandbox.opencx.table import Record

LANGUAGES = (
    "el", "de", "fr", "it", "es", "pt", "nl", "da", "sv", "no", "fi", "pl", "cs", "sk", "hu",
    "ro", "bg", "hr", "sr", "uk", "ru", "tr", "en", "zh", "ja", "ko", "hi", "id", "ms", "th",
    "vi", "tl", "ar", "he", "fa", "af", "sw",
)  # fmt: skip
ENUMS: dict[str, tuple[str, ...]] = {
    "status": ("all", "unresolved", "resolved", "archived"),
    "sentiment": SENTIMENTS,
    "sortBy": ("occurrence_count", "last_seen_at", "first_seen_at", "created_at"),
    "sortOrder": ("asc", "desc"),
    "sessionLanguage": LANGUAGES,
    "ticketSentiment": SENTIMENTS,
    "channel": CHANNELS,
    "sessionStatus": SESSION_STATUSES,
}
STRINGS = ("category", "search")
POSITIVE_INTEGERS = ("minSessions", "insightNumber", "page")
DATES = ("sessionFromDate", "sessionToDate")
CUSTOM_DATA = ("ticketCustomData", "contactCustomData")
FIELDS = {*ENUMS, *STRINGS, *POSITIVE_INTEGERS, *DATES, *CUSTOM_DATA, "teamId", "sessionContactId"}
SESSION_FIELDS: dict[str, Callable[[Record], object]] = {
    "sessionLanguage": lambda s: s["language"],
    "channel": lambda s: s["channel"]["type"],
    "sessionStatus": lambda s: s["status"],
    "ticketSentiment": lambda s: s["sentiment"],
    "sessionContactId": lambda s: s["contact"]["id"],
}
SESSION_FILTERS = frozenset({*SESSION_FIELDS, *DATES, *CUSTOM_DATA})


def validate(body: Any) -> dict[str, Any]:  # noqa: ANN401, C901
    """The body if it is valid, else a `BadRequestError` listing every problem."""
    if not isinstance(body, dict):
        raise BadRequestError("request body must be a JSON object")
    problems = [f"property {name} should not exist" for name in sorted(set(body) - FIELDS)]
    for name, value in body.items():
        if name in ENUMS and value not in ENUMS[name]:
            allowed = ", ".join(ENUMS[name])
            problems.append(f"{name} must be one of the following values: {allowed}")
        elif name in STRINGS and not isinstance(value, str):
            problems.append(f"{name} must be a string")
        elif name in POSITIVE_INTEGERS and (
            type(value) is not int or not 1 <= value <= MAX_SAFE_INTEGER
        ):
            problems.append(f"{name} must be an integer between 1 and {MAX_SAFE_INTEGER}")
        elif name == "teamId" and value != "none" and not is_uuid(value):
            problems.append("teamId must be a UUID or none")
        elif name == "sessionContactId" and not is_uuid(value):
            problems.append("sessionContactId must be a UUID")
        elif name in CUSTOM_DATA and not (
            isinstance(value, list) and all(isinstance(item, dict) for item in value)
        ):
            problems.append(f"{name} must be an array of objects")
        elif name in DATES:
            try:
                instant(name, value)
            except BadRequestError as error:
                problems.extend(error.messages)
    if problems:
        raise BadRequestError(*problems)
    return body


def select(data: OpenCxData, body: Mapping[str, Any]) -> list[str]:
    """Ids of the insights the body's filters select, in the body's sort order."""
    sessions = data.sessions
    by_sessions = SESSION_FILTERS.intersection(body)
    selected = [
        insight_id
        for insight_id, insight in data.insights.records.items()
        if _status_matches(insight, body.get("status", "all"))
        and _insight_matches(insight, body)
        and (
            not by_sessions
            or any(_session_matches(sessions[s], body) for s in data.insight_sessions[insight_id])
        )
    ]
    sort_by = body.get("sortBy", "occurrence_count")
    descending = body.get("sortOrder", "desc") == "desc"
    records = data.insights.records
    # Ties keep id order, so paging is stable whatever the sort.
    selected.sort(key=lambda i: records[i]["id"])
    selected.sort(key=lambda i: records[i][sort_by], reverse=descending)
    return selected


def page_count(total: int, size: int) -> int:
    """Pages needed for `total` insights."""
    return math.ceil(total / size)


def _status_matches(insight: Record, status: str) -> bool:
    resolved, archived = insight["resolved_at"] is not None, insight["archived_at"] is not None
    return {
        "all": True,
        "archived": archived,
        "resolved": resolved and not archived,
        "unresolved": not resolved and not archived,
    }[status]


def _insight_matches(insight: Record, body: Mapping[str, Any]) -> bool:
    team = insight["team"]
    wanted_team = body.get("teamId")
    return (
        body.get("sentiment", insight["sentiment"]) == insight["sentiment"]
        and body.get("category", insight["category"]["name"]) == insight["category"]["name"]
        and (
            wanted_team is None
            or (
                team is None
                if wanted_team == "none"
                else team is not None and team["id"] == wanted_team
            )
        )
        and insight["occurrence_count"] >= body.get("minSessions", 0)
        and body.get("insightNumber", insight["insight_number"]) == insight["insight_number"]
        and body.get("search", "").lower() in insight["content"].lower()
    )


def _session_matches(session: Record, body: Mapping[str, Any]) -> bool:
    """Whether a session behind an insight passes every session filter in the body."""
    for name, get in SESSION_FIELDS.items():
        if name in body and get(session) != body[name]:
            return False
    created = instant("created_at", session["created_at"])
    if "sessionFromDate" in body and created < instant("sessionFromDate", body["sessionFromDate"]):
        return False
    if "sessionToDate" in body and created > instant("sessionToDate", body["sessionToDate"]):
        return False
    return _custom_data_matches(
        session["custom_data"], body.get("ticketCustomData")
    ) and _custom_data_matches(session["contact"]["custom_data"], body.get("contactCustomData"))


def _custom_data_matches(
    custom_data: Mapping[str, Any], wanted: list[dict[str, Any]] | None
) -> bool:
    """OR between the objects, AND between the key-value pairs in each; none: a match."""
    if not wanted:
        return True
    return any(all(custom_data.get(k) == v for k, v in pairs.items()) for pairs in wanted)
