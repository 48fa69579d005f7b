"""The tap's pure building blocks: times, ObjectIds, value shapes, query encoding."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs

import pytest
import requests
from support_taps_common.clock import ZonelessClock
from tap_conpeek.client import DocumentedQuery, filter_value
from tap_conpeek.object_ids import first_id_at, id_time, is_object_id
from tap_conpeek.shapes import RecordShaper

UTC = timezone.utc


def test_object_ids_order_by_their_second() -> None:
    moment = datetime(2021, 4, 30, 10, 35, 51, tzinfo=UTC)
    documented = "608bdd875141c0758ca83971"  # the documentation's example
    assert is_object_id(documented)
    assert id_time(documented) == moment
    assert first_id_at(moment) == "608bdd870000000000000000"
    assert first_id_at(moment) <= documented < first_id_at(moment + timedelta(seconds=1))
    assert not is_object_id("608BDD875141C0758CA83971")
    assert not is_object_id(42)


def test_shaper_converts_declared_fields_and_keeps_the_rest() -> None:
    schema = {
        "properties": {
            "at": {"type": ["string", "null"], "format": "date-time"},
            "flag": {"type": ["boolean", "null"]},
            "count": {"type": ["integer", "null"]},
            "label": {"type": ["string", "null"]},
        }
    }
    shaper = RecordShaper.from_schema(schema, ZonelessClock.named("UTC"))
    row = {"at": "2025-01-01 00:00:01", "flag": 1, "count": "42", "label": "7", "extra": {"a": 1}}

    shaped = shaper.shape(row)

    assert shaped == {
        "at": "2025-01-01T00:00:01+00:00",
        "flag": True,
        "count": 42,
        "label": "7",
        "extra": {"a": 1},
    }
    assert row["at"] == "2025-01-01 00:00:01", "the API's row is left as it was"
    assert shaper.shape({"flag": "0", "count": 3.0}) == {"flag": False, "count": 3}
    assert shaper.shape({"flag": None, "count": None}) == {"flag": None, "count": None}
    assert shaper.shape({}) == {}, "no field is invented"
    with pytest.raises(ValueError, match="`at` is 'soon', not a time"):
        shaper.shape({"at": "soon"})


def test_query_is_encoded_as_the_documentation_encodes_it() -> None:
    value = filter_value(("date", "gte", "2025-01-01 00:00:00"))
    request = DocumentedQuery(url="http://x/", params={"filter": value, "limit": 100, "a": None})

    query = request.encode_params()

    assert query == (
        "filter=%5B%7B%22property%22:%22date%22,%22operator%22:%22gte%22,"
        "%22value%22:%222025-01-01%2000:00:00%22%7D%5D&limit=100"
    )
    assert parse_qs(query)["filter"] == [value]


def _response(retry_after: str | None) -> requests.Response:
    response = requests.Response()
    response.status_code = 429
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    return response
