"""A user's Meltano project with the suite's Dagster code location, in PostgreSQL.

Used by the Dagster tests and benchmarks.

Meltano's system database (STATE) and Dagster's instance storage (runs, events, pool
slots) live in the throwaway PostgreSQL, as in production; Dagster runs are started with
its own command line (`dagster asset materialize`), one process per run, as a run
launcher would.
"""

from __future__ import annotations

import contextlib
import subprocess
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import dagster as dg
import yaml
from support_taps_dagster.limits import limit_of
from support_taps_dagster.pools import configure
from support_taps_dagster.project import MeltanoProject

from tests.support.processes import BIN, REPO
from tests.support.user_project import UserProject, extractor_definition, loader_definition

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping
    from pathlib import Path

    from sandbox import Sandbox
    from tests.conformance.adapter import TapAdapter
    from tests.support.postgres import PostgresServer

TIMEOUT = 600


@dataclass
class Orchestrated:
    """The project, its Dagster instance, and the environment every run gets."""

    project: UserProject
    home: Path
    env: dict[str, str]
    postgres: PostgresServer
    started: list[subprocess.Popen[str]] = field(default_factory=list)
    logs: dict[int, Path] = field(default_factory=dict)
    """Each started run's log file, by pid."""

    def declare_account(
        self,
        adapter: TapAdapter,
        plugin: str,
        sandbox: Sandbox,
        *,
        parent: str | None = None,
        fields: Mapping[str, Any] | None = None,
        **settings: Any,
    ) -> None:
        """Give `plugin` (inheriting from `parent`, if given) a sandbox account.

        Its settings go into meltano.yml, its secrets into the runs' environment; its
        throttle settings are left out, as the code location gives every run its share.
        """
        config = adapter.config(sandbox, **settings)
        shares = limit_of(adapter.name).per_account
        prefix = plugin.upper().replace("-", "_") + "_"
        self.env.update(secrets_env(prefix, config, adapter.secrets))
        kept = {k: v for k, v in config.items() if k not in adapter.secrets and k not in shares}
        if parent is None:
            self.project.declare(plugin, config=kept, **(fields or {}))
        else:
            self.project.inherit(plugin, parent, config=kept, **(fields or {}))

    def start(self, *assets: str, partition: str | None = None) -> subprocess.Popen[str]:
        """One Dagster run materializing `assets` (of one partition), in a process of its own."""
        command = [
            str(BIN / "dagster"),
            "asset",
            "materialize",
            "-m",
            "support_taps_dagster.location",
        ]
        command += ["--select", ",".join(assets)]
        command += ["--partition", partition] if partition else []
        # Its log goes to a file: a pipe nobody reads while the runs go would fill and stall
        # them (Dagster logs every event).
        log = self.home / f"run-{len(self.started)}.log"
        with log.open("w", encoding="utf-8") as output:
            run = subprocess.Popen(
                command,
                cwd=self.project.folder,
                env={**self.project.environment(), **self.env},
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
            )
        self.started.append(run)
        self.logs[run.pid] = log
        return run

    def finish(self, runs: Iterable[subprocess.Popen[str]]) -> list[tuple[int, str]]:
        """Each run's exit code and log, once all have ended."""
        return [
            (run.wait(timeout=TIMEOUT), self.logs[run.pid].read_text(encoding="utf-8"))
            for run in runs
        ]

    def materialize(self, *assets: str, partition: str | None = None) -> None:
        """One run, which must succeed."""
        [(code, log)] = self.finish([self.start(*assets, partition=partition)])
        assert code == 0, log[-4000:]

    def meltano(self, *args: str) -> str:
        """Meltano in the project, with the runs' system database."""
        return self.project.check(*args, env=self.env)

    def configure_pools(self) -> dict[str, int]:
        """The project's pool limits, written into the instance."""
        with dg.DagsterInstance.from_config(str(self.home)) as instance:
            return configure(instance, MeltanoProject.read(self.project.folder))


def _database(postgres: PostgresServer, name: str) -> str:
    with postgres.connect() as connection:
        connection.execute(f"create database {name}".encode())
    return name


@contextlib.contextmanager
def orchestrated_project(
    root: Path, postgres: PostgresServer, taps: Iterable[str] = ("tap-iovox",)
) -> Iterator[Orchestrated]:
    """A fresh project in `root` with `taps` and target-postgres, and a Dagster instance."""
    suffix = uuid.uuid4().hex[:8]
    project = UserProject.create(root / "warehouse")
    project.add("extractor", [extractor_definition(tap, str(REPO)) for tap in taps])
    project.add("loader", [loader_definition("target-postgres")])
    project.declare(
        "target-postgres", config={"default_target_schema": "$MELTANO_EXTRACT__LOAD_SCHEMA"}
    )
    home = root / "dagster-home"
    home.mkdir()
    storage = {
        "hostname": postgres.host,
        "port": postgres.port,
        "username": postgres.user,
        "password": postgres.password,
        "db_name": _database(postgres, f"dagster_{suffix}"),
    }
    instance: dict[str, Any] = {
        "storage": {"postgres": {"postgres_db": storage}},
        "telemetry": {"enabled": False},
    }
    (home / "dagster.yaml").write_text(yaml.safe_dump(instance), encoding="utf-8")
    system_db = _database(postgres, f"meltano_{suffix}")
    env = {
        **postgres.loader_env(),
        "DAGSTER_HOME": str(home),
        "MELTANO_PROJECT_ROOT": str(project.folder),
        "MELTANO": str(BIN / "meltano"),
        "MELTANO_DATABASE_URI": (
            f"postgresql+psycopg://{postgres.user}:{postgres.password}@{postgres.host}:"
            f"{postgres.port}/{system_db}"
        ),
        "SUPPORT_TAPS_RETRY_DELAY_SECONDS": "0",
    }
    project.check("install", env=env)
    subprocess.run(
        [str(BIN / "dagster"), "instance", "migrate"],
        env={**project.environment(), **env},
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    orchestrated = Orchestrated(project, home, env, postgres)
    try:
        yield orchestrated
    finally:
        for run in orchestrated.started:
            if run.poll() is None:
                run.kill()
                run.wait()


def secrets_env(prefix: str, settings: Mapping[str, Any], secrets: Iterable[str]) -> dict[str, str]:
    """The secret settings as the plugin's environment variables (never in meltano.yml)."""
    return {f"{prefix}{name.upper()}": str(settings[name]) for name in secrets}
