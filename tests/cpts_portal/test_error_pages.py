"""400, 403, 404 and 500 in French with the DSFR layout, saying where to go next."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from projects.states import State
from tests.factories import UserFactory
from tests.world import institution_user, project_in_state

pytestmark = pytest.mark.django_db


def assert_error_page(response, status, heading):
    text = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in text and f"Erreur {status}" in text
    assert 'class="fr-header"' in text and "dsfr.min.css" in text  # the site's layout
    assert f'href="{reverse("home")}"' in text  # where to go next
    return text


def test_an_unknown_url_is_a_french_404(client):
    text = assert_error_page(client.get("/nulle-part/"), 404, "Page introuvable")
    assert "Se connecter" in text


def test_a_permission_refusal_is_a_french_403_with_its_reason(client):
    project, _, _ = project_in_state(State.LI_DEPOSEE)
    client.force_login(institution_user("ars_dd", project.departement))
    response = client.get(reverse("projects:invite", args=[project.pk]))
    text = assert_error_page(response, 403, "Accès refusé")
    assert "porteurs" in text  # the refusal's own message


def test_a_bad_host_is_a_french_400(client):
    response = client.get("/", HTTP_HOST="pirate.example")
    assert_error_page(response, 400, "Requête incorrecte")


def test_a_refused_csrf_token_is_a_french_403(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        reverse("login"), {"username": "x", "password": "y"}
    )
    text = assert_error_page(response, 403, "Accès refusé")
    assert "Le formulaire a expiré" in text


@pytest.mark.urls("tests.cpts_portal.raising_urls")
@pytest.mark.parametrize("signed_in", [False, True])
def test_a_failing_view_is_a_french_500_without_database(
    client, signed_in, django_assert_num_queries
):
    if signed_in:
        client.force_login(UserFactory())
    client.raise_request_exception = False
    # The 500 page reads nothing; a signed-in request's session and user are read before the view,
    # by the second-factor middleware.
    with django_assert_num_queries(2 if signed_in else 0):
        response = client.get("/boom/")
    assert_error_page(response, 500, "Erreur inattendue")


def test_the_500_page_renders_without_any_context():
    assert "Erreur inattendue" in render_to_string("500.html")
