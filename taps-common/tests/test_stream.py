"""SupportStream and SupportTap against the toy API: errors, retries, settings, records."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import TYPE_CHECKING

import pytest
from conftest import KEY, Reply, ToyTap, sync, toy_config
from singer_sdk.exceptions import ConfigValidationError, FatalAPIError
from support_taps_common.errors import CredentialsRefusedError, MalformedResponseError

if TYPE_CHECKING:
    from conftest import ToyApi


def test_refused_credentials_stop_at_once_naming_the_setting(toy_api: ToyApi) -> None:
    with pytest.raises(CredentialsRefusedError) as raised:
        sync(toy_config(toy_api, api_key="wrong"))

    assert str(raised.value) == (
        "Toy refused the API key (HTTP 401 for things): check the `api_key` setting "
        "(env TAP_TOY_API_KEY)."
    )
    assert len(toy_api.requests) == 1, "401 is not retried"


def test_other_client_errors_stop_with_the_api_message(toy_api: ToyApi) -> None:
    toy_api.replies = [Reply(400, b'{"error": "from must be before to"}')]

    with pytest.raises(FatalAPIError) as raised:
        sync(toy_config(toy_api))

    assert str(raised.value) == (
        "things: HTTP 400 Bad Request for GET /things: from must be before to"
    )


@pytest.mark.parametrize("seconds", [0.3, 0.6])
def test_429_waits_what_retry_after_says(toy_api: ToyApi, seconds: float) -> None:
    toy_api.replies = [Reply(429, headers={"Retry-After": str(seconds)})]

    run = sync(toy_config(toy_api))

    assert len(run.records()) == 50
    gap = toy_api_gap(toy_api)
    assert seconds <= gap < seconds + 0.3


def test_429_retry_after_as_an_http_date(toy_api: ToyApi) -> None:
    when = datetime.now(timezone.utc) + timedelta(seconds=2)
    toy_api.replies = [Reply(429, headers={"Retry-After": format_datetime(when, usegmt=True)})]

    sync(toy_config(toy_api))

    assert 0.9 <= toy_api_gap(toy_api) < 2.5  # HTTP dates have whole seconds


def test_server_errors_are_retried_with_jittered_backoff(toy_api: ToyApi) -> None:
    toy_api.replies = [Reply(503)]

    run = sync(toy_config(toy_api))

    assert len(run.records()) == 50
    assert 0.5 <= toy_api_gap(toy_api) < 1.3  # the first wait is 0.5 to 1 s


@pytest.mark.parametrize(
    ("body", "problem"),
    [(b"[{", "invalid JSON"), (b"<html>", "invalid JSON"), (b"[1]", "expected objects, got int")],
    ids=["truncated", "html", "not-objects"],
)
def test_malformed_bodies_name_the_stream_and_the_request(
    toy_api: ToyApi, body: bytes, problem: str
) -> None:
    toy_api.replies = [Reply(200, body)]

    with pytest.raises(MalformedResponseError) as raised:
        sync(toy_config(toy_api))

    assert str(raised.value).startswith("things: malformed response to GET /things (HTTP 200")
    assert problem in str(raised.value)
    assert KEY not in str(raised.value)


def test_unknown_fields_are_left_out_and_reported_once(
    toy_api: ToyApi, caplog: pytest.LogCaptureFixture
) -> None:
    for thing in toy_api.things:
        thing["colour"] = "red"

    with caplog.at_level(logging.WARNING):
        run = sync(toy_config(toy_api))

    assert all("colour" not in record for record in run.records())
    reports = [r.message for r in caplog.records if "colour" in r.message]
    assert reports == ["things: Toy sent fields this tap does not know yet, left out: colour"]


def test_no_request_without_a_selected_child(toy_api: ToyApi) -> None:
    tap = ToyTap(config=toy_config(toy_api))
    stream = tap.streams["things"]
    assert list(stream.generate_child_contexts({"id": 1}, None)) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start_date": "last tuesday"}, "start_date 'last tuesday' is not a date"),
        ({"end_date": "2024-12-31"}, "end_date (2024-12-31) must be after start_date"),
        ({"api_url": "toy.example.com"}, "api_url 'toy.example.com' is not an http(s) URL"),
        ({"zone": "Mars/Base"}, "zone 'Mars/Base' is not an IANA time zone (e.g. Europe/Oslo)"),
    ],
)
def test_settings_are_checked_before_any_request(
    toy_api: ToyApi, change: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigValidationError) as raised:
        ToyTap(config=toy_config(toy_api, **change))

    assert any(message in error for error in raised.value.errors), raised.value.errors
    assert toy_api.requests == []


def test_end_date_defaults_to_the_first_time_it_is_asked(toy_api: ToyApi) -> None:
    settings = toy_config(toy_api)
    del settings["end_date"]
    tap = ToyTap(config=settings)
    before = datetime.now(timezone.utc)
    assert before <= tap.end_date == tap.end_date <= datetime.now(timezone.utc)


def toy_api_gap(api: ToyApi) -> float:
    """Seconds between the first request and its retry."""
    return api.times[1] - api.times[0]
