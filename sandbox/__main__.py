"""Serve every simulated API: `python -m sandbox [--exec -- command ...]`."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import threading

from sandbox import DEFAULT_PORTS, Bounds, Sandbox
from sandbox.fault_specs import FaultSpec, parse_fault


def main(argv: list[str] | None = None) -> int:
    """Serve until interrupted, or for the duration of `--exec`'s command."""
    argv = sys.argv[1:] if argv is None else argv
    command: list[str] = []
    if "--exec" in argv:
        at = argv.index("--exec")
        argv, command = argv[:at], argv[at + 1 :]
        command = command[1:] if command[:1] == ["--"] else command
        if not command:
            print("sandbox: --exec needs a command", file=sys.stderr)
            return 2
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        faults = [parse_fault(spec) for spec in args.fault]
    except ValueError as error:
        parser.error(str(error))
    sandbox = Sandbox(
        seed=args.seed,
        size=args.size,
        days=args.days,
        rate_limits=not args.no_rate_limits,
        bounds=Bounds[args.bounds.upper()],
        account=args.account,
    )
    try:
        _inject(sandbox, faults)
    except ValueError as error:
        parser.error(str(error))
    ports = {} if args.random_ports or command else DEFAULT_PORTS
    try:
        sandbox.start(ports)
    except OSError as error:
        print(f"sandbox: cannot listen ({error}); try --random-ports", file=sys.stderr)
        return 1
    try:
        if command:
            return subprocess.call(command, env={**os.environ, **sandbox.tap_env()})
        _describe(sandbox)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    return 0


def _inject(sandbox: Sandbox, faults: list[FaultSpec]) -> None:
    apis = sandbox.apis
    for spec in faults:
        if spec.api is not None and spec.api not in apis:
            msg = f"fault api {spec.api!r} is not one of {', '.join(apis)}"
            raise ValueError(msg)
        for name, api in apis.items():
            if spec.api in {None, name}:
                api.faults.inject(spec.fault, path=spec.path, times=spec.times, skip=spec.skip)


def _describe(sandbox: Sandbox) -> None:
    for name, url in sandbox.urls.items():
        print(f"{name:<14} {url}")
    print("\nTest credentials and URLs for the taps (paste into your shell):")
    for name, value in sandbox.tap_env().items():
        print(f"export {name}={shlex.quote(value)}")
    print("\nServing until Ctrl-C.", flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--seed", type=int, default=7, help="data seed (default 7)")
    parser.add_argument(
        "--size", type=int, default=2000, help="records per main stream (default 2000)"
    )
    parser.add_argument("--days", type=int, default=90, help="days of data (default 90)")
    parser.add_argument(
        "--no-rate-limits", action="store_true", help="do not enforce documented rate limits"
    )
    parser.add_argument(
        "--bounds",
        choices=[b.name.lower() for b in Bounds],
        default="inclusive",
        help="how Dixa time windows treat their bounds (undocumented; default inclusive)",
    )
    parser.add_argument(
        "--account",
        metavar="NAME",
        help="serve another vendor account: credentials suffixed -NAME (give it its own --seed)",
    )
    parser.add_argument(
        "--random-ports", action="store_true", help="pick free ports instead of 8701..."
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help=(
            "inject a fault, e.g. 503 / 429:2 / 429-date:2 / drop / slow:3 / truncate / html / "
            "drift, then ,api=NAME ,path=/... ,times=N|all ,skip=N (repeatable; see "
            "sandbox/fault_specs.py)"
        ),
    )
    parser.add_argument(
        "--exec",
        metavar="COMMAND ...",
        help="last option: run COMMAND with the taps pointed at the sandbox, then stop",
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
