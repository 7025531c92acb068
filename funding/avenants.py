"""Avenants: proposed by the CPAM or the ARS of the territory, signed by each party for itself,
in force at the third signature; they change the contract years starting on or after their
effective date (`avenant_terms`). Each write locks the contract, journals and, at the third
signature, gives the project its new territory if the avenant changes it (through
`projects.territory`, same transaction) and queues the avenant's PDF (stored with the
project's documents) via the outbox."""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.services import snapshot
from outbox.services import enqueue_task
from projects import documents as project_documents
from projects.territory import apply_amended_territory, find_overlaps, preview_selection
from territories.models import Commune
from territories.services import TerritoryError, summarise

from .avenant_terms import terms_on
from .base import FundingError, deny_unless, journal
from .deadlines import CONTRACT_YEARS, contract_anniversary
from .grid_store import load_grid_set
from .models import Contract, ContractAvenant, ContractMission
from .permissions import can_propose_avenant, can_sign_for
from .signatures import PARTIES, check_signature_date

MAX_MEMBERS = 100_000
TEXT_LIMIT = 2_000
TERM_FIELDS = ("new_size", "new_members", "new_optional", "new_snp_dispositif", "new_communes")
OLD_FIELDS = tuple(f.replace("new_", "old_") for f in TERM_FIELDS)
PROPOSAL_FIELDS = ("number", "summary", "effective_on", *TERM_FIELDS)
SIGNATURE_FIELDS = ("cpts_signed_on", "cpam_signed_on", "ars_signed_on", "signed_on", *OLD_FIELDS)


def effective_window(contract) -> tuple[dt.date, dt.date]:
    """An avenant takes effect from the signature up to the first day of the last contract
    year (it changes whole contract years: one effective later would change none)."""
    return contract.signed_on, contract_anniversary(contract.signed_on, CONTRACT_YEARS)


def check_effective_date(contract, day: dt.date, after: dt.date | None = None) -> dt.date:
    """The effective date of an avenant: within `effective_window`, and not before the
    effective date of an avenant already in force (`after`): avenants apply in order."""
    first, last = effective_window(contract)
    if not isinstance(day, dt.date) or not first <= day <= last:
        raise FundingError(
            f"La date d'effet va du {first:%d/%m/%Y} (signature du contrat) au {last:%d/%m/%Y} "
            "(début de la dernière année du contrat)."
        )
    if after is not None and day < after:
        raise FundingError(
            f"La date d'effet ne peut précéder celle du dernier avenant en vigueur "
            f"({after:%d/%m/%Y})."
        )
    return day


def _changes(contract, grid_set, *, size, members, optional, snp_dispositif, communes) -> dict:
    """The new terms, checked; None for a term left unchanged."""
    if size is not None and size not in (1, 2, 3, 4):
        raise FundingError("La taille d'une CPTS va de 1 à 4.")
    if members is not None and not 0 <= members <= MAX_MEMBERS:
        raise FundingError(f"Le nombre de membres va de 0 à {MAX_MEMBERS}.")
    if optional is not None:
        known = {code for grid in grid_set.grids for code in grid.optional_missions}
        if unknown := set(optional) - known:
            raise FundingError(f"Missions optionnelles inconnues : {', '.join(sorted(unknown))}.")
        optional = sorted(set(optional))
    if communes is not None:
        communes = sorted(c.insee for c in _territory(contract.project, communes))
    return dict(
        new_size=size,
        new_members=members,
        new_optional=optional,
        new_snp_dispositif=snp_dispositif,
        new_communes=communes,
    )


def _territory(project, codes) -> list:
    """The new territory's communes: known communes of the ARS's région, overlapping no other
    active CPTS (projects.territory's rules)."""
    found, errors = preview_selection(project, codes)
    if errors:
        raise FundingError(" ".join(errors))
    if not found:
        raise FundingError("Le nouveau territoire doit compter au moins une commune.")
    if overlaps := find_overlaps(project, found):
        raise FundingError(" ; ".join(o.message for o in overlaps))
    return found


def _size_of_territory(changes, old) -> None:
    """A new territory without a taille given brings its own: the taille of its population
    (`territories.sizing`), when it differs from the taille in force."""
    if changes["new_communes"] is None or changes["new_size"] is not None:
        return
    taille = summarise(Commune.objects.filter(insee__in=changes["new_communes"])).taille
    if taille != old["old_size"]:
        changes["new_size"] = taille


def _old_values(contract, day, grid_set) -> dict:
    terms = terms_on(contract, day, grid_set)
    return dict(
        old_size=terms.size,
        old_members=terms.members,
        old_optional=sorted(terms.optional),
        old_snp_dispositif=terms.snp_dispositif,
        old_communes=list(terms.communes) if terms.communes is not None else None,
    )


def _locked(contract) -> Contract:
    locked = Contract.objects.select_for_update(of=("self",)).select_related("project")
    return locked.get(pk=contract.pk)


def propose_avenant(
    contract, user, *, summary: str, effective_on: dt.date, size=None, members=None,
    optional=None, snp_dispositif=None, communes=None,
) -> ContractAvenant:  # fmt: skip
    """A new avenant awaiting the three signatures (one at a time per contract)."""
    deny_unless(can_propose_avenant(contract, user))
    summary = (summary or "").strip()
    if not summary or len(summary) > TEXT_LIMIT:
        raise FundingError(f"Indiquez l'objet de l'avenant ({TEXT_LIMIT} caractères au plus).")
    grid_set = load_grid_set()
    with transaction.atomic():
        locked = _locked(contract)
        if not locked.is_signed or locked.terminated_on:
            raise FundingError("Un avenant modifie un contrat signé et non résilié.")
        avenants = ContractAvenant.objects.select_for_update().filter(contract=locked)
        if avenants.filter(signed_on__isnull=True, withdrawn_at__isnull=True).exists():
            raise FundingError("Un avenant attend déjà ses signatures sur ce contrat.")
        latest = avenants.filter(signed_on__isnull=False).aggregate(m=Max("effective_on"))["m"]
        check_effective_date(locked, effective_on, latest)
        changes = _changes(
            locked, grid_set, size=size, members=members, optional=optional,
            snp_dispositif=snp_dispositif, communes=communes,
        )  # fmt: skip
        old = _old_values(locked, effective_on, grid_set)
        _size_of_territory(changes, old)
        if all(changes[f] is None or changes[f] == old[f.replace("new_", "old_")] for f in changes):
            raise FundingError("L'avenant ne change aucune des conditions du contrat.")
        number = (avenants.aggregate(m=Max("number"))["m"] or 0) + 1
        avenant = ContractAvenant.objects.create(
            contract=locked, number=number, summary=summary, effective_on=effective_on,
            proposed_by=user, proposed_at=timezone.now(), **changes, **old,
        )  # fmt: skip
        journal(
            user, "funding.avenant.propose", f"Avenant n° {number} proposé", avenant,
            PROPOSAL_FIELDS, project=locked.project_id,
        )  # fmt: skip
    return avenant


def sign_avenant(avenant, user, party: str, signed_on: dt.date) -> ContractAvenant:
    """Record one party's signature, by that party; at the third the avenant is in force: the
    terms it replaced are kept, added optional missions join the contract, its PDF is issued."""
    if party not in PARTIES:
        raise FundingError("Signataire inconnu.")
    contract = avenant.contract
    deny_unless(can_sign_for(contract, user, party))
    check_signature_date(signed_on, contract.signed_on)
    with transaction.atomic():
        locked = _locked(contract)
        row = ContractAvenant.objects.select_for_update().get(pk=avenant.pk, contract=locked)
        if row.in_force:
            raise FundingError("Cet avenant est déjà signé par les trois parties.")
        if row.withdrawn_at:
            raise FundingError("Cet avenant a été retiré.")
        if locked.terminated_on:
            raise FundingError("Le contrat est résilié : l'avenant ne peut plus être signé.")
        before = snapshot(row, SIGNATURE_FIELDS)
        setattr(row, f"{party}_signed_on", signed_on)
        label = f"Avenant n° {row.number} : signature {PARTIES[party]} enregistrée"
        dates = [getattr(row, f"{p}_signed_on") for p in PARTIES]
        if all(dates):
            _enter_into_force(locked, row, max(dates), user)
            label += " ; avenant en vigueur"
        row.save()
        journal(
            user, "funding.avenant.sign", label, row, SIGNATURE_FIELDS, before,
            project=locked.project_id,
        )  # fmt: skip
    return row


def _enter_into_force(contract, avenant, signed_on, user) -> None:
    """Keep the terms it replaces (as in force on its effective date), add its new optional
    missions to the contract, give the project its new territory (communes, population,
    taille: `projects.territory`, checked again, journalled) and queue its PDF."""
    grid_set = load_grid_set()
    for name, value in _old_values(contract, avenant.effective_on, grid_set).items():
        setattr(avenant, name, value)
    avenant.signed_on = signed_on
    for code in avenant.new_optional or ():
        ContractMission.objects.get_or_create(contract=contract, mission=code)
    if avenant.new_communes is not None:
        label = (
            f"Territoire modifié par l'avenant n° {avenant.number} au contrat ACI "
            f"(effet le {avenant.effective_on:%d/%m/%Y})"
        )
        try:
            apply_amended_territory(contract.project, user, avenant.new_communes, label)
        except TerritoryError as error:
            raise FundingError(f"L'avenant ne peut pas entrer en vigueur : {error}") from None
    enqueue_task(project_documents.issue_documents.name, [contract.project_id])


def withdraw_avenant(avenant, user) -> ContractAvenant:
    """Withdraw an avenant awaiting signatures (the CPAM or the ARS of the territory): it stays
    in the history, signs no more, and another may be proposed."""
    contract = avenant.contract
    deny_unless(can_propose_avenant(contract, user))
    with transaction.atomic():
        locked = _locked(contract)
        row = ContractAvenant.objects.select_for_update().get(pk=avenant.pk, contract=locked)
        if not row.pending:
            raise FundingError("Seul un avenant en attente de signatures peut être retiré.")
        before = snapshot(row, ["withdrawn_at"])
        row.withdrawn_at = timezone.now()
        row.save(update_fields=["withdrawn_at"])
        journal(
            user, "funding.avenant.withdraw", f"Avenant n° {row.number} retiré", row,
            ["withdrawn_at"], before, project=locked.project_id,
        )  # fmt: skip
    return row
