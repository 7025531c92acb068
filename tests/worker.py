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
