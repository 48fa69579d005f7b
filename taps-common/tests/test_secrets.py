"""Secrets: their shape checked by name, their value never printed."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
from support_taps_common.secrets import REDACTED, Redactor, secret_errors, secret_settings


def test_secret_settings_are_the_ones_the_schema_marks() -> None:
    schema = {"properties": {"token": {"secret": True}, "url": {}, "key": {"secret": False}}}
    assert secret_settings(schema) == ("token",)


SHAPE = "token has a line break, tab or other control character, or a space at its start or end"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("fine-token", None),
        (None, None),
        (918273645501, "token must be text (a JSON string), not a number"),
        (True, "token must be text (a JSON string), not a boolean"),
        ("", "token is empty"),
        (" \n", "token is empty"),
        ("abc\n", SHAPE),
        ("a\tb", SHAPE),
        (" abc", SHAPE),
    ],
)
def test_secret_errors_name_the_setting_not_the_value(value: object, error: str | None) -> None:
    errors = secret_errors({"token": value}, ["token"])
    assert [e[: len(error or "")] for e in errors] == ([error] if error else [])
    assert all(str(value).strip() not in e for e in errors if str(value).strip())


def test_a_redactor_replaces_every_form_of_a_secret(caplog: pytest.LogCaptureFixture) -> None:
    redactor = Redactor()
    redactor.add(["s3cr3t\n", 12345])
    logger = logging.getLogger("test-redaction")

    with caplog.at_level(logging.INFO, logger="test-redaction"):
        logger.info("header %s", b"Bearer s3cr3t\n")
        logger.info("number %d and %r", 12345, "s3cr3t\n")
        try:
            raise ValueError("s3cr3t")  # noqa: TRY301 (the test's error)
        except ValueError:
            logger.exception("failed")

    text = caplog.text
    assert "s3cr3t" not in text
    assert "12345" not in text
    assert f"header b'Bearer {REDACTED}'" in caplog.messages[0]
    assert f"ValueError: {REDACTED}" in text


def test_an_uncaught_error_is_printed_redacted() -> None:
    program = (
        "from support_taps_common.secrets import REDACTOR\n"
        "REDACTOR.add(['s3cr3t'])\n"
        "raise RuntimeError('token s3cr3t refused')\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 1
    assert "RuntimeError: token [redacted] refused" in completed.stderr
    assert "s3cr3t" not in completed.stderr
