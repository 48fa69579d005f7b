"""Local, faithful simulators of the Dixa, Open CX, iovox and Conpeek APIs."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, final

from sandbox.conpeek import ConpeekSandbox, Readings
from sandbox.dixa import DixaSandbox
from sandbox.dixa.exports_api import Bounds
from sandbox.iovox import IovoxSandbox
from sandbox.opencx import OpenCxSandbox
from sandbox.server import ApiServer

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping
    from types import TracebackType

    from sandbox.server import Api
    from sandbox.vendor import Vendor

__all__ = ["DEFAULT_PORTS", "Bounds", "Sandbox"]

VENDOR_PORTS: dict[str, Mapping[str, int]] = {
    "dixa": DixaSandbox.default_ports,
    "opencx": OpenCxSandbox.default_ports,
    "iovox": IovoxSandbox.default_ports,
    "conpeek": ConpeekSandbox.default_ports,
}
"""Each vendor (a `Sandbox` attribute) with its APIs' default ports."""
DEFAULT_PORTS: dict[str, int] = {k: v for ports in VENDOR_PORTS.values() for k, v in ports.items()}
"""Ports `python -m sandbox` uses unless told otherwise (meltano.yml's sandbox env)."""


@final
class Sandbox:
    """Every simulated API over one seeded data set, served on 127.0.0.1."""

    def __init__(
        self,
        *,
        seed: int = 7,
        size: int = 2000,
        days: int = 90,
        rate_limits: bool = True,
        bounds: Bounds = Bounds.INCLUSIVE,
        conpeek: Readings | None = None,
        serve: Collection[str] | None = None,
        account: str | None = None,
    ) -> None:
        """Every vendor's data: `size` records per main stream over `days` days.

        `rate_limits` enforces each API's documented limit; `bounds` is how Dixa's export
        windows read their undocumented bounds, `conpeek` how Conpeek's API reads its own.
        `serve` names the APIs to build and serve (default: all of DEFAULT_PORTS); a
        vendor none of whose APIs is named is never built, which keeps a benchmark of
        a million records of one API from generating every other API's too.
        `account` names the vendor account served: each credential is the default
        account's suffixed with `-<account>` (give it its own `seed` for its own data).
        """
        wanted = frozenset(DEFAULT_PORTS if serve is None else serve)
        if unknown := wanted - DEFAULT_PORTS.keys():
            msg = f"no such sandbox API: {', '.join(sorted(unknown))}"
            raise ValueError(msg)
        self._wanted = wanted
        self._seed, self._size, self._days = seed, size, days
        self._rate_limits, self._bounds, self._conpeek_readings = rate_limits, bounds, conpeek
        self._servers: dict[str, ApiServer] = {}
        self._account = account

    @cached_property
    def dixa(self) -> DixaSandbox:
        """Dixa's Exports API and Dixa API (its data only as large as is served)."""
        return DixaSandbox(
            seed=self._seed,
            size=self._size,
            days=self._days,
            bounds=self._bounds,
            rate_limits=self._rate_limits,
            api_size=self._size if "dixa_api" in self._wanted else 0,
            account=self._account,
        )

    @cached_property
    def opencx(self) -> OpenCxSandbox:
        """Open CX's API."""
        return OpenCxSandbox(
            seed=self._seed,
            size=self._size,
            days=self._days,
            rate_limits=self._rate_limits,
            account=self._account,
        )

    @cached_property
    def iovox(self) -> IovoxSandbox:
        """Iovox's calls insights API."""
        return IovoxSandbox(
            seed=self._seed, size=self._size, days=self._days, account=self._account
        )

    @cached_property
    def conpeek(self) -> ConpeekSandbox:
        """Conpeek's API."""
        return ConpeekSandbox(
            seed=self._seed,
            size=self._size,
            days=self._days,
            readings=self._conpeek_readings or Readings(),
            account=self._account,
        )

    @property
    def vendors(self) -> list[Vendor]:
        """Every simulated vendor with an API to serve."""
        return [
            getattr(self, name)
            for name, ports in VENDOR_PORTS.items()
            if not self._wanted.isdisjoint(ports)
        ]

    @property
    def apis(self) -> dict[str, Api]:
        """Every served API by name."""
        return {
            name: api
            for vendor in self.vendors
            for name, api in vendor.apis.items()
            if name in self._wanted
        }

    @property
    def urls(self) -> dict[str, str]:
        """Base URL of every running API."""
        return {name: server.url for name, server in self._servers.items()}

    def tap_env(self) -> dict[str, str]:
        """Environment variables pointing every tap at this sandbox."""
        urls = self.urls
        return {
            key: value for vendor in self.vendors for key, value in vendor.tap_env(urls).items()
        }

    def mutate(self) -> None:
        """Every vendor adds and updates records, later than everything before."""
        for vendor in self.vendors:
            vendor.mutate()

    def start(self, ports: Mapping[str, int] | None = None) -> Sandbox:
        """Serve every API; a port of 0 (the default) picks a free one."""
        ports = ports or {}
        try:
            for name, api in self.apis.items():
                self._servers[name] = ApiServer(api, port=ports.get(name, 0))
        except OSError:
            self.stop()
            raise
        for server in self._servers.values():
            server.start()
        return self

    def stop(self) -> None:
        """Stop every server."""
        for server in self._servers.values():
            server.stop()
        self._servers.clear()

    def __enter__(self) -> Sandbox:
        """Start with free ports."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop."""
        self.stop()
