"""The taps, as the conformance tests see them."""

from __future__ import annotations

from tests.conpeek.adapter import CONPEEK
from tests.dixa.adapter import DIXA
from tests.iovox.adapter import IOVOX
from tests.opencx.adapter import OPENCX

ADAPTERS = [DIXA, OPENCX, IOVOX, CONPEEK]
