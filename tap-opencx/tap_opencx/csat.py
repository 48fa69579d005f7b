"""CSAT scores, one per session at most."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from typing_extensions import override

from tap_opencx.chat import SessionChildStream

if TYPE_CHECKING:
    from collections.abc import Iterator

    import requests


class CsatScoresStream(SessionChildStream):
    """The CSAT score of each session the sessions stream reads, if it has one."""

    name = "csat_scores"
    path = "/csat/scores/session/{session_id}"

    @override
    def get_new_paginator(self) -> None:
        return None

    @override
    def parse_response(self, response: requests.Response) -> Iterator[dict[str, Any]]:
        # No score is documented as `null`; an empty body (what a NestJS handler that
        # returns null sends) means the same.
        if not response.content.strip():
            return
        body = self.json_body(response)
        if body is None:
            return
        if not isinstance(body, dict):
            raise self.malformed(response, f"expected an object or null, got {type(body).__name__}")
        yield body
