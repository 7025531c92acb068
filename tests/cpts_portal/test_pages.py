"""The visitors' home page and the footer's mandatory pages (DSFR): present on every page,
reachable without an account, honest about what the operator has not filled in."""

import re

import pytest
from django.urls import reverse
from dsfr.models import DsfrConfig

from accounts.models import OrganisationKind
from tests.factories import DepartementFactory
from tests.world import institution_user

FOOTER = {
    "accessibility": "Accessibilité : non conforme",
    "legal": "Mentions légales",
    "personal_data": "Données personnelles",
    "cookies": "Gestion des cookies",
}
pytestmark = pytest.mark.django_db


def test_anonymous_home_explains_the_portal_and_links_the_simulator(client):
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{reverse("funding:simulator")}"' in html
    assert f'href="{reverse("login")}"' in html
    assert "réputé validé deux mois" in html


def test_people_logged_in_go_to_their_dashboard(client):
    client.force_login(institution_user(OrganisationKind.ARS, DepartementFactory()))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("projects:list")


@pytest.mark.parametrize("name", ["home", "login", "funding:simulator", *FOOTER])
def test_every_page_carries_the_mandatory_footer_links(client, name):
    html = client.get(reverse(name)).content.decode()
    footer = html[html.index('class="fr-footer__bottom"') :]
    for url_name, label in FOOTER.items():
        assert re.search(rf'href="{reverse(url_name)}">{label}', footer), url_name


@pytest.mark.parametrize("name", list(FOOTER))
def test_footer_pages_answer_without_an_account(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "<h1>" in response.content.decode()


def test_operator_facts_not_given_are_shown_to_complete(client, settings):
    settings.CPTS_LEGAL = {"publisher": "", "director": "", "host": "OVH\nRoubaix"}
    html = client.get(reverse("legal")).content.decode()
    assert html.count("À compléter") == 2
    assert "OVH<br>Roubaix" in html


def test_accessibility_status_is_editable_data(client):
    html = client.get(reverse("accessibility")).content.decode()
    assert "<strong>non conforme</strong>" in html and "Aucun audit RGAA complet" in html
    DsfrConfig.objects.create(language="fr", accessibility_status="PART")
    html = client.get(reverse("accessibility")).content.decode()
    assert "<strong>partiellement conforme</strong>" in html
    assert "Accessibilité : partiellement conforme" in html
    assert "Aucun audit RGAA complet" not in html


def test_cookies_page_lists_the_cookies_the_portal_sets(client, settings):
    html = client.get(reverse("cookies")).content.decode()
    assert settings.SESSION_COOKIE_NAME in html and settings.CSRF_COOKIE_NAME in html
    assert "8 heures au plus" in html
