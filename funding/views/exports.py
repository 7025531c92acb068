"""Every visible contract's entitlement lines per contract year (CSV by default, or XLSX)."""

from django.contrib.auth.decorators import login_required

from common import exports

from .. import calc
from ..grid_store import load_grid_set
from ..permissions import visible_contracts
from ..presentation import PART_LABELS, mission_label
from ..terms import contract_terms
from .base import export_format, require_funding_role

HEADERS = [
    "Projet",
    "Département",
    "Année du contrat",
    "Ligne",
    "Part",
    "Montant (€)",
    "Maximum (€)",
    "À confirmer",
]


def _rows(contracts, terms):
    for pk, aci_terms in terms.items():
        project = contracts[pk].project
        triggers = calc.crisis_triggers(aci_terms.crisis_dates)
        for year in range(1, aci_terms.years + 1):
            for line in calc.year_entitlement(aci_terms, year, triggers):
                yield [
                    project.name,
                    project.departement.code,
                    year,
                    mission_label(aci_terms.for_year(year).grid, line.mission),
                    PART_LABELS[line.part],
                    str(line.amount),
                    str(line.maximum),
                    "oui" if line.to_confirm else "",
                ]


@login_required
def entitlements_export(request):
    require_funding_role(request.user)
    visible = visible_contracts(request.user).order_by("project__name")
    contracts = {c.pk: c for c in visible}  # names, départements
    terms = contract_terms(visible, load_grid_set())
    data = exports.dataset(HEADERS, _rows(contracts, terms))
    return exports.response(data, export_format(request, "csv") or "csv", "droits-aci")
