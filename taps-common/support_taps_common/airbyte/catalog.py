"""CATALOG from the tap's Singer catalog, and the Singer catalog a configured one asks for."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    from singer_sdk.singerlib import Catalog, CatalogEntry

PROPERTY = 2
"""The length of a top-level property's breadcrumb: ("properties", name)."""


def airbyte_stream(entry: CatalogEntry) -> AirbyteStream:
    """A Singer catalog entry as an Airbyte stream: incremental where it has a bookmark."""
    cursor = entry.replication_key
    modes = [SyncMode.full_refresh, SyncMode.incremental] if cursor else [SyncMode.full_refresh]
    return AirbyteStream(
        name=entry.tap_stream_id,
        json_schema=entry.schema.to_dict(),
        supported_sync_modes=modes,
        source_defined_cursor=bool(cursor),
        default_cursor_field=[cursor] if cursor else None,
        source_defined_primary_key=[[key] for key in entry.key_properties or ()],
        is_resumable=bool(cursor),
    )


def catalog_message(singer_catalog: Catalog) -> AirbyteMessage:
    """The CATALOG message for the tap's discovered streams."""
    streams = [airbyte_stream(entry) for entry in singer_catalog.streams]
    return AirbyteMessage(type=Type.CATALOG, catalog=AirbyteCatalog(streams=streams))


def select(singer_catalog: Catalog, configured: ConfiguredAirbyteCatalog) -> Catalog:
    """Mark in the tap's (freshly discovered) catalog what the configured catalog selects.

    Streams not listed are deselected. `full_refresh`, or `incremental` on a stream
    without a bookmark (PyAirbyte asks for it on every stream), reads the stream whole
    (Singer's FULL_TABLE). A configured schema whose properties were pruned deselects
    the properties it lacks; keys stay, as the SDK keeps them.
    """
    wanted = {stream.stream.name: stream for stream in configured.streams}
    if unknown := sorted(wanted.keys() - singer_catalog.keys()):
        msg = f"the catalog names streams this source does not have: {', '.join(unknown)}"
        raise InputError(msg)
    for entry in singer_catalog.streams:
        chosen = wanted.get(entry.tap_stream_id)
        incremental = (
            chosen is not None
            and chosen.sync_mode == SyncMode.incremental
            and entry.replication_key is not None
        )
        entry.replication_method = "INCREMENTAL" if incremental else "FULL_TABLE"
        entry.metadata.root.selected = chosen is not None
        properties = chosen.stream.json_schema.get("properties") if chosen else None
        if properties is None:
            continue
        for breadcrumb, metadata in entry.metadata.items():
            if len(breadcrumb) == PROPERTY:
                metadata.selected = breadcrumb[1] in properties
    return singer_catalog


def full_refresh_streams(configured: ConfiguredAirbyteCatalog) -> set[str]:
    """Streams the configured catalog reads whole, whatever their saved state."""
    return {s.stream.name for s in configured.streams if s.sync_mode == SyncMode.full_refresh}
