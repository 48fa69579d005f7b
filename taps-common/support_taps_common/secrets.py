"""Secrets: checked for shape before any request, and never printed, whatever their shape.

A secret is a setting the tap's settings schema marks `secret`. Its value is refused,
naming the setting and never the value, when it is not text, is empty, or holds a
control character or surrounding whitespace (a copy-paste slip that would otherwise end
in a request library's error quoting it). Every message the tap logs, and the traceback
of an error nobody caught, has every configured secret replaced by `[redacted]`.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from types import TracebackType

REDACTED = "[redacted]"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def secret_settings(schema: Mapping[str, Any]) -> tuple[str, ...]:
    """The names of the settings `schema` marks secret."""
    properties: Mapping[str, Any] = schema.get("properties", {})
    return tuple(name for name, spec in properties.items() if spec.get("secret"))


def secret_errors(values: Mapping[str, Any], names: Iterable[str]) -> list[str]:
    """What is wrong with the shape of each secret that is set, naming only the setting."""
    errors = []
    for name in names:
        value = values.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            errors.append(f"{name} must be text (a JSON string), not a {_json_type(value)}")
        elif not value.strip():
            errors.append(f"{name} is empty")
        elif _CONTROL.search(value) or value != value.strip():
            errors.append(
                f"{name} has a line break, tab or other control character, or a space at its "
                "start or end (a copy-paste slip?): remove it"
            )
    return errors


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (list, tuple)):
        return "list"
    return "object" if isinstance(value, dict) else type(value).__name__


class Redactor:
    """Replaces the secrets it was given in every log message and uncaught traceback.

    One per process: installed on first use, it wraps the logging record factory (so
    every logger and handler, the SDK's included, gets redacted messages) and
    `sys.excepthook`.
    """

    def __init__(self) -> None:
        """A redactor that knows no secret yet and is not installed."""
        self._forms: list[str] = []
        self._lock = threading.Lock()
        self._installed = False

    def add(self, values: Iterable[object]) -> None:
        """Redact these values from now on, as written and as a repr would quote them."""
        forms = set()
        for value in values:
            text = str(value)
            if text.strip():
                forms |= {text, text.strip(), repr(text)[1:-1], repr(text.encode())[2:-1]}
        with self._lock:
            # Longest first, so a secret's whole form goes before a part of it.
            self._forms = sorted(set(self._forms) | forms, key=len, reverse=True)
            if not self._installed:
                self._install()
                self._installed = True

    def redact(self, text: str) -> str:
        """`text` with every known secret replaced."""
        for form in self._forms:
            if form in text:
                text = text.replace(form, REDACTED)
        return text

    def _install(self) -> None:
        make_record = logging.getLogRecordFactory()
        redact = self.redact

        def redacted_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = make_record(*args, **kwargs)
            message = record.getMessage()
            clean = redact(message)
            if clean != message:
                record.msg, record.args = clean, None
            if record.exc_info and record.exc_info[1] is not None:
                record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            return record

        logging.setLogRecordFactory(redacted_record)
        previous_hook = sys.excepthook

        def redacted_hook(
            kind: type[BaseException], error: BaseException, trace: TracebackType | None
        ) -> None:
            text = "".join(traceback.format_exception(kind, error, trace))
            if redact(text) == text:
                previous_hook(kind, error, trace)
            else:
                sys.stderr.write(redact(text))

        sys.excepthook = redacted_hook


REDACTOR = Redactor()
"""The process's redactor."""
