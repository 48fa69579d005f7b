"""What the conformance tests need to know about one tap: a small description per tap."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from support_taps_common.tap import SupportTap

    from sandbox import Sandbox
    from sandbox.server import Api


@dataclass(frozen=True)
class Keys:
    """A stream's primary key, and its replication key with that key's JSON Schema format."""

    primary: tuple[str, ...]
    replication: str | None = None
    format: str | None = "date-time"
    """`date-time` for times, `date` for days, None for an id."""


@dataclass(frozen=True)
class FaultTarget:
    """Where faults strike: a stream, the path it reads, the API serving it, and its truth.

    The fault hits the second request to `path`, so the stream is read past its first page.
    """

    stream: str
    path: str
    api: Callable[[Sandbox], Api]
    ids: Callable[[Sandbox], set[Any]]
    """The primary keys the stream must deliver."""
    settings: dict[str, Any] = field(default_factory=dict)
    """Settings that make the stream need several requests."""
    key: str = "id"
    method: str = "GET"


@dataclass(frozen=True)
class MainStream:
    """The stream the capability tests read, with its ground truth."""

    name: str
    path: str
    """Where it reads: with only this stream selected, the tap requests nothing else."""
    ids: Callable[[Sandbox], set[Any]]
    """The primary keys the stream must deliver."""
    field: str
    """A top-level field that is not a key, to deselect or to drop with a stream map."""
    nested: str
    """A top-level object or array, which flattening spreads into columns or JSON text."""
    integer: tuple[str, str]
    """A field of integers that is not a key: as the API sends it, and as the tap writes it."""
    boolean: tuple[str, str] | None
    """A field of booleans, likewise (None if the stream has none)."""
    time: str
    """A date-time field that is not the replication key."""
    key: str = "id"
    other: str | None = None
    """Another stream of the tap, which a stream map can remove."""


@dataclass(frozen=True)
class TapAdapter:
    """One tap, as the conformance tests drive it."""

    name: str
    tap_class: type[SupportTap]
    config: Callable[..., dict[str, Any]]
    """Settings for a sandbox (with keyword overrides) that read all its data."""
    keys: dict[str, Keys]
    """Every stream, with its keys as its README documents them."""
    secrets: tuple[str, ...]
    apis: Callable[[Sandbox], list[Api]]
    """Every sandbox API the tap may call."""
    faults: tuple[FaultTarget, ...]
    main: MainStream
    url_settings: tuple[str, ...] = ("api_url",)
    sandbox_options: dict[str, Any] = field(default_factory=dict)
    """Options of the sandbox for the SDK's standard tests."""
    prepare: Callable[[Sandbox], None] = lambda _: None
    """Shapes a fresh test sandbox (e.g. smaller pages) before the tap runs."""

    @property
    def streams(self) -> frozenset[str]:
        """Every stream of the tap."""
        return frozenset(self.keys)

    def env_prefix(self) -> str:
        """`TAP_DIXA_`: where the SDK and Meltano read settings from the environment."""
        return self.name.upper().replace("-", "_") + "_"

    def requests(self, sandbox: Sandbox) -> list[Any]:
        """Every request the tap made to the sandbox."""
        return [request for api in self.apis(sandbox) for request in api.requests]
