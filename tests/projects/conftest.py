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
def mail_on_commit(django_capture_on_commit_callbacks, monkeypatch):
    """Run the tasks queued on commit (mails, the documents a transition issues) in-process
    when the transaction commits, as the worker would."""
    from projects import documents, notifications

    for task in (
        notifications.send_notification,
        notifications.notify_events,
        documents.issue_documents,
    ):
        monkeypatch.setattr(task, "delay", task.run)
    return django_capture_on_commit_callbacks
