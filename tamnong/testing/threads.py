"""Concurrency test builder: calls released at the same moment, each in a thread (and so on a
database connection) of its own (PostgreSQL tests: SQLite serialises writers)."""

from __future__ import annotations

import threading


def race(calls, timeout: float = 30):
    """Run every call in its own thread, all released together by a barrier; each thread closes
    its database connections at its end. Returns (results, errors), in the order they came;
    `timeout`: seconds each thread is waited for."""
    from django.db import connections

    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(fn):
        try:
            barrier.wait()
            results.append(fn())
        except Exception as exc:  # collected and asserted by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return results, errors
