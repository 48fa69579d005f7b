"""What the sandbox needs from each simulated vendor."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Protocol

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sandbox.server import Api


class Vendor(Protocol):
    """One vendor's simulated APIs and the data behind them."""

    default_ports: ClassVar[Mapping[str, int]]
    """Port of each API when `python -m sandbox` serves on fixed ports."""

    @property
    def apis(self) -> dict[str, Api]:
        """The simulated APIs by name."""
        ...

    def tap_env(self, urls: Mapping[str, str]) -> dict[str, str]:
        """Environment variables pointing the vendor's tap at these APIs."""
        ...

    def mutate(self) -> object:
        """Add and update records, later than everything before."""
        ...


def for_account(credential: str, account: str | None) -> str:
    """An account's credential: the default account's, suffixed with its name (`...-eu`)."""
    return f"{credential}-{account}" if account else credential
