"""Open CX's simulated API and the data behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from sandbox.opencx.api import FULL_ACCESS, opencx_api
from sandbox.opencx.data import Mutation, OpenCxData
from sandbox.opencx.readings import NoScore, PageEcho, RangeBounds, Readings
from sandbox.ratelimit import SlidingWindow
from sandbox.vendor import for_account

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sandbox.server import Api

__all__ = ["NoScore", "OpenCxSandbox", "PageEcho", "RangeBounds", "Readings"]

REQUESTS_PER_MINUTE = 100
"""Documented for standard endpoints (per API key)."""


class OpenCxSandbox:
    """The Open CX API over synthetic data, with a full-access and a scoped key."""

    api_key = "ocx_live_sandbox_full_access"
    scoped_key = "ocx_live_sandbox_sessions_only"
    """Reads chat sessions and contacts only: everything else answers 403."""
    default_ports: ClassVar[Mapping[str, int]] = {"opencx": 8703}

    def __init__(
        self,
        *,
        seed: int,
        size: int,
        days: int,
        rate_limits: bool = True,
        account: str | None = None,
    ) -> None:
        """`size` sessions over `days` days; the documented rate limit if asked.

        `account` names whose organisation this is: its keys are the default ones, suffixed.
        """
        self.api_key = for_account(self.api_key, account)
        self.scoped_key = for_account(self.scoped_key, account)
        self.data = OpenCxData.generate(seed=seed, sessions=size, days=days)
        self.readings = Readings()
        self.api = opencx_api(
            self.data,
            self.readings,
            keys={
                self.api_key: FULL_ACCESS,
                self.scoped_key: frozenset({"chat-sessions:read", "contacts:read"}),
            },
            rate_limit=SlidingWindow.per_minute(REQUESTS_PER_MINUTE) if rate_limits else None,
        )

    @property
    def apis(self) -> dict[str, Api]:
        """The simulated APIs by name."""
        return {"opencx": self.api}

    def tap_env(self, urls: Mapping[str, str]) -> dict[str, str]:
        """Environment variables pointing tap-opencx at this API."""
        return {"TAP_OPENCX_API_KEY": self.api_key, "TAP_OPENCX_API_URL": urls["opencx"]}

    def mutate(self) -> Mutation:
        """New and updated sessions, contacts, events and insights, one day later."""
        return self.data.mutate()
