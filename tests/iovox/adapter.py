"""tap-iovox for the conformance tests."""

from __future__ import annotations

from tap_iovox.tap import TapIovox

from tests.conformance.adapter import FaultTarget, Keys, MainStream, TapAdapter
from tests.iovox.helpers import CALLS, config

IOVOX = TapAdapter(
    name="tap-iovox",
    tap_class=TapIovox,
    config=config,
    keys={"calls": Keys(("id",), "call_start")},
    secrets=("username", "secure_key"),
    apis=lambda sandbox: [sandbox.iovox.api],
    faults=(
        FaultTarget(
            stream="calls",
            path=CALLS,
            api=lambda sandbox: sandbox.iovox.api,
            ids=lambda sandbox: set(sandbox.iovox.data.by_id),
        ),
    ),
    main=MainStream(
        name="calls",
        path=CALLS,
        ids=lambda sandbox: set(sandbox.iovox.data.by_id),
        field="call_destination",
        nested="comments",
        integer=("call_time_sec", "call_time_seconds"),
        boolean=("has_recording", "has_recording"),
        time="call_end",
    ),
    sandbox_options={"size": 200, "days": 30, "serve": {"iovox"}},
)
