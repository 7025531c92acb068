from django.urls import path

from . import views

app_name = "funding"
urlpatterns = [
    path("simulateur/", views.simulator, name="simulator"),
    path("grilles/", views.grids, name="grids"),
    path("contrats/", views.contract_list, name="contracts"),
    path("contrats/droits/", views.entitlements_export, name="entitlements_export"),
    path("contrats/<int:pk>/", views.contract_detail, name="contract"),
    path("contrats/<int:pk>/contrat.pdf", views.contract_pdf, name="contract_pdf"),
    path("contrats/<int:pk>/signature/", views.contract_sign, name="contract_sign"),
    path("contrats/<int:pk>/mission/", views.mission_start, name="mission_start"),
    path("contrats/<int:pk>/indicateur/", views.indicator_add, name="indicator_add"),
    path("contrats/<int:pk>/resiliation/", views.contract_terminate, name="contract_terminate"),
    path("contrats/<int:pk>/resultats/<int:year>/", views.results, name="results"),
    path("projets/<int:project_pk>/contrat/", views.contract_create, name="contract_create"),
    path("projets/<int:project_pk>/pre-aci/", views.pre_aci_grant, name="pre_aci_grant"),
    path("projets/<int:project_pk>/fir/", views.fir_grant, name="fir_grant"),
    path("crises/", views.crises, name="crises"),
]
