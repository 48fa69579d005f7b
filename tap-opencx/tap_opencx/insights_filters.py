"""The `insights_filters` setting: POST /insights's documented filters and their values."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from singer_sdk import typing as th
from support_taps_common.settings import date_range_errors

if TYPE_CHECKING:
    from collections.abc import Mapping

MAX_SAFE_INTEGER = 2**53 - 1
SENTIMENTS = ["angry", "happy", "neutral"]
CHANNELS = [
    "web", "email", "phone_voice", "slack", "sms", "whatsapp", "instagram", "messenger",
    "api", "web_voice",
]  # fmt: skip
LANGUAGES = [
    "el", "de", "fr", "it", "es", "pt", "nl", "da", "sv", "no", "fi", "pl", "cs", "sk", "hu",
    "ro", "bg", "hr", "sr", "uk", "ru", "tr", "en", "zh", "ja", "ko", "hi", "id", "ms", "th",
    "vi", "tl", "ar", "he", "fa", "af", "sw",
]  # fmt: skip
_UUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def _choice(name: str, values: list[str], description: str) -> th.Property[Any]:
    return th.Property(
        name,
        th.StringType,
        allowed_values=values,
        description=f"{description}: {', '.join(values)}.",
    )


def _positive(name: str, description: str) -> th.Property[Any]:
    return th.Property(
        name, th.IntegerType(minimum=1, maximum=MAX_SAFE_INTEGER), description=description
    )


def _key_values(name: str, description: str) -> th.Property[Any]:
    return th.Property(
        name,
        th.ArrayType(th.ObjectType()),
        description=f"{description}: a list of objects, OR between objects, AND within one.",
    )


# Paging and the sort order are the tap's (page, sortBy, sortOrder), so they are not here.
INSIGHTS_FILTERS = th.ObjectType(
    th.Property("category", th.StringType, description="Insights of this category name."),
    _choice("status", ["all", "unresolved", "resolved", "archived"], "Insight status"),
    _choice("sentiment", SENTIMENTS, "Insight sentiment"),
    _positive("minSessions", "Insights seen in at least this many sessions."),
    th.Property("search", th.StringType, description="Text the insight's content contains."),
    th.Property(
        "teamId", th.StringType, description="A team's UUID, or `none` for unassigned insights."
    ),
    _positive("insightNumber", "The insight with this number."),
    _choice("sessionLanguage", LANGUAGES, "Insights from sessions in this language"),
    _choice("ticketSentiment", SENTIMENTS, "Insights from sessions with this sentiment"),
    _choice("channel", CHANNELS, "Insights from sessions on this channel"),
    th.Property(
        "sessionFromDate",
        th.StringType,
        description="Insights from sessions created at or after this ISO-8601 date(-time).",
    ),
    th.Property(
        "sessionToDate",
        th.StringType,
        description="Insights from sessions created up to this ISO-8601 date(-time).",
    ),
    _choice(
        "sessionStatus",
        ["closed_resolved", "closed_unresolved", "open"],
        "Insights from sessions with this status",
    ),
    th.Property(
        "sessionContactId",
        th.StringType,
        description="Insights from this contact's (UUID) sessions.",
    ),
    _key_values("ticketCustomData", "Insights from sessions with this custom data"),
    _key_values("contactCustomData", "Insights from sessions of contacts with this custom data"),
    additional_properties=False,
)


def insights_filter_errors(filters: Mapping[str, Any]) -> list[str]:
    """What the JSON schema cannot check: UUIDs, dates that parse, and their order."""
    errors = []
    team = filters.get("teamId")
    if team is not None and team != "none" and not _UUID.match(team):
        errors.append(f"insights_filters.teamId {team!r} is not a UUID or `none`")
    contact = filters.get("sessionContactId")
    if contact is not None and not _UUID.match(contact):
        errors.append(f"insights_filters.sessionContactId {contact!r} is not a UUID")
    errors.extend(
        date_range_errors(
            filters, "sessionFromDate", "sessionToDate", label="insights_filters.", strict=False
        )
    )
    return errors
