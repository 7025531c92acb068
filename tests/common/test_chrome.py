"""What every page shares and does not depend on the request is rendered once per process and
language (common/chrome.py), and is what django-dsfr's tags render."""

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils import translation

from accounts.models import OrganisationKind
from tests.world import institution_user


def _render(source: str, **context) -> str:
    request = RequestFactory().get("/")
    return engines["django"].from_string("{% load chrome %}" + source).render(context, request)


def test_fixed_content_is_rendered_once_per_language():
    template = engines["django"].from_string(
        "{% load chrome i18n %}{% fixed %}{{ n }} {% translate 'Close' %}{% endfixed %}"
    )
    with translation.override("fr"):
        assert template.render({"n": 1}) == "1 Fermer"
        assert template.render({"n": 2}) == "1 Fermer"  # the first rendering, kept
    with translation.override("en"):
        assert template.render({"n": 3}) == "3 Close"


def test_fixed_url_is_django_s_url_under_each_script_prefix():
    assert _render("{% fixed_url 'projects:list' %}") == reverse("projects:list")
    set_script_prefix("/portail/")
    try:
        assert _render("{% fixed_url 'projects:list' %}") == "/portail/projets/"
    finally:
        clear_script_prefix()
    assert _render("{% fixed_url 'projects:list' %}") == "/projets/"


@pytest.mark.django_db
def test_a_page_carries_django_dsfr_s_own_assets_and_a_skip_link(client):
    client.force_login(institution_user(OrganisationKind.ARS_DD))
    page = client.get(reverse("projects:list")).content.decode()
    for tag in ("{% dsfr_css %}", "{% dsfr_favicon %}", "{% dsfr_theme_modale %}"):
        assert _render("{% load dsfr_tags %}" + tag).strip() in page
    assert 'href="#content"' in page and 'id="content"' in page
    assert 'href="#footer"' in page and 'id="footer"' in page
    assert f'href="{reverse("reminders:list")}">Échéances' in page
