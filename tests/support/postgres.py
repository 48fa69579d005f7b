"""A throwaway PostgreSQL server for end-to-end tests (initdb + pg_ctl in a temp dir)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

DATABASE = "warehouse"

_WATCH = """
CREATE FUNCTION {channel}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('{channel}', TG_TABLE_NAME); RETURN NULL; END $$;
CREATE FUNCTION {channel}_watch() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE created record;
BEGIN
  FOR created IN SELECT object_identity FROM pg_event_trigger_ddl_commands()
      WHERE command_tag = 'CREATE TABLE' AND schema_name = '{schema}' LOOP
    EXECUTE format('CREATE TRIGGER {channel} AFTER INSERT OR UPDATE ON %s '
                   'FOR EACH STATEMENT EXECUTE FUNCTION {channel}()', created.object_identity);
  END LOOP;
END $$;
CREATE EVENT TRIGGER {channel} ON ddl_command_end EXECUTE FUNCTION {channel}_watch();
"""
_UNWATCH = """
DROP EVENT TRIGGER {channel};
DROP FUNCTION {channel}_watch();
DROP FUNCTION {channel}() CASCADE;
"""


@dataclass(frozen=True)
class PostgresServer:
    """Where the throwaway server listens."""

    host: str
    port: int
    user: str = "postgres"
    password: str = "postgres"

    def connect(self, database: str = DATABASE) -> psycopg.Connection:
        """A new autocommit connection."""
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=database,
            autocommit=True,
        )

    @contextlib.contextmanager
    def watching_commits(self, schema: str) -> Iterator[Callable[[float], str | None]]:
        """While open, `wait(seconds)` gives the next table of `schema` that rows were
        committed to (a NOTIFY, delivered at COMMIT), or None when `seconds` pass first.

        The tables need not exist yet: an event trigger watches each one created.
        """
        channel = f"committed_{schema}"
        with self.connect() as admin, self.connect() as listener:
            admin.execute(_WATCH.format(channel=channel, schema=schema).encode())
            listener.execute(f"LISTEN {channel}".encode())

            def wait(seconds: float) -> str | None:
                arrived = listener.notifies(timeout=seconds, stop_after=1)
                return next((notice.payload for notice in arrived), None)

            try:
                yield wait
            finally:
                admin.execute(_UNWATCH.format(channel=channel).encode())

    def loader_env(self) -> dict[str, str]:
        """Environment that points meltano's target-postgres at this server."""
        return {
            "TARGET_POSTGRES_HOST": self.host,
            "TARGET_POSTGRES_PORT": str(self.port),
            "TARGET_POSTGRES_USER": self.user,
            "TARGET_POSTGRES_PASSWORD": self.password,
            "TARGET_POSTGRES_DATABASE": DATABASE,
        }


def postgres_bin() -> Path:
    """The directory of the newest installed initdb."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    initdb = str(found[-1]) if found else shutil.which("initdb")
    if initdb is None:
        msg = "PostgreSQL server binaries (initdb) not found; .ci/run installs them"
        raise RuntimeError(msg)
    return Path(initdb).resolve().parent


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[PostgresServer]:
    """Start a fresh server with a `warehouse` database; remove everything afterwards."""
    bindir = postgres_bin()
    root = Path(tempfile.mkdtemp(prefix="pg-"))
    root.chmod(0o755)
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(root, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data = root / "data"
    port = free_port()

    def run(*args: str) -> None:
        subprocess.run([*as_postgres, *args], check=True, capture_output=True, timeout=60)

    try:
        run(
            str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        run(
            str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"),
            "-w", "-t", "60", "-o", options, "start",
        )  # fmt: skip
        server = PostgresServer("127.0.0.1", port)
        with server.connect("postgres") as connection:
            connection.execute(f"create database {DATABASE}")
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)
