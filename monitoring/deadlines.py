"""One watchdog thread per process that runs actions at their deadlines.

Every fetch has a total deadline, enforced by an action that shuts its sockets down
(``monitoring.http``). A ``threading.Timer`` per fetch starts and stops a thread each time, which
costs more CPU than the rest of a 304 poll's own work; this keeps one thread per process and a
heap of pending deadlines instead.

Fork-safe: Celery's prefork pool forks workers from a parent that may have fetched already; a
forked child gets a fresh, empty watchdog and starts its own thread on first use.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class Deadline:
    """A scheduled action; ``cancel()`` before it runs and it never will."""

    __slots__ = ("at", "action", "cancelled")

    def __init__(self, at: float, action: Callable[[], None]) -> None:
        self.at = at
        self.action = action
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class _Watchdog:
    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._condition = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, Deadline]] = []
        self._counter = itertools.count()
        self._thread: threading.Thread | None = None

    def schedule(self, at: float, action: Callable[[], None]) -> Deadline:
        """Run ``action`` in the watchdog thread once ``time.monotonic()`` reaches ``at``."""
        deadline = Deadline(at, action)
        with self._condition:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="springplank-deadlines", daemon=True
                )
                self._thread.start()
            heapq.heappush(self._heap, (at, next(self._counter), deadline))
            if self._heap[0][2] is deadline:
                self._condition.notify()  # a new earliest deadline: wake up sooner
        return deadline

    def pending(self) -> int:
        """Deadlines scheduled and neither run nor dropped yet (cancelled ones included)."""
        with self._condition:
            return len(self._heap)

    def _next_due(self) -> Deadline:
        with self._condition:
            while True:
                heap = self._heap
                while heap and heap[0][2].cancelled:
                    heapq.heappop(heap)
                if not heap:
                    self._condition.wait()
                    continue
                wait = heap[0][0] - time.monotonic()
                if wait <= 0:
                    return heapq.heappop(heap)[2]
                self._condition.wait(wait)

    def _run(self) -> None:
        while True:
            deadline = self._next_due()
            if deadline.cancelled:
                continue
            try:
                deadline.action()
            except Exception:
                log.exception("a deadline action failed")


_WATCHDOG = _Watchdog()
os.register_at_fork(after_in_child=_WATCHDOG._reset)


def schedule(at: float, action: Callable[[], None]) -> Deadline:
    """Run ``action`` once ``time.monotonic()`` reaches ``at``, unless cancelled first.

    Actions run one after the other in one daemon thread: they must be quick (shutting a
    socket down, setting a flag).
    """
    return _WATCHDOG.schedule(at, action)


def pending() -> int:
    return _WATCHDOG.pending()
