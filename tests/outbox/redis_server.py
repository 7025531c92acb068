"""A Redis server of the test's own, to stop and start again."""

import socket
import subprocess
import time

import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def queued(self, queue="celery") -> int:
        return redis.Redis(port=self.port).llen(queue)


def point_broker_at(app, url: str) -> str:
    """Re-point the Celery app at `url`, dropping its pooled connections; returns the old URL."""
    previous = app.conf.broker_url
    app.conf.broker_url = url
    app._after_fork()  # Celery's own reset of the connection and producer pools
    return previous
