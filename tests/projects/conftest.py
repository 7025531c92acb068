import io
from contextlib import contextmanager

import pytest
from pypdf import PdfWriter

from accounts.models import OrganisationKind
from tests.factories import DepartementFactory, RegionFactory, UserFactory, institution_user

PASSWORD = "mot-de-passe-solide-42"


def _one_page_pdf() -> bytes:
    # Uploads are parsed for real (common.uploads): the smallest PDF a reader opens.
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(out)
    return out.getvalue()


MINIMAL_PDF = _one_page_pdf()


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
    """Deliver the outbox in-process when the transaction commits (instead of the worker):
    the mails written inside the block, not those of the test's set-up."""
    from outbox import services
    from outbox.models import Message

    monkeypatch.setattr(services, "nudge", services.deliver_due)

    @contextmanager
    def capture(**kwargs):
        Message.objects.all().delete()
        with django_capture_on_commit_callbacks(**kwargs) as callbacks:
            yield callbacks

    return capture
