"""Run Airbyte's source-dixa (PyPI `airbyte-source-dixa`) against $DIXA_EXPORTS_URL.

Its manifest hard-codes `url_base`; rewrite it as the manifest is loaded, then start its CLI.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource

_read_manifest = YamlDeclarativeSource._read_and_parse_yaml_file  # noqa: SLF001


def _pointed_at_sandbox(self: YamlDeclarativeSource, path: str) -> Any:  # noqa: ANN401
    manifest = _read_manifest(self, path)
    for stream in manifest["streams"]:
        stream["retriever"]["requester"]["url_base"] = os.environ["DIXA_EXPORTS_URL"] + "/v1/"
    return manifest


YamlDeclarativeSource._read_and_parse_yaml_file = _pointed_at_sandbox  # noqa: SLF001

if __name__ == "__main__":
    from source_dixa.run import run

    sys.exit(run())
