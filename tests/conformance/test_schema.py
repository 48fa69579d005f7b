"""Every record a tap writes fits the SCHEMA it wrote; a record that cannot stops the run.

The API breaks a type in the first record of the main stream's first page (the sandbox's
`set:FIELD=JSON` fault): a lossless coercion is made, anything else is one clear error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from support_taps_common.errors import MalformedResponseError

from sandbox.fault_specs import MISSING, SetField
from tests.conformance.in_process import selecting, sync
from tests.conformance.taps import ADAPTERS

if TYPE_CHECKING:
    from sandbox import Sandbox
    from tests.conformance.adapter import TapAdapter
    from tests.conformance.in_process import Sync

every_tap = pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda adapter: adapter.name)
with_booleans = pytest.mark.parametrize(
    "adapter", [a for a in ADAPTERS if a.main.boolean], ids=lambda adapter: adapter.name
)


def _run_with(adapter: TapAdapter, sandbox: Sandbox, field: str, value: Any) -> Sync:  # noqa: ANN401
    adapter.prepare(sandbox)
    main = adapter.main
    for api in adapter.apis(sandbox):  # only the one serving the path sees it
        api.faults.inject(SetField(field, value), path=main.path)
    catalog = selecting(adapter.tap_class, main.name)
    return sync(adapter.tap_class, adapter.config(sandbox), catalog=catalog)


def _stops_naming(run: Sync, adapter: TapAdapter, field: str) -> str:
    assert isinstance(run.error, MalformedResponseError), run.error
    message = str(run.error)
    assert "\n" not in message
    assert message.startswith(f"{adapter.main.name}: "), message
    assert field in message, message
    return message


@every_tap
def test_an_integer_sent_as_text_is_written_as_an_integer(
    adapter: TapAdapter, sandbox: Sandbox
) -> None:
    sent, written = adapter.main.integer
    run = _run_with(adapter, sandbox, sent, "4321")

    assert run.error is None, run.error
    records = run.output.records(adapter.main.name)
    assert {record[adapter.main.key] for record in records} == adapter.main.ids(sandbox)
    assert [record[written] for record in records if record.get(written) == 4321] == [4321]
    assert all(not isinstance(record.get(written), str) for record in records)


@every_tap
@pytest.mark.parametrize("value", ["abc", 12.5, True, {"n": 1}], ids=repr)
def test_a_value_no_integer_can_hold_stops_the_run(
    adapter: TapAdapter,
    sandbox: Sandbox,
    value: Any,  # noqa: ANN401
) -> None:
    sent, written = adapter.main.integer
    run = _run_with(adapter, sandbox, sent, value)

    _stops_naming(run, adapter, written)
    assert all(
        not isinstance(record.get(written), (str, float, bool, dict))
        for record in run.output.records(adapter.main.name)
    )


@with_booleans
def test_a_word_that_is_no_boolean_stops_the_run(adapter: TapAdapter, sandbox: Sandbox) -> None:
    assert adapter.main.boolean is not None
    sent, written = adapter.main.boolean
    run = _run_with(adapter, sandbox, sent, "perhaps")

    _stops_naming(run, adapter, written)


@every_tap
@pytest.mark.parametrize("value", [None, MISSING], ids=["null", "missing"])
def test_a_record_without_its_key_stops_the_run(
    adapter: TapAdapter,
    sandbox: Sandbox,
    value: Any,  # noqa: ANN401
) -> None:
    key = adapter.main.key
    run = _run_with(adapter, sandbox, key, value)

    _stops_naming(run, adapter, key)
    assert all(record.get(key) is not None for record in run.output.records(adapter.main.name))


@every_tap
@pytest.mark.parametrize("value", [None, MISSING, "yesterday"], ids=["null", "missing", "text"])
def test_a_record_without_a_readable_replication_key_stops_the_run(
    adapter: TapAdapter,
    sandbox: Sandbox,
    value: Any,  # noqa: ANN401
) -> None:
    replication_key = adapter.keys[adapter.main.name].replication
    assert replication_key is not None
    run = _run_with(adapter, sandbox, replication_key, value)

    _stops_naming(run, adapter, replication_key)


@every_tap
@pytest.mark.parametrize("value", ["yesterday", True], ids=repr)
def test_a_time_that_is_no_time_stops_the_run(
    adapter: TapAdapter,
    sandbox: Sandbox,
    value: Any,  # noqa: ANN401
) -> None:
    run = _run_with(adapter, sandbox, adapter.main.time, value)

    _stops_naming(run, adapter, adapter.main.time)
