"""Work started in the background now, its result (or error) taken later."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")


class Ahead(Generic[T]):
    """`work()` running on a daemon thread, so a run that stops never waits for it."""

    def __init__(self, work: Callable[[], T]) -> None:
        """Start `work` now."""
        self._future: Future[T] = Future()
        self._work = work
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        try:
            self._future.set_result(self._work())
        except BaseException as error:  # noqa: BLE001 (handed to whoever takes the result)
            self._future.set_exception(error)

    def result(self) -> T:
        """What `work()` returned, once it has; or what it raised, raised here."""
        return self._future.result()
