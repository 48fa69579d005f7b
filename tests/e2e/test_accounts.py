"""Two accounts of one vendor in one project, through plugin inheritance.

`tap-dixa--eu` and `tap-dixa--us` inherit from `tap-dixa`, each with its own settings,
credentials (kept in .env, never in meltano.yml), load schema and STATE, against two
sandbox accounts that refuse each other's token and hold different data under keys that
overlap (Dixa numbers conversations per organisation).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests.conformance.in_process import selecting, sync
from tests.dixa.adapter import DIXA
from tests.support.processes import REPO
from tests.support.user_project import UserProject, extractor_definition, loader_definition

if TYPE_CHECKING:
    from collections.abc import Callable

    from sandbox import Sandbox
    from tests.support.postgres import PostgresServer

ACCOUNTS = {"eu": {"seed": 11, "size": 120}, "us": {"seed": 12, "size": 80}}
MAIN = DIXA.main


def _plugin(account: str) -> str:
    return f"tap-dixa--{account}"


def _state_id(account: str) -> str:
    return f"dev:{_plugin(account)}-to-target-postgres"


@pytest.fixture
def accounts(make_sandbox: Callable[..., Sandbox]) -> dict[str, Sandbox]:
    """One sandbox per account, each with its own credentials and data."""
    return {
        name: make_sandbox(account=name, days=30, **options) for name, options in ACCOUNTS.items()
    }


@pytest.fixture
def project(tmp_path_factory: pytest.TempPathFactory, accounts: dict[str, Sandbox]) -> UserProject:
    """tap-dixa and an inherited plugin per account, as the README sets them up."""
    project = UserProject.create(tmp_path_factory.mktemp("accounts") / "warehouse")
    project.add("extractor", [extractor_definition("tap-dixa", str(REPO))])
    project.add("loader", [loader_definition("target-postgres")])
    project.declare("tap-dixa", select=[f"{MAIN.name}.*"])
    project.declare(
        "target-postgres",
        config={"default_target_schema": "$MELTANO_EXTRACT__LOAD_SCHEMA", "load_method": "upsert"},
    )
    for name, sandbox in accounts.items():
        plugin = _plugin(name)
        project.check(
            "add", "--plugin-type", "extractor", plugin, "--inherit-from", "tap-dixa",
            "--no-install",
        )  # fmt: skip
        settings = DIXA.config(sandbox)
        token = settings.pop("api_token")
        project.declare(plugin, load_schema=f"tap_dixa_{name}", config=settings)
        project.check("config", "set", plugin, "api_token", token)  # sensitive: into .env
    project.check("install")
    return project


def _landed(postgres: PostgresServer, account: str) -> set[tuple[Any, Any]]:
    query = f'select "{MAIN.key}", "{MAIN.field}" from tap_dixa_{account}.{MAIN.name}'
    with postgres.connect() as connection:
        return {(key, value) for key, value in connection.execute(query).fetchall()}


def _truth(sandbox: Sandbox) -> set[tuple[Any, Any]]:
    catalog = selecting(DIXA.tap_class, MAIN.name)
    records = sync(DIXA.tap_class, DIXA.config(sandbox), catalog=catalog).output.records(MAIN.name)
    truth = {(record[MAIN.key], record[MAIN.field]) for record in records}
    assert {key for key, _ in truth} == MAIN.ids(sandbox)
    return truth


def _state(project: UserProject, account: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(project.check("state", "get", _state_id(account)))
    return found


def test_each_account_lands_in_its_own_schema_with_its_own_state(
    project: UserProject, accounts: dict[str, Sandbox], postgres: PostgresServer
) -> None:
    env = postgres.loader_env()
    declared = (project.folder / "meltano.yml").read_text(encoding="utf-8")
    secrets = (project.folder / ".env").read_text(encoding="utf-8")
    for name, sandbox in accounts.items():
        assert sandbox.dixa.token not in declared, "a secret in meltano.yml"
        assert f"TAP_DIXA__{name.upper()}_API_TOKEN='{sandbox.dixa.token}'" in secrets

    for name in accounts:
        project.check("run", _plugin(name), "target-postgres", env=env)
    for name, sandbox in accounts.items():
        assert _landed(postgres, name) == _truth(sandbox), name
    states = {name: _state(project, name) for name in accounts}

    # A day later in one account only: its run moves its own STATE, not the other's.
    accounts["eu"].dixa.mutate()
    project.check("run", _plugin("eu"), "target-postgres", env=env)
    assert _landed(postgres, "eu") == _truth(accounts["eu"])
    assert _state(project, "eu") != states["eu"]
    assert _state(project, "us") == states["us"]
    assert _landed(postgres, "us") == _truth(accounts["us"])
