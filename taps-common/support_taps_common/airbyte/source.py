"""The Airbyte source CLI of a tap: `spec`, `check`, `discover`, `read`."""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import requests
from airbyte_protocol_dataclasses.models import (
    AirbyteConnectionStatus,
    AirbyteErrorTraceMessage,
    AirbyteMessage,
    AirbyteTraceMessage,
    ConfiguredAirbyteCatalog,
    FailureType,
    Status,
    TraceType,
    Type,
)
from singer_sdk.exceptions import ConfigValidationError, FatalAPIError, RetriableAPIError

from support_taps_common.airbyte.catalog import catalog_message, full_refresh_streams, select
from support_taps_common.airbyte.output import AirbyteWriter, Output, log_to
from support_taps_common.airbyte.protocol import InputError, now_ms, parse
from support_taps_common.airbyte.spec import spec_message
from support_taps_common.airbyte.state import singer_state
from support_taps_common.errors import CredentialsRefusedError
from support_taps_common.secrets import REDACTOR

if TYPE_CHECKING:
    from collections.abc import Sequence

    from support_taps_common.tap import SupportTap

API_ERRORS = (FatalAPIError, RetriableAPIError, requests.RequestException)
"""What the tap reports in one line: the API's answers, the settings, the network."""
USER_ERRORS = (ConfigValidationError, CredentialsRefusedError, InputError)
"""What the user must fix: Airbyte's `config_error`."""


class AirbyteSource:
    """A tap of the suite behind the Airbyte protocol."""

    def __init__(self, tap_class: type[SupportTap], output: Output | None = None) -> None:
        """The source of `tap_class`, writing to `output` (stdout)."""
        self.tap_class = tap_class
        self.output = output or Output()

    def spec(self) -> None:
        """SPEC: the tap's settings."""
        self.output.write(spec_message(self.tap_class))

    def check(self, config: dict[str, Any]) -> None:
        """CONNECTION_STATUS: the settings are valid and the API accepts the credentials."""
        try:
            self.tap_class(config=config, setup_mapper=False).check_connection()
        except (*API_ERRORS, ConfigValidationError) as error:
            status = AirbyteConnectionStatus(status=Status.FAILED, message=one_line(error))
        else:
            status = AirbyteConnectionStatus(status=Status.SUCCEEDED)
        self.output.write(AirbyteMessage(type=Type.CONNECTION_STATUS, connectionStatus=status))

    def discover(self, config: dict[str, Any]) -> None:
        """CATALOG: the tap's streams, offline."""
        tap = self.tap_class(config=config, setup_mapper=False)
        self.output.write(catalog_message(tap.catalog))

    def read(self, config: dict[str, Any], catalog: object, state: object = None) -> None:
        """RECORD, STATE and TRACE messages of the configured streams."""
        configured = parse(catalog, ConfiguredAirbyteCatalog)
        writer = AirbyteWriter(self.output, [stream.stream.name for stream in configured.streams])
        try:
            discovery = self.tap_class(config=config, setup_mapper=False)  # checks the settings
            initial = singer_state(state, full_refresh_streams(configured))
            writer.states.messages(initial)  # what was handed in is not news
            tap = self.tap_class(
                config=config,
                catalog=select(discovery.catalog, configured),
                state=initial,
                message_writer=writer,
                validate_config=False,  # checked above, once
            )
            tap.sync_all()
        except BaseException:
            writer.finish(failed=True)
            raise
        writer.finish(failed=False)


def one_line(error: BaseException) -> str:
    """The error as the tap prints it: one line, no secret."""
    if isinstance(error, ConfigValidationError):
        text = "; ".join(error.errors) if error.errors else str(error)
    else:
        text = str(error)
    return REDACTOR.redact(" ".join(text.split()))


def _failure(output: Output, error: BaseException) -> NoReturn:
    """Report what went wrong as a TRACE error, and exit 1."""
    expected = isinstance(error, (*API_ERRORS, *USER_ERRORS))
    trace = AirbyteErrorTraceMessage(
        message=one_line(error),
        internal_message=type(error).__name__,
        stack_trace=None if expected else REDACTOR.redact(traceback.format_exc()),
        failure_type=(
            FailureType.config_error if isinstance(error, USER_ERRORS) else FailureType.system_error
        ),
    )
    output.write(
        AirbyteMessage(
            type=Type.TRACE,
            trace=AirbyteTraceMessage(type=TraceType.ERROR, emitted_at=now_ms(), error=trace),
        )
    )
    sys.exit(1)


def _json_file(path: str, what: str) -> Any:  # noqa: ANN401
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        msg = f"cannot read the {what} file {path}: {error}"
        raise InputError(msg) from None


def _arguments(name: str, argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=name, description=f"{name}: an Airbyte source.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("spec", help="the settings this source takes")
    for command in ("check", "discover", "read"):
        sub = commands.add_parser(command)
        sub.add_argument("--config", required=True, help="settings (JSON file)")
        if command == "read":
            sub.add_argument("--catalog", required=True, help="ConfiguredAirbyteCatalog (JSON)")
            sub.add_argument("--state", help="state from an earlier read (JSON)")
    return parser.parse_args(argv)


def main(tap_class: type[SupportTap], argv: Sequence[str] | None = None) -> None:
    """Run one command of the protocol, its messages on stdout; exit 1 if it failed."""
    output = Output()
    log_to(output)
    arguments = _arguments(tap_class.name.replace("tap-", "source-", 1), argv)
    source = AirbyteSource(tap_class, output)
    try:
        if arguments.command == "spec":
            source.spec()
            return
        config = _json_file(arguments.config, "config")
        if arguments.command == "check":
            source.check(config)
        elif arguments.command == "discover":
            source.discover(config)
        else:
            catalog = _json_file(arguments.catalog, "catalog")
            state = _json_file(arguments.state, "state") if arguments.state else None
            source.read(config, catalog, state)
    except Exception as error:  # noqa: BLE001  # every failure becomes a TRACE error
        _failure(output, error)
