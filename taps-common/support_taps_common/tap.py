"""What every tap of the suite shares: its writer, settings checks and one-line errors."""

from __future__ import annotations

import difflib
import sys
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import Any, ClassVar

import requests
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from typing_extensions import override

from support_taps_common.sdk_internals import TapInternals
from support_taps_common.secrets import REDACTOR, secret_errors, secret_settings
from support_taps_common.settings import date_range_errors, url_errors
from support_taps_common.times import parse_instant
from support_taps_common.writer import RecordBatchingWriter


class SupportTap(TapInternals):
    """A tap with `start_date`, an optional `end_date`, and base URL settings.

    Settings are checked beyond their JSON schema (dates that parse, in order; real
    URLs; whatever `settings_errors` adds) before any request, and errors about the API
    or the settings end the run with one readable line and exit code 1.
    """

    message_writer_class = RecordBatchingWriter
    url_settings: ClassVar[tuple[str, ...]] = ("api_url",)
    """The settings that hold base URLs."""
    connection_check_stream: ClassVar[str]
    """A stream whose first request shows whether the API accepts the credentials."""
    CONNECTION_CHECK_SPAN = timedelta(hours=1)
    """How far back the connection check reads: one window, about one request."""

    @override
    def settings_errors(self) -> list[str]:
        return [*date_range_errors(self.config), *url_errors(self.config, self.url_settings)]

    @override
    def config_errors(self, schema_errors: list[str]) -> list[str]:
        # Secrets first: the schema's own error about one would quote its value.
        secrets = secret_settings(self.config_jsonschema)
        REDACTOR.add(self.config[name] for name in secrets if self.config.get(name) is not None)
        refused = secret_errors(self.config, secrets)
        named = tuple(f"config['{name}']" for name in secrets if self.config.get(name) is not None)
        others = [REDACTOR.redact(e) for e in schema_errors if not (refused and e.endswith(named))]
        self.warn_of_unknown_settings()
        return [*refused, *super().config_errors(others)]

    def warn_of_unknown_settings(self) -> None:
        """Warn once of each setting the tap does not know, naming the nearest it does."""
        known = self.config_jsonschema.get("properties", {})
        for name in sorted(set(self.config) - set(known)):
            nearest = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean `{nearest[0]}`?" if nearest else ""
            self.logger.warning("Unknown setting `%s` is ignored%s", name, hint)

    @cached_property
    def end_date(self) -> datetime:
        """End of the extracted range: `end_date`, or the time of the first call."""
        configured = self.config.get("end_date")
        return parse_instant(str(configured)) if configured else datetime.now(timezone.utc)

    def check_connection(self) -> None:
        """Make one cheap authenticated request; raise what the tap would have raised.

        Reads the first records of `connection_check_stream` from the last hour of the
        range only, so a windowed stream requests one window.
        """
        start = self.end_date - self.CONNECTION_CHECK_SPAN
        narrowed = type(self)(
            config={**self.config, "start_date": start.isoformat()},
            setup_mapper=False,
            validate_config=False,  # this tap's settings were checked; only the start moved
        )
        records = narrowed.streams[self.connection_check_stream].get_records(None)
        next(iter(records), None)

    @classmethod
    def airbyte_cli(cls) -> None:
        """The tap as an Airbyte source (`source-...`): spec, check, discover, read."""
        try:
            from support_taps_common.airbyte.source import main
        except ImportError as error:
            sys.exit(
                f"{cls.name.replace('tap-', 'source-', 1)} needs the airbyte extra: "
                f"pip install '{cls.name}[airbyte]' ({error})"
            )
        main(cls)

    @override
    @classmethod
    def invoke(cls, *args: Any, **kwargs: Any) -> None:
        try:
            super().invoke(*args, **kwargs)
        except (FatalAPIError, RetriableAPIError, requests.RequestException) as error:
            # One readable line, no traceback: these are about the API or settings.
            cls.logger.error("%s", error)  # noqa: TRY400
            sys.exit(1)
