"""Each vendor's documented rate limit, shared out among the runs of one account.

A tap keeps itself to the limit it is given. Runs of one account share one Dagster pool
of `slots`; each is given `limit // slots` of each documented limit, so however many of
the account's runs the pool lets through, together they stay within the account's limit.
Accounts are limited separately (the vendors count per token), so they run side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class VendorLimit:
    """What a vendor documents, and how many runs of one account may share it."""

    slots: int
    """Runs of one account at once (the account's pool limit)."""
    per_account: dict[str, int] = field(default_factory=dict)
    """The tap's throttle settings and the documented limit each one enforces."""

    def run_settings(self) -> dict[str, int]:
        """Each run's share of every documented limit."""
        return {setting: max(1, limit // self.slots) for setting, limit in self.per_account.items()}


LIMITS: dict[str, VendorLimit] = {
    # Exports API: 10 requests per minute per token; Dixa API: 10 per second per token.
    "tap-dixa": VendorLimit(
        slots=2,
        per_account={
            "max_requests_per_minute": 10,
            "max_requests_per_second": 10,
        },
    ),
    # 100 requests per minute per API key.
    "tap-opencx": VendorLimit(slots=2, per_account={"max_requests_per_minute": 100}),
    # iovox and Conpeek document no limit: only the pool keeps an account's runs in bounds.
    "tap-iovox": VendorLimit(slots=4),
    "tap-conpeek": VendorLimit(slots=4),
}
DEFAULT = VendorLimit(slots=1)
"""A tap this suite does not know: one run per account at a time."""


def limit_of(tap: str) -> VendorLimit:
    """The limit a tap's accounts are run within."""
    return LIMITS.get(tap, DEFAULT)


def pool_of(extractor: str) -> str:
    """One pool per account: the extractor's own name."""
    return f"meltano/{extractor}"
