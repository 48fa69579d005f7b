"""What Conpeek's documentation leaves open, as options: each is one reasonable reading."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Order(enum.Enum):
    """Order of rows when no sort is asked for (statistics by id, dialogs by start_time)."""

    ASCENDING = "ascending"
    """Oldest first; with from_id, the rows right after it."""
    DESCENDING = "descending"
    """Newest first: constraints, then newest first, then offset and limit."""
    REVERSED_PAGES = "reversed-pages"
    """The rows of an ascending page, listed newest first."""


class IdBounds(enum.Enum):
    """Whether the row named by from_id / before_id is itself returned."""

    EXCLUSIVE = "exclusive"
    INCLUSIVE = "inclusive"


class DialogsAppear(enum.Enum):
    """When a call shows up in /cdr_dialog."""

    AT_HANGUP = "at-hangup"
    """A call detail record exists once the call has ended."""
    AT_START = "at-start"
    """A call is listed while it runs (no hangup_time yet) and completed later."""


@dataclass(frozen=True)
class Readings:
    """One choice for each undocumented behaviour of the Conpeek API."""

    order: Order = Order.ASCENDING
    id_bounds: IdBounds = IdBounds.EXCLUSIVE
    time_field: str = "date"
    """Name of a statistics row's time: `date` (the filter's name) or `ts` (the example's)."""
    dialogs_appear: DialogsAppear = DialogsAppear.AT_HANGUP
    extra_fields: bool = True
    """Rows carry fields the documentation does not list (nested objects among them)."""
