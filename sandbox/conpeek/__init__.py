"""Conpeek's simulated API and the data behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from sandbox.conpeek.api import conpeek_api
from sandbox.conpeek.data import ConpeekData, Mutation
from sandbox.conpeek.readings import DialogsAppear, IdBounds, Order, Readings
from sandbox.vendor import for_account

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sandbox.server import Api

__all__ = ["ConpeekSandbox", "DialogsAppear", "IdBounds", "Order", "Readings"]


class ConpeekSandbox:
    """The Conpeek API over synthetic data. Conpeek documents no rate limit, so none applies."""

    key = "sandbox-conpeek-key"
    default_ports: ClassVar[Mapping[str, int]] = {"conpeek": 8705}

    def __init__(
        self, *, seed: int, size: int, days: int, readings: Readings, account: str | None = None
    ) -> None:
        """`size` statistics rows and calls over `days` days, served as `readings` say.

        `account` names whose API this is: its key is the default one, suffixed.
        """
        self.key = for_account(self.key, account)
        self.data = ConpeekData.generate(seed=seed, size=size, days=days, readings=readings)
        self.api = conpeek_api(self.data, key=self.key)

    @property
    def apis(self) -> dict[str, Api]:
        """The simulated APIs by name."""
        return {"conpeek": self.api}

    def tap_env(self, urls: Mapping[str, str]) -> dict[str, str]:
        """Environment variables pointing tap-conpeek at this API."""
        return {"TAP_CONPEEK_API_KEY": self.key, "TAP_CONPEEK_API_URL": urls["conpeek"]}

    def mutate(self) -> Mutation:
        """One day later: new rows, finished calls, callbacks that changed state."""
        return self.data.mutate()
