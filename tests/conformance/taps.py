"""The taps, as the conformance tests see them."""

from __future__ import annotations

from tests.conpeek.adapter import CONPEEK
from tests.iovox.adapter import IOVOX

ADAPTERS = [IOVOX, CONPEEK]
