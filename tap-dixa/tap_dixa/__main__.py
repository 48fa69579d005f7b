"""Run the tap with `python -m tap_dixa`."""

from tap_dixa.tap import TapDixa

TapDixa.cli()
