"""Dixa's simulated APIs and the data behind them."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from sandbox.dixa.analytics_data import AnalyticsData
from sandbox.dixa.analytics_routes import AnalyticsRoutes
from sandbox.dixa.api_data import ApiData
from sandbox.dixa.auth import token_authenticator
from sandbox.dixa.exports_api import Bounds, exports_api
from sandbox.dixa.exports_data import ExportsData, Mutation
from sandbox.dixa.paging import NextLink
from sandbox.dixa.v1_routes import V1Routes
from sandbox.ratelimit import SlidingWindow, TokenBucket
from sandbox.server import Api
from sandbox.vendor import for_account

if TYPE_CHECKING:
    from collections.abc import Mapping

EXPORTS_REQUESTS_PER_MINUTE = 10
"""Documented for the Exports API (per organisation token)."""
API_REQUESTS_PER_SECOND = 10
API_BURST = 4
"""Documented for the Dixa API (per token): 10 requests per second, bursts of 4."""


class DixaSandbox:
    """The Dixa Exports API, and the Dixa API (v1 and analytics), over synthetic data."""

    token = "sandbox-dixa-token"  # noqa: S105 (the sandbox's public test credential)
    default_ports: ClassVar[Mapping[str, int]] = {"dixa_exports": 8701, "dixa_api": 8702}

    def __init__(
        self,
        *,
        seed: int,
        size: int,
        days: int,
        bounds: Bounds = Bounds.INCLUSIVE,
        rate_limits: bool = True,
        api_size: int | None = None,
        account: str | None = None,
    ) -> None:
        """`size` conversations over `days` days; documented rate limits if asked.

        The Dixa API's agents and analytics rows grow with `api_size` (default `size`).

        `bounds` is how every Dixa time window (export windows, the activity log's
        `fromDatetime`/`toDatetime`, analytics intervals) reads its undocumented bounds.
        `account` names whose organisation this is: its token is the default one, suffixed.
        """
        self.token = for_account(self.token, account)
        self.next_link = NextLink.RELATIVE
        """How the Dixa API's pages point to the next one (undocumented; tests vary it)."""
        self.exports_data = ExportsData.generate(seed=seed, conversations=size, days=days)
        self.exports = exports_api(
            self.exports_data,
            token=self.token,
            bounds=bounds,
            rate_limit=SlidingWindow.per_minute(EXPORTS_REQUESTS_PER_MINUTE)
            if rate_limits
            else None,
        )
        api_size = size if api_size is None else api_size
        self.api_data = ApiData.generate(seed=seed, exports=self.exports_data, size=api_size)
        self.analytics_data = AnalyticsData.generate(
            seed=seed,
            size=api_size,
            days=days,
            agents=[(a["id"], a["displayName"]) for a in self.api_data.agents],
            contact_points=[
                e.get("address") or e["number"] for e in self.api_data.contact_endpoints
            ],
        )
        self.api = Api(
            "dixa-api",
            authenticate=token_authenticator(self.token, basic=False),
            rate_limit=TokenBucket(API_REQUESTS_PER_SECOND, API_BURST) if rate_limits else None,
        )
        V1Routes(self.api_data, bounds, lambda: self.next_link).register(self.api)
        AnalyticsRoutes(self.analytics_data, bounds, lambda: self.next_link).register(self.api)

    @property
    def apis(self) -> dict[str, Api]:
        """The simulated APIs by name."""
        return {"dixa_exports": self.exports, "dixa_api": self.api}

    def tap_env(self, urls: Mapping[str, str]) -> dict[str, str]:
        """Environment variables pointing tap-dixa at these APIs."""
        return {
            "TAP_DIXA_API_TOKEN": self.token,
            "TAP_DIXA_EXPORTS_API_URL": urls["dixa_exports"],
            "TAP_DIXA_API_URL": urls["dixa_api"],
        }

    def mutate(self) -> Mutation:
        """One day later: new and updated conversations, activities and analytics rows.

        Returns what changed in the exports.
        """
        changes = self.exports_data.mutate()
        self.api_data.mutate(changes)
        self.analytics_data.mutate()
        return changes
