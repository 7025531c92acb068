"""The visitors' home page and the footer's mandatory pages (DSFR): present on every page,
reachable without an account, honest about what the operator has not filled in."""

import re

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from dsfr.models import DsfrConfig

from accounts.models import OrganisationKind
from tests.factories import PASSWORD, DepartementFactory
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


def test_everyone_changes_their_password_from_the_header_on_a_portal_page(client):
    user = institution_user(OrganisationKind.CPAM, DepartementFactory())
    client.force_login(user)
    url = reverse("password_change")
    assert f'href="{url}"' in client.get(reverse("projects:list")).content.decode()
    page = client.get(url).content.decode()
    assert "Changer de mot de passe" in page and "administration de Django" not in page
    changed = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "Un-nouveau-mot-2027",
            "new_password2": "Un-nouveau-mot-2027",
        },
    )
    assert changed.status_code == 302
    assert "Mot de passe modifié" in client.get(changed["Location"]).content.decode()


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


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_phone_menu_gives_the_name_the_logout_and_the_pages(live_server):
    from tests.browser import ARTIFACTS, chromium_context, log_in

    ars = institution_user(OrganisationKind.ARS, DepartementFactory())
    ars.first_name, ars.last_name = "Agnès", "Martin"
    ars.save()
    with chromium_context(width=375, height=800) as context:
        log_in(context, live_server.url, ars)
        page = context.new_page()
        page.goto(live_server.url + reverse("projects:list"))
        logout = page.locator("#fr-menu-mobile button", has_text="Se déconnecter")
        assert not page.get_by_text("Agnès Martin").first.is_visible()
        page.click("#fr-btn-menu-mobile")
        logout.wait_for(state="visible")
        assert page.locator("#fr-menu-mobile").get_by_text("Agnès Martin").is_visible()
        assert page.locator("#fr-menu-mobile a", has_text="Échéances").is_visible()
        page.screenshot(path=ARTIFACTS / "phone-menu.png")
        logout.click()
        page.wait_for_load_state()
        cookies = {c["name"] for c in page.context.cookies()}
        assert django_settings.SESSION_COOKIE_NAME not in cookies
