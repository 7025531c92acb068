"""Login, scoped project pages and the admin."""

import pytest
from django.urls import reverse

from accounts.models import OrganisationKind
from projects.states import State
from tests.factories import DepartementFactory, UserFactory
from tests.world import institution_user, project_in_state

pytestmark = pytest.mark.django_db


def test_login_page_and_redirects(client):
    assert client.get(reverse("login")).status_code == 200
    response = client.get(reverse("projects:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_login_with_username_and_password(client):
    UserFactory(username="porteuse")
    response = client.post(
        reverse("login"), {"username": "porteuse", "password": "mot-de-passe-solide-42"}
    )
    assert response.status_code == 302
    assert client.get(reverse("projects:list")).status_code == 200


@pytest.mark.parametrize(
    "kind, own_territory",
    [
        (OrganisationKind.ARS_DD, True),
        (OrganisationKind.ARS_DD, False),
        (OrganisationKind.ARS, True),
        (OrganisationKind.ARS, False),
        (OrganisationKind.CPAM, True),
        (OrganisationKind.CPAM, False),
        (OrganisationKind.MSA, True),
        (OrganisationKind.URPS, True),
        (OrganisationKind.URPS, False),
    ],
)
def test_institutions_see_only_their_territory(client, kind, own_territory):
    project, _, _ = project_in_state(State.LI_DEPOSEE)
    other = DepartementFactory()
    user = institution_user(kind, project.departement if own_territory else other)
    client.force_login(user)
    listing = client.get(reverse("projects:list"))
    detail = client.get(reverse("projects:detail", args=[project.pk]))
    if own_territory:
        assert project.name in listing.content.decode()
        assert detail.status_code == 200
    else:
        assert project.name not in listing.content.decode()
        assert detail.status_code == 404


def test_leaders_see_their_own_projects_only(client):
    project, leader, _ = project_in_state(State.LI_DEPOSEE)
    client.force_login(leader)
    assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 200
    client.force_login(UserFactory())
    assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 404


def test_admin_shows_every_model(admin_client):
    from django.contrib import admin

    project, _, _ = project_in_state(State.LI_DEPOSEE)
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url
    change = reverse("admin:projects_project_change", args=[project.pk])
    assert admin_client.get(change).status_code == 200


def test_admin_transitions_go_through_the_services(client):
    from projects.models import Project

    project, _, ars = project_in_state(State.LI_DEPOSEE)
    url = reverse("admin:projects_project_transition", args=[project.pk, "request_li_changes"])
    outsider = institution_user(OrganisationKind.ARS_DD, DepartementFactory(), is_staff=True)
    client.force_login(outsider)
    client.post(url, {"reason": "Préciser le territoire", "without_committee": "Urgence"})
    assert Project.objects.get(pk=project.pk).state == State.LI_DEPOSEE

    ars.is_staff = True
    ars.save()
    client.force_login(ars)
    client.post(url, {"reason": "Préciser le territoire", "without_committee": "Urgence"})
    project.refresh_from_db()
    assert project.state == State.LI_A_MODIFIER
    event = project.events.latest("pk")
    assert (event.transition, event.actor, event.reason) == (
        "request_li_changes",
        ars,
        "Préciser le territoire",
    )
