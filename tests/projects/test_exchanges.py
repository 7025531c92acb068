"""Messages leader ↔ ARS, attachments, co-leader invitations (sign-up and reset: tests/accounts)."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.collaboration import Attachment, Message
from projects.models import ProjectMember
from projects.states import State
from tests.factories import UserFactory
from tests.mails import sent_to
from tests.world import MINIMAL_PDF, project_in_state

pytestmark = pytest.mark.django_db


def test_thread_between_leader_and_ars_with_mail(world, login, mail_on_commit):
    project, leader, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    url = reverse("projects:messages", args=[project.pk])
    with mail_on_commit(execute=True):
        login(leader).post(url, {"body": "Bonjour, où en est notre LI ?"})
    to_ars = sent_to(mail.outbox)
    assert world.ars_dd.email in to_ars and leader.email not in to_ars
    before = len(mail.outbox)
    with mail_on_commit(execute=True):
        login(world.ars_dd).post(url, {"body": "Comité le 12."})
    assert sent_to(mail.outbox[before:]) == {leader.email}
    page = login(leader).get(url).content.decode()
    assert "où en est notre LI" in page and "Comité le 12." in page
    # CPAM and URPS see the project but not the thread; another territory gets 404.
    assert login(world.cpam).get(url).status_code == 403
    assert login(world.ars_dd_other).get(url).status_code == 404
    assert Message.objects.count() == 2


def test_mail_is_not_sent_when_the_transaction_rolls_back(world, login, mail_on_commit):
    project, leader, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    with mail_on_commit(execute=False) as callbacks:
        login(leader).post(reverse("projects:messages", args=[project.pk]), {"body": "x"})
    assert len(callbacks) == 1 and mail.outbox == []  # queued, only sent on commit


def test_attachments_are_pdf_only_and_private(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project, leader, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    url = reverse("projects:attachment_add", args=[project.pk])
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90\x00", "application/pdf")
    response = login(leader).post(url, {"kind": "li", "title": "Carte", "file": bad})
    assert "doit être un PDF" in response.content.decode()
    good = SimpleUploadedFile("carte.pdf", MINIMAL_PDF, "application/pdf")
    login(leader).post(url, {"kind": "li", "title": "Carte", "file": good})
    attachment = Attachment.objects.get()
    download = reverse("projects:attachment", args=[project.pk, attachment.pk])
    assert b"".join(login(world.cpam).get(download).streaming_content) == MINIMAL_PDF
    assert login(world.cpam_other).get(download).status_code == 404
    assert login(world.ars_dd).post(url, {}).status_code == 403


def test_co_leader_invitation(world, login, mail_on_commit):
    project, leader, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    with mail_on_commit(execute=True):
        login(leader).post(
            reverse("projects:invite", args=[project.pk]), {"email": "Co@Example.org"}
        )
    link = re.search(r"https?://\S+/invitation/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("testserver", 1)[1]
    stranger = UserFactory(email="someone@example.org")
    login(stranger).post(path)
    assert not ProjectMember.objects.filter(user=stranger).exists()
    co = UserFactory(email="co@example.org")
    response = login(co).post(path)
    assert response.url == reverse("projects:detail", args=[project.pk])
    assert ProjectMember.objects.filter(project=project, user=co, is_lead=False).exists()
    assert login(co).post(path).url == reverse("projects:list")  # used once
    assert login(world.ars_dd).get(reverse("projects:invite", args=[project.pk])).status_code == 403
