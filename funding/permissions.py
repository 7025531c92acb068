"""Who sees and acts on funding: role AND territory, through the project's checks."""

from django.db.models import Q

from accounts.models import OrganisationKind
from projects import permissions as project_perms

from .models import Contract, CrisisDeclaration
from .signatures import parties_of


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def may_use_contracts(user) -> bool:
    """Roles with funding pages at all (others get 403): AM, ARS, project leaders, superusers."""
    if not _active(user):
        return False
    if user.is_superuser or user.is_assurance_maladie or user.is_ars:
        return True
    return user.organisation_id is None or user.kind == OrganisationKind.CPTS


def can_view_contract(contract, user) -> bool:
    project = contract.project
    return _active(user) and (
        user.is_superuser
        or project_perms.is_assurance_maladie_of(project, user)
        or project_perms.is_ars_of(project, user)
        or project_perms.is_leader(project, user)
    )


def can_prepare_contract(project, user) -> bool:
    """Create the contract: the ARS or the Assurance Maladie of the territory (each party then
    records its own signature: `can_sign_for`)."""
    return project_perms.ars_or_assurance_maladie(project, user)


def can_sign_for(contract, user, party: str) -> bool:
    """Each party records its own signature (funding.signatures.parties_of)."""
    return party in parties_of(contract.project, user)


def can_propose_avenant(contract, user) -> bool:
    """An avenant is proposed by the CPAM (Assurance Maladie) or the ARS of the territory."""
    return project_perms.ars_or_assurance_maladie(contract.project, user)


def can_manage_contract(contract, user) -> bool:
    """Indicators, results, mission starts, termination: the Assurance Maladie of the territory."""
    return project_perms.is_assurance_maladie_of(contract.project, user)


def visible_contracts(user):
    qs = Contract.objects.select_related("project__departement__region", "grid")
    if not may_use_contracts(user):
        return qs.none()
    if user.is_superuser:
        return qs
    org = user.organisation
    if org is not None and org.has_territory:
        return qs.filter(org.territory_q("project__departement"))
    return qs.filter(project__members__user=user)


def can_grant_pre_aci(project, user) -> bool:
    return project_perms.is_assurance_maladie_of(project, user)


def can_grant_fir(project, user) -> bool:
    """Who: the ARS of the territory. When (LI validated and association constituted) is the
    grant's condition, checked under the project's lock: `grants.fir_possible`."""
    return project_perms.is_ars_of(project, user)


def can_edit_grids(user) -> bool:
    """Grids are Assurance Maladie data: other staff may read them, not change them."""
    return _active(user) and (user.is_superuser or user.is_assurance_maladie)


def can_delete_grids(user) -> bool:
    return _active(user) and user.is_superuser


def can_declare_crisis(user) -> bool:
    return _active(user) and user.is_ars


def visible_crises(user):
    qs = CrisisDeclaration.objects.select_related("region", "declared_by").prefetch_related(
        "departements"
    )
    if not can_declare_crisis(user):
        return qs.none()
    org = user.organisation
    if org.kind == OrganisationKind.ARS:
        return qs.filter(
            Q(region_id=org.region_id) | Q(departements__region_id=org.region_id)
        ).distinct()
    return qs.filter(
        Q(region_id=org.departement.region_id) | Q(departements=org.departement_id)
    ).distinct()


# --- The contract's life: evaluations, payments, milestones -------------------------------------


def can_fill_evaluation(contract, user) -> bool:
    """The yearly evaluation is entered and submitted by the CPTS itself (its leaders)."""
    return project_perms.is_leader(contract.project, user)


def can_review_evaluation(contract, user) -> bool:
    """Corrections asked and the year closed by the Assurance Maladie of the territory."""
    return can_manage_contract(contract, user)


def can_record_payment(contract, user) -> bool:
    return can_manage_contract(contract, user)


def can_mark_milestone(contract, user) -> bool:
    return can_manage_contract(contract, user)


def can_follow_payments(user) -> bool:
    """The overdue payments of a territory: its Assurance Maladie and its ARS."""
    return _active(user) and (user.is_assurance_maladie or user.is_ars)
