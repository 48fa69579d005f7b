"""The code location: `dagster dev -m support_taps_dagster.location`.

It loads the Meltano project in $MELTANO_PROJECT_ROOT (default: the working folder), in
$MELTANO_ENVIRONMENT (default: the project's default), loading into $SUPPORT_TAPS_LOADER
(default: target-postgres), retrying a failed run after $SUPPORT_TAPS_RETRY_DELAY_SECONDS
(default 30, doubling).
"""

from __future__ import annotations

import os
from pathlib import Path

from support_taps_dagster.definitions import build_definitions

defs = build_definitions(
    Path(os.environ.get("MELTANO_PROJECT_ROOT", ".")).resolve(),
    os.environ.get("SUPPORT_TAPS_LOADER", "target-postgres"),
    os.environ.get("MELTANO_ENVIRONMENT"),
    float(os.environ.get("SUPPORT_TAPS_RETRY_DELAY_SECONDS", "30")),
)
