"""What every tap of the suite shares: its writer, settings checks and one-line errors."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from functools import cached_property
from typing import Any, ClassVar

import requests
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from typing_extensions import override

from support_taps_common.sdk_internals import TapInternals
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

    @override
    def settings_errors(self) -> list[str]:
        return [*date_range_errors(self.config), *url_errors(self.config, self.url_settings)]

    @cached_property
    def end_date(self) -> datetime:
        """End of the extracted range: `end_date`, or the time of the first call."""
        configured = self.config.get("end_date")
        return parse_instant(str(configured)) if configured else datetime.now(timezone.utc)

    @override
    @classmethod
    def invoke(cls, *args: Any, **kwargs: Any) -> None:
        try:
            super().invoke(*args, **kwargs)
        except (FatalAPIError, RetriableAPIError, requests.RequestException) as error:
            # One readable line, no traceback: these are about the API or settings.
            cls.logger.error("%s", error)  # noqa: TRY400
            sys.exit(1)
