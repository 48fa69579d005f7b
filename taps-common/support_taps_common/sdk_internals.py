"""Every use of a private singer-sdk name, in one place.

The SDK offers no public hook for these, and each one is worth having: settings checks
that a JSON schema cannot express, a record path a third cheaper, and bookmarks that
advance once per window. Everything else in the suite uses the SDK's public surface.
Each name here has a test in `tests/test_sdk_internals.py` that fails when the
installed SDK stops behaving as this file assumes; an SDK upgrade starts there.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, cast

from singer_sdk import RESTStream, Tap
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.helpers.conform import TypeConformanceLevel
from typing_extensions import override

from support_taps_common.writer import RecordBatchingWriter

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context, Record


class TapInternals(Tap):
    """A tap whose own settings checks run where the SDK validates the config."""

    def settings_errors(self) -> list[str]:
        """What is wrong with the settings beyond the JSON schema, one line each."""
        return []

    def config_errors(self, schema_errors: list[str]) -> list[str]:
        """All that is wrong with the settings, given what the JSON schema found."""
        return schema_errors or self.settings_errors()

    @override
    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        # Private: the SDK validates the config against the JSON schema here, in its
        # constructor, before any stream exists; the tap's own checks belong next to it.
        errors = self.config_errors(super()._validate_config(raise_errors=False))
        if errors and raise_errors:
            raise ConfigValidationError(
                "Config validation failed", errors=errors, schema=self.config_jsonschema
            )
        return errors


class StreamInternals(RESTStream[Any]):
    """A REST stream with the suite's record path and, optionally, held bookmarks."""

    tap: Tap

    holds_bookmark: ClassVar[bool] = False
    """Advance the bookmark once per checkpoint (`commit_held_bookmark`) instead of at
    every record: the last record emitted is held until then."""

    _held_record: Record | None = None

    @cached_property
    def writes_records_directly(self) -> bool:
        """Whether the SDK's record path can be skipped: it would not change a record.

        With every property selected there is nothing to deselect, and at conformance
        NONE the SDK's conformance returns the record as it is; what remains is the
        stream maps and the RECORD message itself, which the writer encodes directly.
        """
        return (
            self.TYPE_CONFORMANCE_LEVEL == TypeConformanceLevel.NONE
            and isinstance(self.tap.message_writer, RecordBatchingWriter)
            and all(self.mask.values())
        )

    @override
    def _write_record_message(self, record: Record) -> None:
        # Private: the SDK calls this once per record to build and write its RECORD
        # messages. The walk that drops deselected properties and the message objects
        # are a third of a fast tap's time, for nothing when no property is deselected.
        if not self.writes_records_directly:
            super()._write_record_message(record)
            return
        writer = cast("RecordBatchingWriter", self.tap.message_writer)
        version = self._stream_version  # private: set for ACTIVATE_VERSION (full table)
        for stream_map in self.stream_maps:
            mapped = stream_map.transform(record)
            if mapped is not None:
                writer.write_record(stream_map.stream_alias, mapped, version)
        self.state_manager.is_flushed = False  # as the SDK's: a STATE is due

    @override
    def _increment_stream_state(
        self, latest_record: Record, *, context: Context | None = None
    ) -> None:
        # Private: the SDK calls this after writing each record, to advance the bookmark.
        if self.holds_bookmark:
            self._held_record = latest_record
            return
        super()._increment_stream_state(latest_record, context=context)

    @property
    def held_record(self) -> Record | None:
        """The last record written since the last checkpoint, if the bookmark is held."""
        return self._held_record

    def commit_held_bookmark(self, context: Context | None) -> None:
        """Advance the bookmark (the SDK's way) to the held record, and hold nothing."""
        record, self._held_record = self._held_record, None
        if record is not None:
            super()._increment_stream_state(record, context=context)

    def discard_held_bookmark(self) -> None:
        """Forget the held record: the bookmark stays where it is."""
        self._held_record = None

    def write_state_message(self) -> None:
        """Write a STATE message now, if the state changed since the last one."""
        self._write_state_message()  # private: the SDK's own checkpoint
