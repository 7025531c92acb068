import os
from contextlib import contextmanager

import pytest
from django.conf import settings

pytest_plugins = ("celery.contrib.pytest",)

# `make test-fast` sets it: only the pure rules (marker `rules`) run, with no database or broker.
RULES_ONLY = os.environ.get("CPTS_TEST_RULES_ONLY") == "1"
# `make test` runs the fuzzer (marker `fuzz`) a second time on SQLite, the `make run` default:
# only those tests, on the SQLite file DATABASE_URL names (its test copy beside it).
SQLITE_FUZZ = os.environ.get("CPTS_TEST_SQLITE_FUZZ") == "1"
# What a test uses to reach the database or the broker: a `rules` test may use none of them.
SERVICES = {
    "django_db_setup",
    "live_server",
    "celery_app",
    "celery_worker",
    "celery_session_worker",
}


def pytest_configure(config):
    if RULES_ONLY:
        return
    if SQLITE_FUZZ:
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.sqlite3":
            pytest.exit("CPTS_TEST_SQLITE_FUZZ needs a sqlite:/// DATABASE_URL.", returncode=2)
        database.setdefault("TEST", {})["NAME"] = f"{database['NAME']}-test"
    # Tests prove the real database and broker; `make test` and CI point at them.
    elif not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        pytest.exit("DATABASE_URL must point at PostgreSQL (make test sets it).", returncode=2)
    if not os.environ.get("REDIS_URL", "").startswith("redis://"):
        pytest.exit("REDIS_URL must point at Redis (make test sets it).", returncode=2)


def pytest_collection_modifyitems(config, items):
    rules = [item for item in items if item.get_closest_marker("rules")]
    misplaced = [
        item.nodeid
        for item in rules
        if item.get_closest_marker("django_db") or SERVICES & set(item.fixturenames)
    ]
    if misplaced:
        raise pytest.UsageError(
            "Tests marked `rules` use a database or broker: " + ", ".join(misplaced)
        )
    if SQLITE_FUZZ:  # the rest is proven on PostgreSQL
        chosen = {item for item in items if item.get_closest_marker("fuzz")}
        config.hook.pytest_deselected(items=[item for item in items if item not in chosen])
        items[:] = [item for item in items if item in chosen]
    if RULES_ONLY:  # the others need PostgreSQL and Redis: they never run on anything else
        chosen = set(rules)
        config.hook.pytest_deselected(items=[item for item in items if item not in chosen])
        items[:] = rules


def pytest_ignore_collect(collection_path, config):
    # The rules tier imports only the modules that hold rules: the others pull in browsers,
    # schemathesis… seconds of imports for tests it deselects anyway.
    if RULES_ONLY and collection_path.suffix == ".py" and collection_path.name.startswith("test_"):
        return "mark.rules" not in collection_path.read_text()
    return None


if RULES_ONLY:

    @pytest.fixture(scope="session")
    def django_db_setup():
        pytest.fail("The rules tier runs without a database: this test needs one.")


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
    return ["projects.tasks", "reminders.tasks", "outbox.tasks"]


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
    # Hourly limits count in the shared Redis across tests; their own tests lower them.
    settings.CPTS_SIGNUPS_PER_ADDRESS_PER_HOUR = settings.CPTS_INVITATIONS_PER_HOUR = 10**6
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def mail_on_commit(django_capture_on_commit_callbacks, monkeypatch):
    """Deliver the outbox in-process when the transaction commits, as the worker would, its
    tasks (mails of a transition, the documents it issues) run in-process too: what is written
    inside the block, not the test's set-up."""
    from celery import current_app

    from outbox import services
    from outbox.models import Message

    def run_task(name, args=(), **kwargs):
        return current_app.tasks[name].apply(args=args)

    monkeypatch.setattr(services, "nudge", services.deliver_due)
    monkeypatch.setattr(current_app, "send_task", run_task)

    @contextmanager
    def capture(**kwargs):
        Message.objects.all().delete()
        with django_capture_on_commit_callbacks(**kwargs) as callbacks:
            yield callbacks

    return capture
