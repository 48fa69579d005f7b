"""tap-dixa: settings, their validation, and the list of streams."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import requests
from singer_sdk import Tap
from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError, FatalAPIError, RetriableAPIError
from typing_extensions import override

from tap_dixa.exports import ConversationsStream, MessagesStream
from tap_dixa.throttle import Throttle
from tap_dixa.timestamps import parse_instant
from tap_dixa.writer import RecordBatchingWriter

if TYPE_CHECKING:
    from singer_sdk import Stream

URL_SETTINGS = ("exports_api_url",)


class TapDixa(Tap):
    """Conversations and messages from Dixa's Exports API, incrementally and resumably."""

    name = "tap-dixa"
    message_writer_class = RecordBatchingWriter

    config_jsonschema = th.PropertiesList(
        th.Property(
            "api_token",
            th.StringType(nullable=False),
            required=True,
            secret=True,
            title="API token",
            description="A Dixa API token (Settings > Integrations > API tokens).",
        ),
        th.Property(
            "start_date",
            th.DateTimeType(nullable=False),
            required=True,
            title="Start date",
            description=(
                "Earliest record to extract, by its replication key: a date "
                "(yyyy-mm-dd, UTC midnight) or an ISO-8601 date-time (UTC if no offset)."
            ),
        ),
        th.Property(
            "end_date",
            th.DateTimeType,
            title="End date",
            description=(
                "Exclusive end of the range, same formats as start_date. "
                "Default: the time the sync starts."
            ),
        ),
        th.Property(
            "exports_api_url",
            th.URIType,
            default="https://exports.dixa.io",
            title="Exports API URL",
            description="Base URL of the Dixa Exports API.",
        ),
        th.Property(
            "window_days",
            th.IntegerType(minimum=1, maximum=31),
            default=31,
            title="Window length (days)",
            description=(
                "Days per export request (1-31; the API allows at most 31). Smaller "
                "windows use less memory per request and checkpoint more often."
            ),
        ),
        th.Property(
            "timeout",
            th.IntegerType(minimum=1),
            default=300,
            title="Request timeout (s)",
            description="Seconds to wait for a response before retrying.",
        ),
        th.Property(
            "max_requests_per_minute",
            th.IntegerType(minimum=0),
            default=10,
            title="Exports requests per minute",
            description=(
                "Client-side limit on Exports API requests (Dixa documents 10 per "
                "minute per token); 0 turns it off."
            ),
        ),
    ).to_dict()

    @override
    def discover_streams(self) -> list[Stream]:
        return [ConversationsStream(self), MessagesStream(self)]

    @cached_property
    def end_date(self) -> datetime:
        """End of the extracted range: `end_date`, or the time of the first call."""
        configured = self.config.get("end_date")
        return parse_instant(configured) if configured else datetime.now(timezone.utc)

    @cached_property
    def exports_throttle(self) -> Throttle:
        """One request budget for every Exports API stream, as the limit is per token."""
        return Throttle(int(self.config["max_requests_per_minute"]))

    @override
    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        errors = super()._validate_config(raise_errors=raise_errors)
        if not errors:
            errors = settings_errors(self.config)
        if errors and raise_errors:
            raise ConfigValidationError("Config validation failed", errors=errors)
        return errors

    @override
    @classmethod
    def invoke(cls, *args: Any, **kwargs: Any) -> None:
        try:
            super().invoke(*args, **kwargs)
        except (FatalAPIError, RetriableAPIError, requests.RequestException) as error:
            # One readable line, no traceback: these are about the API or settings.
            cls.logger.error("%s", error)  # noqa: TRY400
            sys.exit(1)


def settings_errors(config: dict[str, Any] | Any) -> list[str]:  # noqa: ANN401
    """What the JSON schema cannot check: dates that parse, their order, real URLs."""
    errors = []
    dates = {}
    for name in ("start_date", "end_date"):
        value = config.get(name)
        if value is None:
            continue
        try:
            dates[name] = parse_instant(str(value))
        except ValueError:
            errors.append(f"{name} {value!r} is not a date (yyyy-mm-dd) or an ISO-8601 date-time")
    if len(dates) == 2 and dates["end_date"] <= dates["start_date"]:  # noqa: PLR2004
        errors.append(
            f"end_date ({config['end_date']}) must be after start_date ({config['start_date']})"
        )
    for name in URL_SETTINGS:
        value = config.get(name)
        url = urlparse(str(value))
        if value is not None and (url.scheme not in {"http", "https"} or not url.netloc):
            errors.append(f"{name} {value!r} is not an http(s) URL")
    return errors
