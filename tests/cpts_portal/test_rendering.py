"""What every page shares is built or read once: the DSFR site configuration, the form renderer."""

import pytest
from django.forms.renderers import get_default_renderer
from django.urls import reverse
from dsfr.models import DsfrConfig

from cpts_portal import context_processors
from projects.filters import ProjectFilter
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_site_config():
    context_processors.forget()
    yield
    context_processors.forget()


def test_site_config_read_once_then_from_memory(client, django_assert_num_queries):
    page = reverse("login")
    client.get(page)
    with django_assert_num_queries(0):
        assert context_processors.site_config(None)["SITE_CONFIG"] is None


def test_site_config_forgotten_when_saved_or_deleted(client):
    page = reverse("login")
    client.get(page)  # remembers "no configuration"
    config = DsfrConfig.objects.create(language="fr", notice_title="Portail de test")
    assert "Portail de test" in client.get(page).content.decode()
    config.notice_title = "Titre changé"
    config.save()
    assert "Titre changé" in client.get(page).content.decode()
    config.delete()
    assert "Titre changé" not in client.get(page).content.decode()


def test_site_config_read_again_after_max_age(monkeypatch):
    """Another process's save shows after MAX_AGE seconds (no signal crosses processes)."""
    clock = [1000.0]
    monkeypatch.setattr(context_processors, "monotonic", lambda: clock[0])
    assert context_processors.site_config(None)["SITE_CONFIG"] is None
    DsfrConfig.objects.bulk_create([DsfrConfig(language="fr", site_title="Ailleurs")])  # no signal
    assert context_processors.site_config(None)["SITE_CONFIG"] is None
    clock[0] += context_processors.MAX_AGE + 1
    assert context_processors.site_config(None)["SITE_CONFIG"].site_title == "Ailleurs"


def test_dsfr_forms_share_one_renderer():
    """django-dsfr would build a renderer (and a template engine) for each form instance."""
    user = UserFactory()
    first, second = ProjectFilter(user=user).form, ProjectFilter(user=user).form
    assert first.renderer is second.renderer is get_default_renderer()
    assert 'class="fr-select"' in str(first["state"])  # still DSFR's widgets
