"""For tests with a real Celery worker: wait for what it does after the task they await."""

import time


def wait_for(predicate, timeout) -> bool:
    """Whether `predicate()` became true within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def wait_while_progressing(measure, goal, *, stall, timeout, alive=lambda: True) -> bool:
    """Whether `measure()` reached `goal`. Waits as long as it keeps rising (a loaded machine is
    slow, not stuck): gives up after `stall` seconds without progress, `timeout` in all, or as
    soon as `alive()` turns false (the worker died)."""
    start = last_move = time.monotonic()
    best = measure()
    while best < goal:
        now = time.monotonic()
        if now - last_move > stall or now - start > timeout or not alive():
            return False
        time.sleep(0.25)
        value = measure()
        if value > best:
            best, last_move = value, time.monotonic()
    return True
