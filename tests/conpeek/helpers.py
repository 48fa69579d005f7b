"""Configs, ground truth and request inspection for tap-conpeek tests."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from sandbox.synthetic import ANCHOR

if TYPE_CHECKING:
    from sandbox import Sandbox
    from sandbox.wire import LoggedRequest

STATISTICS = "/conversation_statistics_opened"
DIALOGS = "/cdr_dialog"
CALLBACKS = "/callback"
STREAMS = ("conversation_statistics_opened", "cdr_dialogs", "callbacks")


def config(sandbox: Sandbox, **overrides: Any) -> dict[str, Any]:
    """A tap-conpeek config for this sandbox: daily windows, an end after all its data."""
    end = datetime.fromtimestamp(sandbox.conpeek.data.now, tz=timezone.utc) + timedelta(days=3)
    return {
        "api_url": sandbox.urls["conpeek"],
        "api_key": sandbox.conpeek.key,
        "start_date": ANCHOR.date().isoformat(),
        "end_date": end.isoformat(),
        "timeout": 10,
        **overrides,
    }


def truth(sandbox: Sandbox) -> dict[str, dict[Any, dict[str, Any]]]:
    """Every row the API holds now, by stream and primary key."""
    data = sandbox.conpeek.data
    return {
        "conversation_statistics_opened": data.statistics_by_id(),
        "cdr_dialogs": data.dialogs_by_uuid(),
        "callbacks": data.callbacks_by_id(),
    }


def utc(text: str) -> datetime:
    """A Conpeek time (`YYYY-MM-DD HH:mm:ss`, UTC) as an aware datetime."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)


def parsed(value: str) -> datetime:
    """An ISO-8601 string from the tap, as an aware datetime."""
    result = datetime.fromisoformat(value)
    assert result.tzinfo is not None, f"{value} has no offset"
    return result


def sent_filter(request: LoggedRequest) -> list[dict[str, Any]]:
    """The decoded `filter` parameter of a logged request."""
    raw = request.param("filter")
    assert raw is not None, "no filter sent"
    conditions: list[dict[str, Any]] = json.loads(raw)
    return conditions
