"""tap-dixa for the conformance tests."""

from __future__ import annotations

from tap_dixa.tap import TapDixa

from tests.conformance.adapter import FaultTarget, Keys, MainStream, TapAdapter
from tests.dixa.helpers import config

KEYS = {
    "conversations": Keys(("id",), "updated_at"),
    "messages": Keys(("id",), "created_at"),
    "activity_logs": Keys(("id",), "activityTimestamp"),
    "agents": Keys(("id",)),
    "end_users": Keys(("id",)),
    "queues": Keys(("id",)),
    "queue_members": Keys(("queue_id", "agentId")),
    "tags": Keys(("id",)),
    "teams": Keys(("id",)),
    "team_members": Keys(("team_id", "id")),
    "custom_attributes": Keys(("id",)),
    "contact_endpoints": Keys(("id",)),
    "analytics_metrics_catalogue": Keys(("id",)),
    "analytics_records_catalogue": Keys(("id",)),
    "analytics_filter_values": Keys(("attribute", "value")),
    "analytics_records": Keys(("record_id", "row_key"), "primaryTimestamp"),
    "analytics_metrics_daily": Keys(("metric_id", "day", "timezone", "measure"), "day", "date"),
}

DIXA = TapAdapter(
    name="tap-dixa",
    tap_class=TapDixa,
    config=config,
    keys=KEYS,
    secrets=("api_token",),
    apis=lambda sandbox: [sandbox.dixa.exports, sandbox.dixa.api],
    faults=(
        FaultTarget(
            stream="conversations",
            path="/v1/conversation_export",
            api=lambda sandbox: sandbox.dixa.exports,
            ids=lambda sandbox: set(sandbox.dixa.exports_data.conversations),
        ),
        FaultTarget(
            stream="agents",
            path="/v1/agents",
            api=lambda sandbox: sandbox.dixa.api,
            ids=lambda sandbox: {agent["id"] for agent in sandbox.dixa.api_data.agents},
            settings={"page_size": 7},  # so a fault strikes mid-stream
        ),
    ),
    main=MainStream(
        name="conversations",
        path="/v1/conversation_export",
        ids=lambda sandbox: set(sandbox.dixa.exports_data.conversations),
        field="requester_email",
        nested="custom_fields",
        integer=("total_duration", "total_duration"),
        boolean=None,
        time="created_at",
        other="messages",
    ),
    url_settings=("exports_api_url", "api_url"),
    sandbox_options={"size": 200, "days": 30},
)
