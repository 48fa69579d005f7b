"""Running a tap's sync in this process, where a subprocess would add nothing."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from support_taps_common.writer import RecordBatchingWriter

from tests.support.singer import SingerOutput

if TYPE_CHECKING:
    from collections.abc import Mapping

    from singer_sdk import Tap


@dataclass
class Sync:
    """What a sync wrote, and the error that stopped it, if any."""

    output: SingerOutput
    error: Exception | None


def sync(
    tap_class: type[Tap],
    config: Mapping[str, Any],
    *,
    catalog: Mapping[str, Any] | None = None,
    state: Mapping[str, Any] | None = None,
) -> Sync:
    """Build the tap and sync it, its stdout collected; an error ends the sync, as in the CLI."""
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    error: Exception | None = None
    with redirect_stdout(stdout):
        tap = tap_class(
            config=dict(config),
            catalog=None if catalog is None else dict(catalog),
            state=None if state is None else dict(state),
        )
        try:
            tap.sync_all()
        except Exception as stopped:  # noqa: BLE001 (the test looks at what stopped it)
            error = stopped
        finally:
            if isinstance(tap.message_writer, RecordBatchingWriter):
                tap.message_writer.flush()  # as it would at the process's exit
    stdout.seek(0)
    return Sync(SingerOutput.parse(stdout.read()), error)


def selecting(tap_class: type[Tap], *streams: str) -> dict[str, Any]:
    """The tap's discovered catalog with only `streams` selected."""
    catalog: dict[str, Any] = tap_class(config={}, validate_config=False).catalog_dict
    for entry in catalog["streams"]:
        root = next(m["metadata"] for m in entry["metadata"] if not m["breadcrumb"])
        root["selected"] = entry["tap_stream_id"] in streams
    return catalog
