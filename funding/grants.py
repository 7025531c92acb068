"""Funding before the contract: the Assurance Maladie's pre-ACI accompaniment and the ARS's FIR
start-up grants. Each write checks role and territory and is journalled in its transaction."""

import datetime as dt

from django.db import transaction

from common import bounds
from projects.deadlines import pre_aci_ps_deadline
from projects.models import Project
from projects.states import State

from . import calc
from .base import FundingError, deny_unless, journal
from .grid_store import load_grid_set
from .models import FirGrant, PreAciSupport
from .permissions import can_grant_fir, can_grant_pre_aci

PRE_ACI_STATES = {
    State.ASSOCIATION_CONSTITUEE,
    State.PS_DEPOSE,
    State.PS_INCOMPLET,
    State.PS_VALIDE,
    State.PS_REPUTE_VALIDE,
    State.ACI_PREPARATION,
}
PRE_ACI_FIELDS = ("granted_on", "amount", "ps_due_on")
FIR_FIELDS = ("granted_on", "amount", "note")


def pre_aci_amount(project, granted_on: dt.date):
    """What the grid in force on `granted_on` gives this project's taille, or None (shown
    before the CPAM confirms; the service decides)."""
    try:
        one_off = load_grid_set().in_force(granted_on).one_off(calc.PRE_ACI)
    except calc.NoGridInForce:
        return None
    return one_off.amounts.get(project.taille) if one_off and project.taille else None


def grant_pre_aci_support(project, user, granted_on: dt.date) -> PreAciSupport:
    deny_unless(can_grant_pre_aci(project, user))
    bounds.PRE_ACI_GRANT.require(granted_on, FundingError)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.state not in PRE_ACI_STATES:
            raise FundingError("Réservé aux associations dont la LI est validée, sans contrat ACI.")
        if not project.taille:
            raise FundingError("La taille de la CPTS n'est pas connue.")
        if PreAciSupport.objects.filter(project=project).exists():
            raise FundingError("L'accompagnement pré-ACI est déjà accordé à ce projet.")
        try:
            one_off = load_grid_set().in_force(granted_on).one_off(calc.PRE_ACI)
        except calc.NoGridInForce:
            one_off = None
        if one_off is None:
            raise FundingError("La grille en vigueur ne prévoit pas d'accompagnement pré-ACI.")
        support = PreAciSupport.objects.create(
            project=project,
            granted_on=granted_on,
            amount=one_off.amounts[project.taille],
            ps_due_on=pre_aci_ps_deadline(granted_on),
            granted_by=user,
        )
        journal(
            user, "funding.pre_aci.grant", "Accompagnement pré-ACI accordé", support,
            PRE_ACI_FIELDS, project=project,
        )  # fmt: skip
    return support


def overdue_pre_aci(today: dt.date):
    """Supports whose projet de santé was not deposited in time: flagged to the CPAM (what
    follows is to confirm, domain.md §4)."""
    return PreAciSupport.objects.select_related("project").filter(
        ps_due_on__lt=today, project__ps_submitted_at__isnull=True
    )


# Domain.md §2 step 5: the FIR start-up grant comes after the LI validation *and* the association.
FIR_STATES = PRE_ACI_STATES | {State.ACI_SIGNE}


def fir_possible(project) -> bool:
    return project.state in FIR_STATES and project.association_is_valid()


def record_fir_grant(project, user, *, amount, granted_on, note=""):
    deny_unless(can_grant_fir(project, user))
    amount = bounds.require_money(amount, error=FundingError)
    bounds.FIR_GRANT.require(granted_on, FundingError)
    note = note.strip()
    if len(note) > 300:
        raise FundingError("L'objet tient en 300 caractères.")
    with transaction.atomic():
        project = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
        if not fir_possible(project):
            raise FundingError(
                "La subvention FIR n'est possible qu'après la validation de la lettre "
                "d'intention et la constitution de l'association."
            )
        grant = FirGrant.objects.create(
            project=project, amount=amount, granted_on=granted_on, note=note, granted_by=user
        )
        journal(
            user, "funding.fir.grant", "Subvention FIR enregistrée", grant, FIR_FIELDS,
            project=project,
        )  # fmt: skip
    return grant
