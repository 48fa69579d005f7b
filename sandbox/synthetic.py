"""Deterministic building blocks for synthetic records, shared by every simulated API."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timezone

FIRST_NAMES = (
    "Ada", "Bo", "Chiara", "Dawit", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jonas",
    "Kavya", "Lars", "Mona", "Nils", "Oksana", "Pablo", "Quinn", "Rahel", "Sven", "Tuva",
)  # fmt: skip
LAST_NAMES = (
    "Andersen", "Berg", "Costa", "Dahl", "Eriksen", "Fischer", "Garcia", "Hansen",
    "Ivanova", "Jensen", "Kowalski", "Larsen", "Moreau", "Nielsen", "Okafor", "Petersen",
)  # fmt: skip
WORDS = (
    "order", "refund", "delivery", "invoice", "password", "account", "shipping", "late",
    "broken", "thanks", "question", "upgrade", "cancel", "subscription", "address",
)  # fmt: skip

ANCHOR = datetime(2025, 1, 1, tzinfo=timezone.utc)
"""Every simulated API's data starts here, so runs are reproducible."""

ANCHOR_MS = int(ANCHOR.timestamp() * 1000)
SECOND_MS = 1000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000


def rng_for(seed: int, *parts: object) -> random.Random:
    """A generator that depends only on the seed and `parts`, never on call order."""
    return random.Random("/".join([str(seed), *map(str, parts)]))


def uuid4(rng: random.Random) -> str:
    """A version-4 UUID drawn from `rng`."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def object_id(rng: random.Random, at_ms: int) -> str:
    """A MongoDB-style ObjectId: 4 bytes of epoch seconds, then 8 random bytes."""
    return f"{at_ms // 1000:08x}{rng.getrandbits(64):016x}"


def person(rng: random.Random) -> tuple[str, str]:
    """A (name, email) pair."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return f"{first} {last}", f"{first}.{last}{rng.randint(1, 99)}@example.com".lower()


def phone(rng: random.Random) -> str:
    """An E.164 phone number without the plus sign."""
    return f"45{rng.randint(20_000_000, 99_999_999)}"


def sentence(rng: random.Random, words: int = 6) -> str:
    """A few words of text."""
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def maybe(rng: random.Random, probability: float, value: object) -> object:
    """`value` with the given probability, else None."""
    return value if rng.random() < probability else None
