"""The process-wide watchdog that enforces fetch deadlines."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

import pytest

from monitoring import deadlines


def _recorder() -> tuple[list[str], threading.Event, Callable[..., Callable[[], None]]]:
    ran: list[str] = []
    done = threading.Event()

    def make(name: str, last: bool = False) -> Callable[[], None]:
        def action() -> None:
            ran.append(name)
            if last:
                done.set()

        return action

    return ran, done, make


def test_actions_run_in_deadline_order_not_schedule_order():
    ran, done, make = _recorder()
    now = time.monotonic()
    deadlines.schedule(now + 0.30, make("late", last=True))
    deadlines.schedule(now + 0.05, make("early"))
    deadlines.schedule(now + 0.15, make("middle"))
    assert done.wait(5)
    assert ran == ["early", "middle", "late"]


def test_an_action_runs_no_sooner_than_its_deadline():
    ran_at: list[float] = []
    done = threading.Event()
    at = time.monotonic() + 0.2
    deadlines.schedule(at, lambda: (ran_at.append(time.monotonic()), done.set()))
    assert done.wait(5)
    assert ran_at[0] >= at


def test_a_cancelled_deadline_never_runs():
    ran, done, make = _recorder()
    now = time.monotonic()
    cancelled = deadlines.schedule(now + 0.05, make("cancelled"))
    deadlines.schedule(now + 0.15, make("kept", last=True))
    cancelled.cancel()
    assert done.wait(5)
    time.sleep(0.1)
    assert ran == ["kept"]


def test_a_failing_action_does_not_stop_the_watchdog(caplog):
    ran, done, make = _recorder()
    now = time.monotonic()

    def fail() -> None:
        raise RuntimeError("boom")

    deadlines.schedule(now + 0.02, fail)
    deadlines.schedule(now + 0.10, make("after", last=True))
    assert done.wait(5)
    assert ran == ["after"]
    assert "a deadline action failed" in caplog.text


def test_cancelled_deadlines_are_dropped_once_due():
    now = time.monotonic()
    before = deadlines.pending()
    handles = [deadlines.schedule(now + 0.05, lambda: None) for _ in range(50)]
    for handle in handles:
        handle.cancel()
    time.sleep(0.3)
    assert deadlines.pending() <= before


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_gets_its_own_watchdog():
    # Celery's prefork pool forks after the parent may have used the watchdog: the child's
    # deadlines must still fire (its copy of the parent's thread does not exist).
    deadlines.schedule(time.monotonic() + 60, lambda: None).cancel()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        fired = threading.Event()
        deadlines.schedule(time.monotonic() + 0.05, fired.set)
        os.write(write_end, b"1" if fired.wait(5) else b"0")
        os._exit(0)
    os.close(write_end)
    try:
        assert os.read(read_end, 1) == b"1"
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
