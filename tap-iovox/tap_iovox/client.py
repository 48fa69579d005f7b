"""What an iovox stream needs: header auth, the refused-credentials advice, the body's calls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from support_taps_common.windowed import WindowedStream
from typing_extensions import override

if TYPE_CHECKING:
    from collections.abc import Iterator

    import requests
    from singer_sdk.helpers.types import Record

    from tap_iovox.tap import TapIovox


class IovoxStream(WindowedStream):
    """An iovox REST v1 stream: two credential headers, bare arrays (or v3 envelopes)."""

    tap: TapIovox
    vendor = "iovox"
    credential_settings = ("username", "secure_key")
    # The credentials are tied to an IP allow-list: a right key from elsewhere is refused.
    credential_advice = ", and that this machine's IP is on the account's API allow-list"

    @override
    @property
    def http_headers(self) -> dict[str, str]:
        # The documented credentials: two headers, no scheme.
        return {
            **super().http_headers,
            "username": str(self.config["username"]),
            "secureKey": str(self.config["secure_key"]),
        }

    def page_rows(self, response: requests.Response) -> list[Any]:
        """The rows of a page: REST v1's bare array, or REST v3's envelope."""
        body = self.json_body(response)
        rows = _rows(body)
        if rows is None:
            raise self.malformed(response, f"expected a JSON array, got {type(body).__name__}")
        return rows

    @override
    def parse_response(self, response: requests.Response) -> Iterator[Record]:
        # The whole page is checked before any of it goes on: a broken page is no page.
        rows = []
        for row in self.objects(response, self.page_rows(response)):
            if row.get("id") is None:
                raise self.malformed(response, "a call without `id`")
            rows.append(row)
        return iter(rows)


def _rows(body: Any) -> list[Any] | None:  # noqa: ANN401
    """The calls of a body: REST v1's bare array, or REST v3's JSON envelope.

    v3 wraps calls as `{"response": {"results": {"result": [...]}}}`, where a lone call
    may come as an object rather than a list.
    """
    if isinstance(body, list):
        return body
    envelope = body.get("response") if isinstance(body, dict) else None
    if not isinstance(envelope, dict):
        return None
    results = envelope.get("results")
    result = results.get("result") if isinstance(results, dict) else None
    if result is None:
        return []
    if isinstance(result, dict):
        return [result]
    return result if isinstance(result, list) else None
