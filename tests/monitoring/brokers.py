"""Point the Celery app at another broker for one test, and back.

Pages that add sources ask a worker to poll them right away. Tests of those pages must neither
leave messages in the broker the suite runs against (a real worker test would pick them up) nor
depend on it; and one test shows that an unreachable broker does not break the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kombu.transport import memory

from config.celery import app

# A broker that refuses at once: nothing listens on port 1; no retries, no waiting.
UNREACHABLE = {
    "broker_url": "redis://127.0.0.1:1/0",
    "broker_connection_timeout": 1,
    "broker_connection_retry": False,
    "broker_connection_max_retries": 0,
    # kombu retries the publishing connection on its own unless told otherwise.
    "broker_transport_options": {"max_retries": 0},
}
IN_MEMORY = {"broker_url": "memory://", "broker_transport_options": {}}


def _reset_pools() -> None:
    # The app caches its connection and producer pools for the broker it first used. They are
    # dropped, not closed: kombu keeps them in a registry per broker and hands them out again.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def celery_broker(conf: dict[str, Any]) -> Iterator[None]:
    saved = {key: app.conf[key] for key in conf}
    app.conf.update(conf)
    _reset_pools()
    try:
        yield
    finally:
        app.conf.update(saved)
        _reset_pools()


def polls_requested() -> list[str]:
    """The ``poll_source`` messages waiting in the in-memory broker: their arguments as sent."""
    waiting = memory.Channel.queues.get("celery")
    if waiting is None:
        return []
    return [
        message["headers"]["argsrepr"]
        for message in list(waiting.queue)
        if message["headers"].get("task") == "monitoring.tasks.poll_source"
    ]


def clear_memory_broker() -> None:
    for waiting in memory.Channel.queues.values():
        waiting.queue.clear()
