import pytest

from tests.world import World


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def mail_on_commit(settings, django_capture_on_commit_callbacks, monkeypatch):
    """Run queued notification tasks in-process when the transaction commits."""
    from projects import notifications

    monkeypatch.setattr(
        notifications.send_notification,
        "delay",
        lambda *a, **k: notifications.send_notification.run(*a, **k),
    )
    return django_capture_on_commit_callbacks
