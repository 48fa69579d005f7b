"""Dixa's simulated APIs and the data behind them."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from sandbox.dixa.exports_api import Bounds, exports_api
from sandbox.dixa.exports_data import ExportsData, Mutation
from sandbox.ratelimit import SlidingWindow

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sandbox.server import Api

EXPORTS_REQUESTS_PER_MINUTE = 10
"""Documented for the Exports API (per organisation token)."""


class DixaSandbox:
    """The Dixa Exports API over synthetic data."""

    token = "sandbox-dixa-token"  # noqa: S105 (the sandbox's public test credential)
    default_ports: ClassVar[Mapping[str, int]] = {"dixa_exports": 8701}

    def __init__(
        self,
        *,
        seed: int,
        size: int,
        days: int,
        bounds: Bounds = Bounds.INCLUSIVE,
        rate_limits: bool = True,
    ) -> None:
        """`size` conversations over `days` days; documented rate limits if asked."""
        self.exports_data = ExportsData.generate(seed=seed, conversations=size, days=days)
        self.exports = exports_api(
            self.exports_data,
            token=self.token,
            bounds=bounds,
            rate_limit=SlidingWindow.per_minute(EXPORTS_REQUESTS_PER_MINUTE)
            if rate_limits
            else None,
        )

    @property
    def apis(self) -> dict[str, Api]:
        """The simulated APIs by name."""
        return {"dixa_exports": self.exports}

    def tap_env(self, urls: Mapping[str, str]) -> dict[str, str]:
        """Environment variables pointing tap-dixa at these APIs."""
        return {
            "TAP_DIXA_API_TOKEN": self.token,
            "TAP_DIXA_EXPORTS_API_URL": urls["dixa_exports"],
        }

    def mutate(self) -> Mutation:
        """New and updated conversations and new messages, one day later."""
        return self.exports_data.mutate()
