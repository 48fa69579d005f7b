"""tap-opencx for the conformance tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tap_opencx.tap import TapOpenCX

from tests.conformance.adapter import FaultTarget, Keys, MainStream, TapAdapter
from tests.opencx.helpers import config

if TYPE_CHECKING:
    from sandbox import Sandbox


def _ten_a_page(sandbox: Sandbox) -> None:
    """Pages of 10 items, so that windows span several pages."""
    sandbox.opencx.readings.page_size = 10


OPENCX = TapAdapter(
    name="tap-opencx",
    tap_class=TapOpenCX,
    config=config,
    keys={
        "sessions": Keys(("id",), "updated_at"),
        "session_history": Keys(("session_id", "id")),
        "csat_scores": Keys(("id",)),
        "contacts": Keys(("id",), "updated_at"),
        "handoff_events": Keys(("session_id", "created_at"), "created_at"),
        "insights": Keys(("id",)),
    },
    secrets=("api_key",),
    apis=lambda sandbox: [sandbox.opencx.api],
    faults=(
        FaultTarget(
            stream="contacts",
            path="/contacts",
            api=lambda sandbox: sandbox.opencx.api,
            ids=lambda sandbox: set(sandbox.opencx.data.contacts.records),
        ),
    ),
    main=MainStream(
        name="sessions",
        path="/chat/sessions",
        ids=lambda sandbox: set(sandbox.opencx.data.sessions.records),
        field="summary",
        nested="channel",
        integer=("ticket_number", "ticket_number"),
        boolean=("assist_mode", "assist_mode"),
        time="created_at",
        other="contacts",
    ),
    sandbox_options={"size": 100, "days": 30},
    prepare=_ten_a_page,
)
