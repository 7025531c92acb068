"""The Redis cache backend with one client per pool (cpts_portal/redis_cache.py)."""

import threading

from django.core.cache import cache

from cpts_portal.redis_cache import ReusedClient


def test_the_configured_cache_reuses_one_client_and_works():
    client = cache._cache
    assert isinstance(client, ReusedClient)
    assert client.get_client() is client.get_client(write=True)
    cache.set("redis-cache-test", {"montant": "1.50"}, timeout=10)
    assert cache.get("redis-cache-test") == {"montant": "1.50"}
    cache.delete("redis-cache-test")
    assert cache.get("redis-cache-test") is None


def test_the_shared_client_serves_threads_at_once():
    errors, keys = [], [f"redis-cache-thread-{i}" for i in range(8)]

    def work(key):
        try:
            for n in range(200):
                cache.set(key, n, timeout=10)
                assert cache.get(key) == n
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cache.delete_many(keys)
    assert errors == []
