"""The scheduled-sync recipes of examples/: STATE outside the runner, runs never overlapping.

A user's own project (meltano init, tap-dixa from a git URL, target-jsonl) is committed to
a git repository. examples/cron/meltano-sync.sh runs it twice, each time from a fresh
clone of its own that is removed afterwards: the two runs share nothing but the system
database in PostgreSQL (MELTANO_DATABASE_URI) and the sandbox. The second continues from
the first's STATE. Then one stream is re-synced as examples/README.md shows, with
`meltano state get` / `meltano state set`. The GitHub Actions workflow is parsed.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from support_taps_common.times import parse_instant
from tap_dixa.timestamps import to_epoch_ms

from sandbox import Sandbox
from tests.dixa.adapter import DIXA
from tests.support.meltano import settings_env
from tests.support.processes import BIN, REPO
from tests.support.user_project import (
    UserProject,
    commit_all,
    extractor_definition,
    loader_definition,
    snapshot,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from sandbox.dixa.exports_data import Mutation
    from tests.support.postgres import PostgresServer

SCRIPT = REPO / "examples" / "cron" / "meltano-sync.sh"
WORKFLOW = REPO / "examples" / "github-actions" / "meltano-sync.yml"
SYSTEM_DB = "meltano_system"
STATE_ID = "dev:tap-dixa-to-target-jsonl"
"""`<environment>:<tap>-to-<target>`; meltano init makes `dev` the default environment."""
MAIN = DIXA.main


def _run_script(*args: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """examples/cron/meltano-sync.sh as cron runs it: only the given environment."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("MELTANO_", "TAP_"))}
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**inherited, "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false", **env},
    )


def _landed(folder: Path, stream: str) -> list[dict[str, Any]]:
    lines = (folder / f"{stream}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _bookmark_ms(state: Mapping[str, Any], stream: str) -> int:
    value = state["singer_state"]["bookmarks"][stream]["replication_key_value"]
    return to_epoch_ms(parse_instant(value))


@dataclass
class Recipe:
    """The user's project, its repository, and the environment every scheduled run gets."""

    project: UserProject
    url: str
    env: dict[str, str]
    postgres: PostgresServer
    sandbox: Sandbox
    tmp: Path

    def sync(self, name: str) -> tuple[subprocess.CompletedProcess[str], Path]:
        """One scheduled run (a fresh clone of its own); what it printed, where it landed."""
        landed = self.tmp / name
        landed.mkdir()
        env = {**self.env, "TARGET_JSONL_DESTINATION_PATH": str(landed)}
        return _run_script(self.url, "tap-dixa", "target-jsonl", env=env), landed

    def stored_state(self) -> dict[str, Any]:
        """The job's STATE row, read from PostgreSQL itself."""
        with self.postgres.connect(SYSTEM_DB) as connection:
            row = connection.execute(
                "select completed_state from state where state_id = %s", (STATE_ID,)
            ).fetchone()
        assert row is not None, f"no {STATE_ID} state row in PostgreSQL"
        found: dict[str, Any] = json.loads(row[0])
        return found

    def clones_left(self) -> list[Path]:
        """Temporary clones the script did not remove."""
        return sorted((self.tmp / "scratch").glob("meltano-sync.*"))


@dataclass
class TwoRuns:
    """What the two scheduled runs did, captured before anything else changes the state."""

    recipe: Recipe
    first: Path
    first_ids: set[int]
    first_state: dict[str, Any]
    before: dict[int, int]
    """Every conversation's updated_at (epoch ms) before the mutation."""
    changes: Mutation
    second: Path
    second_state: dict[str, Any]
    runs: list[tuple[str, str]]
    """The system database's `runs` rows: (job name, state)."""


@pytest.fixture(scope="module")
def dixa() -> Iterator[Sandbox]:
    """One sandbox for the module's runs (the conftest's defaults)."""
    with Sandbox(size=300, days=40, rate_limits=False) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def recipe(
    tmp_path_factory: pytest.TempPathFactory, postgres: PostgresServer, dixa: Sandbox
) -> Recipe:
    """A committed user project and an empty system database for it in PostgreSQL."""
    root = tmp_path_factory.mktemp("ci-recipe")
    project = UserProject.create(root / "warehouse")
    project.add("extractor", [extractor_definition("tap-dixa", snapshot(root / "upstream"))])
    project.add("loader", [loader_definition("target-jsonl")])
    url = project.commit()
    with postgres.connect("postgres") as connection:
        connection.execute(f"drop database if exists {SYSTEM_DB}")
        connection.execute(f"create database {SYSTEM_DB}")
    (root / "scratch").mkdir()
    env = {
        **settings_env(DIXA, dixa),
        "MELTANO_DATABASE_URI": (
            f"postgresql+psycopg://{postgres.user}:{postgres.password}"
            f"@{postgres.host}:{postgres.port}/{SYSTEM_DB}"
        ),
        "MELTANO": str(BIN / "meltano"),
        "MELTANO_SYNC_LOCK": str(root / "sync.lock"),
        "TMPDIR": str(root / "scratch"),
        "TARGET_JSONL_DO_TIMESTAMP_FILE": "false",
    }
    return Recipe(project, url, env, postgres, dixa, root)


@pytest.fixture(scope="module")
def two_runs(recipe: Recipe) -> TwoRuns:
    """Run, mutate the sandbox, run again: two clones, one shared system database."""
    truth = recipe.sandbox.dixa.exports_data
    first_ids = MAIN.ids(recipe.sandbox)
    before = {key: c["updated_at"] for key, c in truth.conversations.items()}
    first, first_landed = recipe.sync("first")
    assert first.returncode == 0, first.stderr[-3000:]
    first_state = recipe.stored_state()
    changes = recipe.sandbox.dixa.mutate()
    second, second_landed = recipe.sync("second")
    assert second.returncode == 0, second.stderr[-3000:]
    with recipe.postgres.connect(SYSTEM_DB) as connection:
        runs = connection.execute("select job_name, state from runs order by id").fetchall()
    return TwoRuns(
        recipe=recipe,
        first=first_landed,
        first_ids=first_ids,
        first_state=first_state,
        before=before,
        changes=changes,
        second=second_landed,
        second_state=recipe.stored_state(),
        runs=[(str(name), str(state)) for name, state in runs],
    )


def test_the_first_clone_lands_the_ground_truth(two_runs: TwoRuns) -> None:
    landed = _landed(two_runs.first, MAIN.name)

    assert {row[MAIN.key] for row in landed} == two_runs.first_ids
    assert len(landed) == len(two_runs.first_ids)


def test_the_second_clone_continues_from_the_first_clones_state(two_runs: TwoRuns) -> None:
    changes = two_runs.changes
    changed = changes.updated_conversations | changes.new_conversations
    landed = _landed(two_runs.second, MAIN.name)
    ids = {row[MAIN.key] for row in landed}

    assert len(landed) == len(ids), "a record was sent twice in one run"
    assert changed <= ids
    assert all(
        row["status"] == "closed" for row in landed if row["id"] in changes.updated_conversations
    )
    # The bookmark is inclusive: what is sent again is at most the records updated exactly
    # at the first run's bookmark (a boundary's worth), never anything older.
    bookmark = _bookmark_ms(two_runs.first_state, MAIN.name)
    at_bookmark = {key for key, at in two_runs.before.items() if at == bookmark}
    resent = ids - changed
    assert at_bookmark - changed, "no old record at the bookmark: the bound would be idle"
    assert resent <= at_bookmark
    assert _bookmark_ms(two_runs.second_state, MAIN.name) > bookmark


def test_the_state_lives_in_postgresql_and_no_clone_is_left(two_runs: TwoRuns) -> None:
    recipe = two_runs.recipe
    listed = recipe.project.check("state", "list", env=recipe.env)
    shown = recipe.project.check("state", "get", STATE_ID, env=recipe.env)

    assert two_runs.runs == [(STATE_ID, "SUCCESS"), (STATE_ID, "SUCCESS")]
    assert listed.split() == [STATE_ID]
    # The user's own checkout, pointed at the same database, sees the runs' STATE.
    assert json.loads(shown) == recipe.stored_state()
    assert recipe.clones_left() == []


def test_one_stream_is_resynced_by_editing_its_state(two_runs: TwoRuns) -> None:
    """examples/README.md: drop the stream's bookmark with `meltano state set`, run again."""
    recipe = two_runs.recipe
    state = json.loads(recipe.project.check("state", "get", STATE_ID, env=recipe.env))
    messages_bookmark = _bookmark_ms(state, "messages")
    del state["singer_state"]["bookmarks"][MAIN.name]
    edited = recipe.tmp / "resync.json"
    edited.write_text(json.dumps(state), encoding="utf-8")
    recipe.project.check(
        "state", "set", "--force", STATE_ID, "--input-file", str(edited), env=recipe.env
    )

    third, landed = recipe.sync("third")

    assert third.returncode == 0, third.stderr[-3000:]
    conversations = _landed(landed, MAIN.name)
    assert {row[MAIN.key] for row in conversations} == MAIN.ids(recipe.sandbox)
    assert len(conversations) == len(MAIN.ids(recipe.sandbox))
    # The other streams carried on from their bookmarks.
    truth = recipe.sandbox.dixa.exports_data.messages
    messages = {row["id"] for row in _landed(landed, "messages")}
    assert all(truth[m]["created_at"] == messages_bookmark for m in messages)
    assert MAIN.name in recipe.stored_state()["singer_state"]["bookmarks"]


SPY = """#!/bin/sh
printf '%s|%s\\n' "$PWD" "$*" >> "$SPY_LOG"
if [ "$1" = run ] && [ -n "${SPY_MEANWHILE:-}" ]; then
    status=0
    env -u SPY_MEANWHILE sh -c "$SPY_MEANWHILE" 2>> "$SPY_LOG.stderr" || status=$?
    echo "meanwhile|$status" >> "$SPY_LOG"
fi
if [ "$1" = run ]; then exit "${SPY_RUN_STATUS:-0}"; fi
"""
"""A stand-in for meltano: logs where and how it was called; during `run`, runs a command
($SPY_MEANWHILE) and logs its exit status."""


@pytest.fixture
def spy(tmp_path: Path) -> dict[str, str]:
    """The script's environment with the spy as MELTANO, and a small repository to clone."""
    program = tmp_path / "meltano-spy"
    program.write_text(SPY, encoding="utf-8")
    program.chmod(0o755)
    repository = tmp_path / "repository"
    repository.mkdir()
    (repository / "meltano.yml").write_text("default_environment: dev\n", encoding="utf-8")
    (tmp_path / "scratch").mkdir()
    return {
        "MELTANO": str(program),
        "SPY_LOG": str(tmp_path / "spy.log"),
        "SPY_RUN_STATUS": "3",
        "MELTANO_SYNC_LOCK": str(tmp_path / "sync.lock"),
        "TMPDIR": str(tmp_path / "scratch"),
        "URL": commit_all(repository, "project"),
        "MELTANO_DATABASE_URI": "postgresql+psycopg://u:secret@db.example.com:5432/meltano",
    }


def _calls(env: Mapping[str, str]) -> list[str]:
    log = Path(env["SPY_LOG"])
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_the_script_clones_installs_runs_and_exits_with_meltanos_status(
    spy: dict[str, str],
) -> None:
    done = _run_script(spy["URL"], "tap-dixa", "target-jsonl", env=spy)

    assert done.returncode == 3, done.stderr
    (install, run) = _calls(spy)
    clone = install.split("|")[0]
    assert install == f"{clone}|install"
    assert run == f"{clone}|run tap-dixa target-jsonl"
    assert clone.startswith(spy["TMPDIR"])
    assert not Path(clone).exists(), "the clone was not removed"
    assert "secret" not in done.stdout + done.stderr


def test_the_script_refuses_to_run_without_a_system_database(spy: dict[str, str]) -> None:
    env = {k: v for k, v in spy.items() if k != "MELTANO_DATABASE_URI"}

    done = _run_script(spy["URL"], "tap-dixa", "target-jsonl", env=env)

    assert done.returncode != 0
    assert len(done.stderr.splitlines()) == 1
    assert "MELTANO_DATABASE_URI is not set" in done.stderr
    assert _calls(env) == []
    assert list(Path(env["TMPDIR"]).iterdir()) == []
    assert not Path(env["MELTANO_SYNC_LOCK"]).exists()


def test_the_script_does_not_start_while_another_run_holds_the_lock(
    spy: dict[str, str],
) -> None:
    with Path(spy["MELTANO_SYNC_LOCK"]).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = _run_script(spy["URL"], "tap-dixa", "target-jsonl", env=spy)

    assert done.returncode == 75
    assert len(done.stderr.splitlines()) == 1
    assert "another run" in done.stderr
    assert _calls(spy) == []
    assert list(Path(spy["TMPDIR"]).iterdir()) == []
    assert os.access(SCRIPT, os.X_OK)


def test_a_manual_forced_run_waits_for_the_scheduled_runs_lock(spy: dict[str, str]) -> None:
    """Options such as --force do not make another job: the default lock is the same."""
    env = {k: v for k, v in spy.items() if k != "MELTANO_SYNC_LOCK"}
    manual = f"'{SCRIPT}' '{spy['URL']}' --force tap-dixa target-jsonl"

    done = _run_script(spy["URL"], "tap-dixa", "target-jsonl", env={**env, "SPY_MEANWHILE": manual})

    assert done.returncode == 3, done.stderr
    assert [call.split("|")[1] for call in _calls(spy)] == [
        "install",
        "run tap-dixa target-jsonl",
        "75",
    ]
    assert "another run of this job holds" in Path(f"{spy['SPY_LOG']}.stderr").read_text()


def _workflow() -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


def test_the_github_workflow_has_the_essentials() -> None:
    workflow = _workflow()
    triggers: dict[str, Any] = workflow[True]  # YAML 1.1 reads the bare key `on` as True
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    uses = [step["uses"] for step in steps if "uses" in step]
    sync = next(step for step in steps if step.get("run", "").startswith("meltano run"))

    assert all(re.fullmatch(r"(\S+ ){4}\S+", entry["cron"]) for entry in triggers["schedule"])
    assert "workflow_dispatch" in triggers
    assert "${{ matrix." in job["concurrency"]["group"]
    assert job["concurrency"]["cancel-in-progress"] is False
    assert job["env"]["MELTANO_DATABASE_URI"] == "${{ secrets.MELTANO_DATABASE_URI }}"
    for name in ("TAP_DIXA_API_TOKEN", "TARGET_POSTGRES_PASSWORD"):
        assert job["env"][name] == f"${{{{ secrets.{name} }}}}"
    assert {re.sub(r"@v\d+$", "", use) for use in uses} >= {
        "actions/checkout",
        "actions/setup-python",
    }
    assert all(re.search(r"@v\d+$", use) for use in uses), "actions pinned to a major version"
    assert any('"meltano[postgres]~=4.4.1"' in run for run in runs)
    assert "meltano install" in runs
    assert sync["run"] == "meltano run $BLOCKS"
    assert sync["env"]["BLOCKS"] == "${{ matrix.blocks }}"
    assert {"job": "dixa", "blocks": "tap-dixa target-postgres"} in job["strategy"]["matrix"][
        "include"
    ]
    # Secrets reach the steps as environment variables only, and nothing prints them.
    assert not any("secrets." in run or "echo" in run for run in runs)
