"""The sandbox builds and serves only the APIs it is asked for."""

from __future__ import annotations

import pytest
import requests

from sandbox import Sandbox


def test_only_the_named_apis_are_built_and_served() -> None:
    with Sandbox(size=50, days=5, serve={"conpeek"}) as sandbox:
        assert set(sandbox.urls) == {"conpeek"}
        assert [type(vendor).__name__ for vendor in sandbox.vendors] == ["ConpeekSandbox"]
        assert "dixa" not in vars(sandbox), "an API not served is never generated"
        answer = requests.get(
            sandbox.urls["conpeek"] + "/cdr_dialog",
            headers={"Authorization": sandbox.conpeek.key},
            timeout=10,
        )
        assert answer.status_code == 200


def test_exports_alone_keep_the_dixa_api_data_small() -> None:
    exports_only = Sandbox(size=500, days=5, serve={"dixa_exports"}).dixa
    both = Sandbox(size=500, days=5).dixa

    assert exports_only.exports_data.conversations.keys() == both.exports_data.conversations.keys()
    assert len(exports_only.api_data.agents) < len(both.api_data.agents)


def test_an_unknown_api_is_refused() -> None:
    with pytest.raises(ValueError, match="no such sandbox API: dixa"):
        Sandbox(serve={"dixa"})
