"""Run the tap with `python -m tap_conpeek`."""

from tap_conpeek.tap import TapConpeek

TapConpeek.cli()
