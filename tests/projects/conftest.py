import pytest

from accounts.models import OrganisationKind
from tests.factories import DepartementFactory, RegionFactory, UserFactory, institution_user

PASSWORD = "mot-de-passe-solide-42"
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class World:
    """Two territories in two régions, one person per role in each, one leader each."""

    def __init__(self):
        self.dept = DepartementFactory(region=RegionFactory())
        self.other_dept = DepartementFactory(region=RegionFactory())
        self.users = {}
        for suffix, dept in (("", self.dept), ("_other", self.other_dept)):
            self.users["leader" + suffix] = UserFactory()
            for kind in (
                OrganisationKind.ARS_DD,
                OrganisationKind.ARS,
                OrganisationKind.CPAM,
                OrganisationKind.MSA,
                OrganisationKind.URPS,
            ):
                self.users[kind.value + suffix] = institution_user(kind, dept)

    def __getattr__(self, name):
        try:
            return self.__dict__["users"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc


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
