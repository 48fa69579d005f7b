"""Which `response_fields` to request for the fields the catalog selects.

iovox returns what it is asked for under other names: `*_seconds` as `*_sec`, and flat
names such as `comment_text` or `node_category_id` inside nested `comments` or
`categories`. Each property of the normalised schema lists the names that fetch it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

CATEGORY_FIELDS = tuple(
    f"{kind}_category_{part}"
    for kind in ("link", "call", "node", "contact")
    for part in ("id", "label", "value")
)
REQUEST_NAMES: dict[str, tuple[str, ...]] = {
    "comments": ("comment_id", "comment_created", "comment_username", "comment_language",
                 "comment_text"),
    "tags": ("tag_text", "tag_colour", "tag_source_type"),
    "tasks": ("task_username", "task_created", "task_assigned_username", "task_reminder_date",
              "task_reminder_message", "task_status", "task_due_date"),
    "transcriptions": ("transcription_id", "transcription_language", "transcription_text",
                       "transcription_phrases"),
    "categories": CATEGORY_FIELDS,
}  # fmt: skip
"""Schema properties fetched by other names; every other property is requested as itself."""
ALWAYS = ("id", "call_start")
"""The primary key and the replication key, whatever the selection."""
REQUESTABLE = frozenset(
    (
        "id", "call_start", "call_end", "call_origin", "call_origin_location", "iovox_number",
        "call_destination", "call_time", "call_time_seconds", "talk_time", "talk_time_seconds",
        "call_type", "call_result", "rule_result", "node_id", "node_name", "node_type",
        "link_id", "link_name", "link_type", "has_recording", "email_alert", "direction",
        "keyword_rules", "call_outcomes",
        *(name for names in REQUEST_NAMES.values() for name in names),
    )
)  # fmt: skip
"""Every name the documentation lists as a response field."""


def response_fields(properties: Iterable[str], extra: Iterable[str] = ()) -> str:
    """The `response_fields` value that fetches these schema properties, and `extra` names."""
    names = dict.fromkeys(ALWAYS)
    for prop in properties:
        names.update(dict.fromkeys(REQUEST_NAMES.get(prop, (prop,))))
    names.update(dict.fromkeys(extra))
    return ",".join(name for name in names if name in REQUESTABLE)


def response_fields_errors(names: Iterable[str]) -> list[str]:
    """What is wrong with configured `response_fields`: names iovox does not return."""
    unknown = [name for name in names if name not in REQUESTABLE]
    if not unknown:
        return []
    listed = ", ".join(map(repr, unknown))
    return [f"response_fields: {listed} not among iovox's response fields (see the tap's README)"]
