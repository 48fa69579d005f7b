"""Run the tap with `python -m tap_opencx`."""

from tap_opencx.tap import TapOpenCX

TapOpenCX.cli()
