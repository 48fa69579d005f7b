"""The settings every tap has, declared once: where the range starts and ends, the timeout."""

from __future__ import annotations

from typing import Any

from singer_sdk import typing as th


def start_date(earliest: str) -> th.Property[Any]:
    """`start_date` (required), described as the earliest of `earliest`.

    `earliest` names what it bounds, e.g. "call to extract, by call_start".
    """
    return th.Property(
        "start_date",
        th.DateTimeType(nullable=False),
        required=True,
        title="Start date",
        description=(
            f"Earliest {earliest}: a date (yyyy-mm-dd, UTC midnight) or an ISO-8601 "
            "date-time (UTC if no offset)."
        ),
    )


def end_date() -> th.Property[Any]:
    """`end_date`: the exclusive end of the range, by default when the sync starts."""
    return th.Property(
        "end_date",
        th.DateTimeType,
        title="End date",
        description=(
            "Exclusive end of the range, same formats as start_date. "
            "Default: the time the sync starts."
        ),
    )


def timeout(default: int) -> th.Property[Any]:
    """`timeout`: seconds to wait for a response (at least 1), `default` unless set."""
    return th.Property(
        "timeout",
        th.IntegerType(minimum=1),
        default=default,
        title="Request timeout (s)",
        description="Seconds to wait for a response before retrying.",
    )
