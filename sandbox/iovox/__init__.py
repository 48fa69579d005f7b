"""iovox's simulated REST v1 API and the calls behind it."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from sandbox.iovox.api import iovox_api
from sandbox.iovox.data import IovoxData, Mutation
from sandbox.iovox.readings import Readings
from sandbox.vendor import for_account

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sandbox.server import Api

__all__ = ["IovoxSandbox", "Readings"]


class IovoxSandbox:
    """The iovox calls insights API over synthetic calls. iovox documents no rate limit."""

    username = "sandbox-iovox-user"
    secure_key = "sandbox-iovox-secure-key"
    default_ports: ClassVar[Mapping[str, int]] = {"iovox": 8704}

    def __init__(self, *, seed: int, size: int, days: int, account: str | None = None) -> None:
        """`size` calls over `days` days; `account`'s credentials are the default, suffixed."""
        self.username = for_account(self.username, account)
        self.secure_key = for_account(self.secure_key, account)
        self.data = IovoxData.generate(seed=seed, size=size, days=days)
        self.readings = Readings()
        self.api = iovox_api(
            self.data, self.readings, username=self.username, secure_key=self.secure_key
        )

    @property
    def apis(self) -> dict[str, Api]:
        """The simulated APIs by name."""
        return {"iovox": self.api}

    def tap_env(self, urls: Mapping[str, str]) -> dict[str, str]:
        """Environment variables pointing tap-iovox at this API."""
        return {
            "TAP_IOVOX_USERNAME": self.username,
            "TAP_IOVOX_SECURE_KEY": self.secure_key,
            "TAP_IOVOX_API_URL": urls["iovox"],
        }

    def mutate(self) -> Mutation:
        """A day later: new calls, and recent calls commented and tagged."""
        return self.data.mutate()
