"""tap-conpeek for the conformance tests."""

from __future__ import annotations

from tap_conpeek.tap import TapConpeek

from sandbox.conpeek import Readings
from tests.conformance.adapter import FaultTarget, Keys, MainStream, TapAdapter
from tests.conpeek.helpers import DIALOGS, STATISTICS, config, truth

CONPEEK = TapAdapter(
    name="tap-conpeek",
    tap_class=TapConpeek,
    config=config,
    keys={
        "conversation_statistics_opened": Keys(("id",), "id", format=None),
        "cdr_dialogs": Keys(("dialog_uuid",), "start_time"),
        "callbacks": Keys(("id",), "created_date"),
    },
    secrets=("api_key",),
    apis=lambda sandbox: [sandbox.conpeek.api],
    faults=(
        FaultTarget(
            stream="conversation_statistics_opened",
            path=STATISTICS,
            api=lambda sandbox: sandbox.conpeek.api,
            ids=lambda sandbox: set(truth(sandbox)["conversation_statistics_opened"]),
        ),
    ),
    main=MainStream(
        name="cdr_dialogs",
        path=DIALOGS,
        ids=lambda sandbox: set(truth(sandbox)["cdr_dialogs"]),
        key="dialog_uuid",
        field="from_display_target",
        nested="project",
        integer=("talking_time", "talking_time"),
        boolean=("machine_detected", "machine_detected"),
        time="hangup_time",
        other="callbacks",
    ),
    # The SDK checks that every field of a record is in the catalog. The tap keeps
    # fields Conpeek does not document, so the check runs against rows that have none.
    sandbox_options={"size": 200, "days": 30, "conpeek": Readings(extra_fields=False)},
)
