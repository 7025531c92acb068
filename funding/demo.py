"""Demo data through the services: a contract signed by the three parties each for itself, an
avenant awaiting signatures (one call each for `seed_demo`)."""

from django.utils import timezone

from .avenants import effective_window, propose_avenant, sign_avenant
from .deadlines import CONTRACT_YEARS, contract_anniversary
from .services import create_contract, record_signature


def sign_demo_contract(project, *, leader, cpam, ars, signed_on, members=30):
    contract = create_contract(project, cpam, members=members)
    for party, user in (("cpts", leader), ("cpam", cpam), ("ars", ars)):
        contract = record_signature(contract, user, party, signed_on)
    return contract


def demo_avenant_awaiting_signatures(contract, *, cpam, leader, added_members=15):
    """More members from the next anniversary (or the last year's first day), proposed by the
    CPAM and signed by the CPTS: it awaits the CPAM's and the ARS's signatures."""
    today = timezone.localdate()
    _, last = effective_window(contract)
    starts = [contract_anniversary(contract.signed_on, y) for y in range(2, CONTRACT_YEARS + 1)]
    effective_on = next((day for day in starts if day > today), last)
    avenant = propose_avenant(
        contract,
        cpam,
        summary="Nouveaux membres adhérents : mise à jour du nombre déclaré.",
        effective_on=effective_on,
        members=contract.members + added_members,
    )
    return sign_avenant(avenant, leader, "cpts", max(today, contract.signed_on))
