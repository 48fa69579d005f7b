"""The taps, as the conformance tests see them."""

from __future__ import annotations

from tests.conpeek.adapter import CONPEEK

ADAPTERS = [CONPEEK]
