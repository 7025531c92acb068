"""The upload page of the existing CPTS: ARS siège and administrators only; preview with every
error, then confirmation without uploading the file again."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import OrganisationKind
from funding.models import Contract
from projects.models import Project
from tests.factories import UserFactory
from tests.world import fresh_departement, institution_user, row_of_communes

pytestmark = pytest.mark.django_db
URL = reverse("funding:reprise")
HEADER = "nom;departement;communes;etat;aci_signe_le;membres"


@pytest.fixture
def place():
    communes = row_of_communes(fresh_departement(), 3)
    return communes[0].departement, [c.insee for c in communes]


def upload(dept, codes, *lines):
    lines = lines or (f"CPTS Reprise;{dept.code};{codes[0]};aci_signe;2022-06-01;12",)
    content = "\n".join([HEADER, *lines]).encode()
    return SimpleUploadedFile("existant.csv", content, content_type="text/csv")


@pytest.mark.parametrize(
    "kind, status",
    [
        (OrganisationKind.ARS, 200),
        (OrganisationKind.ARS_DD, 403),
        (OrganisationKind.CPAM, 403),
        (OrganisationKind.MSA, 403),
        (OrganisationKind.URPS, 403),
        (OrganisationKind.CPTS, 403),
    ],
)
def test_page_by_role(client, place, kind, status):
    dept, codes = place
    client.force_login(institution_user(kind, dept))
    assert client.get(URL).status_code == status
    assert client.post(URL, {"file": upload(dept, codes)}).status_code == status
    assert not Project.objects.filter(departement=dept).exists()


def test_leader_anonymous_and_superuser(client, place):
    dept, codes = place
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(URL).status_code == 200


def test_preview_then_confirm_without_uploading_again(client, place):
    dept, codes = place
    ars = institution_user(OrganisationKind.ARS, dept)
    client.force_login(ars)
    preview = client.post(URL, {"file": upload(dept, codes)})
    assert preview.status_code == 200 and "CPTS Reprise" in preview.content.decode()
    assert "<td>10000 (1)</td>" in preview.content.decode()  # population and taille to come
    assert not Project.objects.filter(departement=dept).exists()  # a preview writes nothing
    token = preview.context["token"]
    done = client.post(URL, {"token": token}, follow=True)
    assert "1 CPTS importée(s)" in done.content.decode()
    contract = Contract.objects.get(project__name="CPTS Reprise")
    assert contract.imported and contract.signed_on == dt.date(2022, 6, 1)
    again = client.post(URL, {"token": token}, follow=True)  # the token is spent
    assert "déposez-le de nouveau" in again.content.decode()
    assert Project.objects.filter(departement=dept).count() == 1


def test_errors_are_all_shown_and_nothing_can_be_confirmed(client, place):
    dept, codes = place
    client.force_login(institution_user(OrganisationKind.ARS, dept))
    page = client.post(
        URL,
        {
            "file": upload(
                dept,
                codes,
                f"CPTS A;{dept.code};00000;ps_valide;;",
                f"CPTS B;{dept.code};{codes[1]};aci_signe;;",
            )
        },
    )
    body = page.content.decode()
    assert "Ligne 2, colonne « communes »" in body and "Ligne 3, colonne « aci_signe_le »" in body
    assert 'name="token"' not in body
    assert not Project.objects.filter(departement=dept).exists()


def test_another_person_cannot_confirm_my_file(client, place):
    dept, codes = place
    client.force_login(institution_user(OrganisationKind.ARS, dept))
    token = client.post(URL, {"file": upload(dept, codes)}).context["token"]
    client.force_login(UserFactory(is_superuser=True))  # another session
    client.post(URL, {"token": token})
    assert not Project.objects.filter(departement=dept).exists()


def test_a_garbage_token_is_refused_politely(client, place):
    client.force_login(institution_user(OrganisationKind.ARS, place[0]))
    for token in ("\u0000\ufffd", "x" * 5000, ""):
        assert client.post(URL, {"token": token}).status_code == 302


def test_the_ars_invites_the_first_leader_of_an_imported_cpts(client, place, mail_on_commit):
    from django.core import mail

    from projects.exchanges import accept_invitation
    from projects.models import Invitation

    dept, codes = place
    ars = institution_user(OrganisationKind.ARS, dept)
    client.force_login(ars)
    token = client.post(URL, {"file": upload(dept, codes)}).context["token"]
    client.post(URL, {"token": token})
    project = Project.objects.get(name="CPTS Reprise")
    first = reverse("projects:first_leader", args=[project.pk])
    for outsider in (
        institution_user(OrganisationKind.CPAM, dept),
        institution_user(OrganisationKind.ARS_DD),  # another département
        UserFactory(),
    ):
        client.force_login(outsider)
        assert client.post(first, {"email": "x@example.org"}).status_code in (403, 404)
    assert not Invitation.objects.exists()
    client.force_login(institution_user(OrganisationKind.ARS_DD, dept))
    assert (
        "first-leader" in client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    )
    with mail_on_commit(execute=True):
        client.post(first, {"email": "Premiere@Example.org"})
    assert mail.outbox and mail.outbox[-1].to == ["premiere@example.org"]
    leader = UserFactory(email="premiere@example.org")
    accept_invitation(Invitation.objects.get(project=project).token, leader)
    assert project.members.filter(user=leader).exists()
    client.post(first, {"email": "second@example.org"})  # leaders now invite each other
    assert Invitation.objects.filter(project=project).count() == 1


def test_a_file_over_2_mb_is_refused(client, place):
    client.force_login(institution_user(OrganisationKind.ARS, place[0]))
    big = SimpleUploadedFile("gros.csv", b"nom;departement\n" + b"x" * (2 * 1024 * 1024))
    page = client.post(URL, {"file": big})
    assert "dépasse 2 Mo" in page.content.decode() and "token" not in page.context
