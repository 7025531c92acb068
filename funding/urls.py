from django.urls import path

from .views import (
    avenants,
    contract,
    contract_life,
    contracts,
    crises,
    evaluations,
    exports,
    grants,
    grids,
    payments,
    reprise,
    results,
    roster,
    simulator,
)

app_name = "funding"
urlpatterns = [
    path("simulateur/", simulator.simulator, name="simulator"),
    path("grilles/", grids.grids, name="grids"),
    path("contrats/", contracts.contract_list, name="contracts"),
    path("contrats/droits/", exports.entitlements_export, name="entitlements_export"),
    path("contrats/<int:pk>/", contract.contract_detail, name="contract"),
    path("contrats/<int:pk>/contrat.pdf", contract.contract_pdf, name="contract_pdf"),
    path("contrats/<int:pk>/signature/", contract.contract_sign, name="contract_sign"),
    path("contrats/<int:pk>/mission/", contract.mission_start, name="mission_start"),
    path("contrats/<int:pk>/indicateur/", contract.indicator_add, name="indicator_add"),
    path("contrats/<int:pk>/resiliation/", contract.contract_terminate, name="contract_terminate"),
    path("contrats/<int:pk>/resultats/<int:year>/", results.results, name="results"),
    path("projets/<int:project_pk>/contrat/", contracts.contract_create, name="contract_create"),
    path("projets/<int:project_pk>/pre-aci/", grants.pre_aci_grant, name="pre_aci_grant"),
    path("projets/<int:project_pk>/fir/", grants.fir_grant, name="fir_grant"),
    path("crises/", crises.crises, name="crises"),
    path("contrats/<int:pk>/avenants/", avenants.avenant_propose, name="avenant_propose"),
    path(
        "contrats/<int:pk>/avenants/<int:number>/signature/",
        avenants.avenant_sign,
        name="avenant_sign",
    ),
    path(
        "contrats/<int:pk>/avenants/<int:number>/retrait/",
        avenants.avenant_withdraw,
        name="avenant_withdraw",
    ),
    path(
        "contrats/<int:pk>/avenants/<int:number>/avenant.pdf",
        avenants.avenant_document,
        name="avenant_pdf",
    ),
    # The contract's life: yearly evaluations, payments, milestones.
    path("contrats/<int:pk>/evaluations/<int:year>/", evaluations.evaluation, name="evaluation"),
    path(
        "contrats/<int:pk>/evaluations/<int:year>/transmettre/",
        evaluations.evaluation_submit,
        name="evaluation_submit",
    ),
    path(
        "contrats/<int:pk>/evaluations/<int:year>/corrections/",
        evaluations.evaluation_corrections,
        name="evaluation_corrections",
    ),
    path(
        "contrats/<int:pk>/evaluations/<int:year>/cloture/",
        evaluations.evaluation_close,
        name="evaluation_close",
    ),
    path(
        "contrats/<int:pk>/evaluations/<int:year>/rapport.pdf",
        evaluations.evaluation_report,
        name="evaluation_report",
    ),
    path("contrats/<int:pk>/versements/", payments.contract_payments, name="payments"),
    path("contrats/<int:pk>/jalons/", contract_life.milestone_mark, name="milestone_mark"),
    path(
        "contrats/<int:pk>/resiliation/simulation/",
        contract_life.termination_preview,
        name="termination_preview",
    ),
    path("versements/en-retard/", payments.late_payments, name="late_payments"),
    path("reprise/", reprise.reprise, name="reprise"),
    path("projets/<int:project_pk>/membres/", roster.roster, name="roster"),
    path(
        "projets/<int:project_pk>/membres/<int:member_pk>/",
        roster.roster_member,
        name="roster_member",
    ),
    path(
        "projets/<int:project_pk>/membres/<int:member_pk>/depart/",
        roster.roster_departure,
        name="roster_departure",
    ),
]
