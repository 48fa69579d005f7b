"""SPEC: the tap's own settings as a connector specification."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airbyte_protocol_dataclasses.models import AirbyteMessage, ConnectorSpecification, Type

if TYPE_CHECKING:
    from singer_sdk import Tap

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
"""The JSON Schema draft the platform validates connector settings with."""


def connection_specification(tap_class: type[Tap]) -> dict[str, Any]:
    """The tap's settings as Airbyte expects them.

    Only the tap's own settings: the SDK's built-in ones (stream maps, flattening,
    batches) are Singer's business, and its schema for stream maps is not valid JSON
    Schema. Secrets are marked `airbyte_secret`; an optional setting is simply left out
    rather than given as null, so its type loses "null" (forms render it plainly).
    """
    settings = tap_class.config_jsonschema
    builtins: dict[str, Any] = {"properties": {}}
    tap_class.append_builtin_config(builtins)  # what the SDK adds (once `--about` ran, in place)
    return {
        "$schema": DRAFT_07,
        "title": f"{tap_class.name} settings",
        "type": "object",
        "required": list(settings.get("required", [])),
        "properties": {
            name: _setting(schema)
            for name, schema in settings.get("properties", {}).items()
            if name not in builtins["properties"]
        },
        "additionalProperties": True,
    }


def _setting(schema: dict[str, Any]) -> dict[str, Any]:
    setting = {key: value for key, value in schema.items() if key != "secret"}
    if schema.get("secret"):
        setting["airbyte_secret"] = True
    if isinstance(types := schema.get("type"), list):
        kept = [kind for kind in types if kind != "null"] or types
        setting["type"] = kept[0] if len(kept) == 1 else kept
    if isinstance(items := schema.get("items"), dict):
        setting["items"] = _setting(items)
    return setting


def spec_message(tap_class: type[Tap]) -> AirbyteMessage:
    """The SPEC message."""
    spec = ConnectorSpecification(
        connectionSpecification=connection_specification(tap_class),
        supportsIncremental=True,
        supportsNormalization=None,
        supportsDBT=None,
    )
    return AirbyteMessage(type=Type.SPEC, spec=spec)
