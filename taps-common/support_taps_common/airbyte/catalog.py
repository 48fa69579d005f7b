"""CATALOG from the tap's Singer catalog, and the Singer catalog a configured one asks for."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from airbyte_protocol_dataclasses.models import (
    AirbyteCatalog,
    AirbyteMessage,
    AirbyteStream,
    SyncMode,
    Type,
)

from support_taps_common.airbyte.protocol import InputError

if TYPE_CHECKING:
    from airbyte_protocol_dataclasses.models import ConfiguredAirbyteCatalog


def _stream_metadata(entry: dict[str, Any]) -> dict[str, Any]:
    for item in entry.get("metadata", []):
        if not item["breadcrumb"]:
            return item["metadata"]  # type: ignore[no-any-return]
    return {}


def _cursor_of(entry: dict[str, Any]) -> str | None:
    key = entry.get("replication_key") or _stream_metadata(entry).get("valid-replication-keys")
    if isinstance(key, list):
        return key[0] if key else None
    return key


def airbyte_stream(entry: dict[str, Any]) -> AirbyteStream:
    """A Singer catalog entry as an Airbyte stream: incremental where it has a bookmark."""
    cursor = _cursor_of(entry)
    modes = [SyncMode.full_refresh, SyncMode.incremental] if cursor else [SyncMode.full_refresh]
    return AirbyteStream(
        name=entry["tap_stream_id"],
        json_schema=entry["schema"],
        supported_sync_modes=modes,
        source_defined_cursor=bool(cursor),
        default_cursor_field=[cursor] if cursor else None,
        source_defined_primary_key=[[key] for key in entry.get("key_properties", [])],
        is_resumable=bool(cursor),
    )


def catalog_message(singer_catalog: dict[str, Any]) -> AirbyteMessage:
    """The CATALOG message for the tap's discovered streams."""
    streams = [airbyte_stream(entry) for entry in singer_catalog["streams"]]
    return AirbyteMessage(type=Type.CATALOG, catalog=AirbyteCatalog(streams=streams))


def selected_catalog(
    singer_catalog: dict[str, Any], configured: ConfiguredAirbyteCatalog
) -> dict[str, Any]:
    """The tap's catalog with what the configured catalog selects, and how.

    Streams not listed are deselected. `full_refresh`, or `incremental` on a stream
    without a bookmark (PyAirbyte asks for it on every stream), reads the stream whole
    (Singer's FULL_TABLE). A configured schema whose properties were pruned deselects
    the properties it lacks; keys stay, as the SDK keeps them.
    """
    wanted = {stream.stream.name: stream for stream in configured.streams}
    if unknown := sorted(wanted.keys() - {e["tap_stream_id"] for e in singer_catalog["streams"]}):
        msg = f"the catalog names streams this source does not have: {', '.join(unknown)}"
        raise InputError(msg)
    catalog = copy.deepcopy(singer_catalog)
    for entry in catalog["streams"]:
        chosen = wanted.get(entry["tap_stream_id"])
        incremental = (
            chosen is not None
            and chosen.sync_mode == SyncMode.incremental
            and _cursor_of(entry) is not None
        )
        entry["replication_method"] = "INCREMENTAL" if incremental else "FULL_TABLE"
        properties = chosen.stream.json_schema.get("properties") if chosen else None
        for item in entry["metadata"]:
            breadcrumb = item["breadcrumb"]
            if not breadcrumb:
                item["metadata"]["selected"] = chosen is not None
            elif properties is not None and len(breadcrumb) == 2:  # noqa: PLR2004
                item["metadata"]["selected"] = breadcrumb[1] in properties
    return catalog


def full_refresh_streams(configured: ConfiguredAirbyteCatalog) -> set[str]:
    """Streams the configured catalog reads whole, whatever their saved state."""
    return {s.stream.name for s in configured.streams if s.sync_mode == SyncMode.full_refresh}
