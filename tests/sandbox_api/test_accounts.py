"""A sandbox can serve another vendor account: its own credentials and its own data."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.conformance.taps import ADAPTERS

if TYPE_CHECKING:
    from collections.abc import Callable

    from sandbox import Sandbox
    from tests.conformance.adapter import TapAdapter


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda adapter: adapter.name)
def test_an_account_accepts_its_own_credentials_only(
    adapter: TapAdapter, make_sandbox: Callable[..., Sandbox]
) -> None:
    default, eu = make_sandbox(size=20, days=5), make_sandbox(size=20, days=5, account="eu")
    own = adapter.config(eu)
    borrowed = {**own, **{secret: adapter.config(default)[secret] for secret in adapter.secrets}}

    assert all(own[secret].endswith("-eu") for secret in adapter.secrets)
    adapter.tap_class(config=own).check_connection()
    with pytest.raises(Exception, match="refused"):
        adapter.tap_class(config=borrowed).check_connection()


def test_another_seed_is_another_accounts_data(make_sandbox: Callable[..., Sandbox]) -> None:
    # Open CX's keys are UUIDs: another account's data has keys of its own.
    main = next(adapter.main for adapter in ADAPTERS if adapter.name == "tap-opencx")
    default, eu = (
        make_sandbox(size=50, days=10),
        make_sandbox(size=50, days=10, account="eu", seed=8),
    )

    assert main.ids(default).isdisjoint(main.ids(eu))
