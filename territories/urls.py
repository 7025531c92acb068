from django.urls import path

from . import views

app_name = "territories"
urlpatterns = [
    path("communes/", views.commune_search, name="commune_search"),
    path("communes/epci/<int:pk>/", views.epci_communes, name="epci_communes"),
]
