"""Each person keeps named dashboard filters of their own."""

import pytest
from django.urls import reverse

from accounts.models import OrganisationKind
from audit.models import AuditEntry
from projects.models import SavedFilter
from projects.saved_filters import MAX_PER_PERSON, clean_query
from tests.factories import DepartementFactory, UserFactory
from tests.world import institution_user

pytestmark = pytest.mark.django_db
SAVE = reverse("projects:filter_save")


@pytest.fixture
def ars():
    return institution_user(OrganisationKind.ARS, DepartementFactory())


def test_only_known_filters_are_kept_in_a_stable_order():
    query = "page=3&taille=2&evil=1&state=ps_depose&name=&sort=-ps_deadline"
    assert clean_query(query) == "state=ps_depose&taille=2&sort=-ps_deadline"


def test_save_then_find_it_on_the_dashboard(client, ars):
    client.force_login(ars)
    response = client.post(SAVE, {"name": "  PS  à échéance ", "query": "state=ps_depose&page=2"})
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:list") + "?state=ps_depose"
    saved = SavedFilter.objects.get(user=ars)
    assert (saved.name, saved.query) == ("PS à échéance", "state=ps_depose")
    assert AuditEntry.objects.filter(action="projects.filter.save", actor=ars).count() == 1
    html = client.get(reverse("projects:list") + "?state=ps_depose").content.decode()
    assert 'href="?state=ps_depose" aria-current="true">PS à échéance</a>' in html


def test_the_same_name_replaces_the_filter(client, ars):
    client.force_login(ars)
    client.post(SAVE, {"name": "Gironde", "query": "taille=1"})
    client.post(SAVE, {"name": "Gironde", "query": "taille=3"})
    assert list(SavedFilter.objects.values_list("name", "query")) == [("Gironde", "taille=3")]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "", "query": "taille=1"}, "Donnez un nom"),
        ({"name": "x" * 81, "query": "taille=1"}, "80 caractères"),
        ({"name": "Rien", "query": "page=2&foo=bar"}, "au moins un filtre"),
    ],
)
def test_bad_input_saves_nothing_and_says_why(client, ars, data, message):
    client.force_login(ars)
    response = client.post(SAVE, data, follow=True)
    assert message in response.content.decode()
    assert not SavedFilter.objects.exists()


def test_at_most_twenty_per_person(client, ars):
    client.force_login(ars)
    for i in range(MAX_PER_PERSON):
        client.post(SAVE, {"name": f"F{i}", "query": f"taille={i % 4 + 1}"})
    response = client.post(SAVE, {"name": "Un de trop", "query": "taille=1"}, follow=True)
    assert "supprimez-en un" in response.content.decode()
    assert SavedFilter.objects.filter(user=ars).count() == MAX_PER_PERSON


def test_filters_are_private_and_deleted_by_their_owner_only(client, ars):
    other = UserFactory()
    theirs = SavedFilter.objects.create(user=other, name="À eux", query="taille=2")
    client.force_login(ars)
    assert "À eux" not in client.get(reverse("projects:list")).content.decode()
    client.post(reverse("projects:filter_delete", args=[theirs.pk]))
    assert SavedFilter.objects.filter(pk=theirs.pk).exists()
    client.force_login(other)
    client.post(reverse("projects:filter_delete", args=[theirs.pk]))
    assert not SavedFilter.objects.filter(pk=theirs.pk).exists()


def test_anonymous_and_get_are_refused(client, ars):
    response = client.post(SAVE, {"name": "x", "query": "taille=1"})
    assert response.status_code == 302 and "/accounts/login" in response["Location"]
    client.force_login(ars)
    assert client.get(SAVE).status_code == 405
    assert not SavedFilter.objects.exists()
