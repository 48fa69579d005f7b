"""What Open CX's documentation leaves open, as options the tests can set per sandbox.

Each field is one question the documentation does not settle; the tap must work with
every answer. Tests change them on a running sandbox (`sandbox.opencx.readings`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class RangeBounds(enum.Enum):
    """How a time-range parameter pair (`updated_after`/`updated_before`, ...) is read."""

    INCLUSIVE = "both bounds included"
    EXCLUSIVE = "both bounds excluded"
    HALF_OPEN = "start included, end excluded"
    WHOLE_DAYS = "only the dates count: from the start of the first day to the end of the last"


class NoScore(enum.Enum):
    """How GET /csat/scores/session/{id} answers for a session without a score."""

    NULL = b"null"
    """The documented JSON `null`."""
    EMPTY = b""
    """An empty 200 body, which is what a NestJS handler returning null sends."""


class PageEcho(enum.Enum):
    """What POST /insights puts in the response's `page` (the sample shows 0 for page 1)."""

    ONE_BASED = 0
    """The page that was asked for."""
    ZERO_BASED = -1
    """One less than the page that was asked for."""


@dataclass
class Readings:
    """One answer to each open question, and the page sizes the API chooses."""

    bounds: RangeBounds = RangeBounds.INCLUSIVE
    no_score: NoScore = NoScore.NULL
    page_echo: PageEcho = PageEcho.ONE_BASED
    history_ids: bool = True
    """Whether history items carry their (documented as optional) `id`."""
    page_size: int = 100
    """Items per page of the cursor-paged endpoints (not documented, not settable)."""
    insights_page_size: int = 20
    """Insights per page of POST /insights (not documented, not settable)."""
