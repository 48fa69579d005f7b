"""Ids sorted by an epoch-ms time, for the range queries of time windows."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping


@dataclass
class TimeIndex:
    """Ids in order of their time; ids without a time are left out."""

    keys: list[int]
    ids: list[Any]

    @classmethod
    def build(cls, times: Mapping[Any, int | None]) -> TimeIndex:
        """Index `times` (id to epoch ms)."""
        pairs = sorted((at, key) for key, at in times.items() if at is not None)
        return cls([at for at, _ in pairs], [key for _, key in pairs])

    def between(self, after: int, before: int, inclusive: tuple[bool, bool]) -> list[Any]:
        """Ids timed between `after` and `before`; `inclusive` says if each bound is in."""
        lo = (bisect_left if inclusive[0] else bisect_right)(self.keys, after)
        hi = (bisect_right if inclusive[1] else bisect_left)(self.keys, before)
        return self.ids[lo:hi]
