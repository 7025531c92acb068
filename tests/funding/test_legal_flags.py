"""FIR only after the LI is validated and the association constituted; the avenant 2 date and
the 30 September 2022 cut-off are flagged "à confirmer" in the data and on the pages."""

import datetime as dt
import html

import pytest
from django.urls import reverse

from funding import grants
from funding.base import FundingError
from funding.models import FirGrant, GridCell, GridVersion
from projects.states import State
from tests.world import project_in_state

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", [State.LI_DEPOSEE, State.LI_VALIDEE])
def test_fir_refused_before_the_li_is_validated_and_the_association_constituted(state):
    project, _, ars = project_in_state(state)
    with pytest.raises(FundingError, match="validation de la lettre d'intention"):
        grants.record_fir_grant(project, ars, amount="30000", granted_on=dt.date(2026, 1, 5))
    assert not FirGrant.objects.exists()


def test_fir_granted_once_the_association_is_constituted(client):
    project, leader, ars = project_in_state(State.ASSOCIATION_CONSTITUEE)
    grant = grants.record_fir_grant(project, ars, amount="30000", granted_on=dt.date(2026, 1, 5))
    assert grant.amount == 30000
    # The form posts to the same service: before the association it says why.
    early, _, ars_early = project_in_state(State.LI_VALIDEE)
    client.force_login(ars_early)
    response = client.post(
        reverse("funding:fir_grant", args=[early.pk]),
        {"amount": "30000", "granted_on": "2026-01-05", "note": "", "confirmed": "1"},
        follow=True,
    )
    assert response.status_code == 200
    assert "constitution de l'association" in html.unescape(response.content.decode())
    assert FirGrant.objects.count() == 1


def test_avenant_2_date_and_the_30_september_cut_off_are_flagged_in_data_and_page(client):
    version = GridVersion.objects.get(code="avenant_2")
    assert version.valid_from == dt.date(2022, 3, 31) and version.valid_from_to_confirm
    assert "31 mars 2022" in version.valid_from_note
    assert not GridVersion.objects.get(code="aci_2019").valid_from_to_confirm
    cut_off = GridCell.objects.filter(
        grid=version, mission="fonctionnement_additionnel", part="one_off"
    )
    assert cut_off.exists() and all(c.to_confirm for c in cut_off)
    assert all("30 septembre 2022 même" in c.source for c in cut_off)
    page = html.unescape(client.get(reverse("funding:grids")).content.decode())
    assert 'id="valid-from-to-confirm-avenant_2"' in page
    assert 'id="valid-from-to-confirm-aci_2019"' not in page
    assert "Une signature le 30 septembre 2022 même n'y ouvre pas droit" in page
