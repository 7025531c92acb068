from django.urls import path

from . import views

app_name = "territories"
urlpatterns = [
    path("", views.index, name="index"),
    path("carte/", views.institution_map, name="institution_map"),
    path("communes/", views.commune_search, name="commune_search"),
    path("communes/epci/<int:pk>/", views.epci_communes, name="epci_communes"),
    path("projets/<int:pk>/", views.territory, name="project"),
    path("projets/<int:pk>/apercu/", views.territory_preview, name="preview"),
    path("projets/<int:pk>/carte.svg", views.project_map_svg, name="project_map"),
]
