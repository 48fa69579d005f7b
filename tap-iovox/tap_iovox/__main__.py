"""Run the tap with `python -m tap_iovox`."""

from tap_iovox.tap import TapIovox

TapIovox.cli()
