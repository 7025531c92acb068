"""The « 80 000 habitants : à confirmer » badge shows only near that threshold (±5 %)."""

import re

import pytest
from django.urls import reverse

from territories.models import Commune
from tests.world import fresh_departement, new_project, row_of_communes

pytestmark = pytest.mark.django_db


def _warning(html: str) -> str:
    return re.search(r'<p id="boundary-warning"[^>]*>', html).group(0)


@pytest.mark.parametrize(("population", "shown"), [(30_000, False), (78_500, True)])
def test_badge_only_near_the_threshold(client, population, shown):
    dept = fresh_departement()
    project, leader = new_project(dept)
    (commune,) = row_of_communes(dept, 1)
    Commune.objects.filter(pk=commune.pk).update(population=population)
    client.force_login(leader)
    territory = reverse("projects:territory", args=[project.pk])
    assert client.post(territory, {"insee": [commune.insee]}).status_code == 302
    html = client.get(territory).content.decode()
    assert ("hidden" not in _warning(html)) is shown
    assert html.count("80 000 habitants : à confirmer") == 1  # in the toggled paragraph only
    preview = client.get(
        reverse("projects:territory_preview", args=[project.pk]), {"insee": commune.insee}
    ).json()
    assert preview["boundary_to_confirm"] is shown
