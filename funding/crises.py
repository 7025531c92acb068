"""Serious sanitary crises characterised by the ARS: their declaration and where they apply."""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Q

from accounts.models import OrganisationKind
from common import bounds
from territories.models import Departement

from .base import FundingError, deny_unless, journal
from .models import CrisisDeclaration
from .permissions import can_declare_crisis

CRISIS_FIELDS = ("declared_on", "label", "region")


def _within_reach(org, region, departements) -> bool:
    """A siège acts on its région (whole or some départements), a délégation départementale
    on its own département only."""
    if org.kind == OrganisationKind.ARS:
        return (region is None or region.pk == org.region_id) and all(
            d.region_id == org.region_id for d in departements
        )
    return region is None and all(d.pk == org.departement_id for d in departements)


def declare_crisis(user, *, declared_on, label, region=None, departements=()):
    deny_unless(can_declare_crisis(user), "Seule l'ARS caractérise une crise sanitaire grave.")
    bounds.CRISIS.require(declared_on, FundingError)
    label = str(label).strip()
    if not label or len(label) > 200 or "\x00" in label:
        raise FundingError("Nommez la crise (200 caractères au plus).")
    if region is None and not departements:
        raise FundingError("Indiquez la région ou les départements concernés.")
    deny_unless(_within_reach(user.organisation, region, departements))
    with transaction.atomic():
        crisis = CrisisDeclaration.objects.create(
            declared_on=declared_on, label=label, region=region, declared_by=user
        )
        crisis.departements.set(departements)
        codes = ", ".join(sorted(d.code for d in departements))
        journal(
            user, "funding.crisis.declare", f"Crise sanitaire grave déclarée : {label}", crisis,
            CRISIS_FIELDS, extra={"departements": [None, codes]} if codes else None,
        )  # fmt: skip
    return crisis


def crisis_dates_by_departement(departement_ids=None) -> dict[int, list[dt.date]]:
    """Crisis declarations per département (région-wide ones included), in two queries."""
    by_region = defaultdict(list)
    dates = defaultdict(list)
    crises = CrisisDeclaration.objects.prefetch_related("departements")
    for crisis in crises:
        if crisis.region_id:
            by_region[crisis.region_id].append(crisis.declared_on)
        for dep in crisis.departements.all():
            dates[dep.pk].append(crisis.declared_on)
    if by_region:
        deps = Departement.objects.filter(region_id__in=by_region)
        if departement_ids is not None:
            deps = deps.filter(pk__in=departement_ids)
        for dep_id, region_id in deps.values_list("pk", "region_id"):
            dates[dep_id].extend(by_region[region_id])
    return dates


def crisis_dates_of(departement) -> list[dt.date]:
    """`crisis_dates_by_departement()[departement.pk]` reading only the crises that reach this
    département (a contract's page), in one query: those naming it, then those of its whole
    région, each in the declarations' order (a crisis declared both ways counts both ways)."""
    reach = Q(region_id=departement.region_id) | Q(departements=departement.pk)
    # One row per (crisis, département it names): the filter's join, reused by the select.
    rows = CrisisDeclaration.objects.filter(reach).values_list(
        "pk", "declared_on", "region_id", "departements"
    )
    found = {}  # crisis → (its day, names this département, covers its région)
    for pk, day, region_id, named in rows:
        names = named == departement.pk or (pk in found and found[pk][1])
        found[pk] = (day, names, region_id == departement.region_id)
    crises = found.values()
    return [day for day, names, _ in crises if names] + [day for day, _, whole in crises if whole]
