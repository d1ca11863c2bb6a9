"""How long a commit waits for the disk.

Polls write only what the next poll would write again: items, queue items and a source's
schedule are all re-derived from the feed. Waiting for PostgreSQL to flush the WAL on every
poll's commit is most of the cost of a 304 poll, so a connection that polls stops waiting
(``synchronous_commit = off``): a crash of PostgreSQL itself, never of a worker, can lose the
last fraction of a second of polls, which are then simply polled again. Nothing is corrupted.

The setting is made once per database connection, not once per poll, to save a round trip.
Work that must not be repeated after such a crash (a digest e-mail marked as sent) asks for
a durable commit of its own transaction with ``durable_commit()``.
"""

from __future__ import annotations

import weakref

from django.db import connection

_RELAXED: weakref.WeakSet = weakref.WeakSet()


def relax_commits() -> None:
    """Let this connection's commits return before their WAL flush (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    connection.ensure_connection()
    raw = connection.connection
    if raw in _RELAXED:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    _RELAXED.add(raw)


def durable_commit() -> None:
    """Make the current transaction's commit wait for its WAL flush, whatever the session says."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO ON")
