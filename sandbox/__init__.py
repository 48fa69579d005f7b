"""Local, faithful simulators of the Dixa, Open CX, iovox and Conpeek APIs."""

from __future__ import annotations

from typing import TYPE_CHECKING, final

from sandbox.conpeek import ConpeekSandbox, Readings
from sandbox.dixa import DixaSandbox
from sandbox.dixa.exports_api import Bounds
from sandbox.opencx import OpenCxSandbox
from sandbox.server import ApiServer

if TYPE_CHECKING:
    from collections.abc import Mapping
    from types import TracebackType

    from sandbox.server import Api
    from sandbox.vendor import Vendor

__all__ = ["DEFAULT_PORTS", "Bounds", "Sandbox"]

DEFAULT_PORTS: dict[str, int] = {
    **DixaSandbox.default_ports,
    **OpenCxSandbox.default_ports,
    **ConpeekSandbox.default_ports,
}
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
    ) -> None:
        """Build every vendor's data: `size` records per main stream over `days` days.

        `rate_limits` enforces each API's documented limit; `bounds` is how Dixa's export
        windows read their undocumented bounds, `conpeek` how Conpeek's API reads its own.
        """
        self.dixa = DixaSandbox(
            seed=seed, size=size, days=days, bounds=bounds, rate_limits=rate_limits
        )
        self.opencx = OpenCxSandbox(seed=seed, size=size, days=days, rate_limits=rate_limits)
        self.conpeek = ConpeekSandbox(
            seed=seed, size=size, days=days, readings=conpeek or Readings()
        )
        self._servers: dict[str, ApiServer] = {}

    @property
    def vendors(self) -> list[Vendor]:
        """Every simulated vendor."""
        return [self.dixa, self.opencx, self.conpeek]

    @property
    def apis(self) -> dict[str, Api]:
        """Every simulated API by name."""
        return {name: api for vendor in self.vendors for name, api in vendor.apis.items()}

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
