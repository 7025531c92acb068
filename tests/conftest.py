import os

import pytest
from django.conf import settings

pytest_plugins = ("celery.contrib.pytest",)


def pytest_configure(config):
    # Tests prove the real database and broker; `make test` and CI point at them.
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        pytest.exit("DATABASE_URL must point at PostgreSQL (make test sets it).", returncode=2)
    if not os.environ.get("REDIS_URL", "").startswith("redis://"):
        pytest.exit("REDIS_URL must point at Redis (make test sets it).", returncode=2)


@pytest.fixture(scope="session")
def celery_config():
    return {
        "broker_url": settings.REDIS_URL,
        "result_backend": settings.REDIS_URL,
        "task_acks_late": True,
        "worker_prefetch_multiplier": 1,
    }


@pytest.fixture(scope="session")
def celery_includes():
    return ["projects.tasks", "reminders.tasks"]


@pytest.fixture(scope="session")
def celery_worker_parameters():
    # The worker thread must not fight the test for the database connection setup.
    return {"perform_ping_check": False}


@pytest.fixture(autouse=True)
def test_settings(settings):
    # Login throttling needs the request in authenticate(); the security tests enable it.
    settings.AXES_ENABLED = False
    # The second factor for password logins: tests/accounts/test_second_factor.py turns it on.
    settings.CPTS_PASSWORD_2FA = False
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
