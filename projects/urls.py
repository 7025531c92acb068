from django.urls import path

from .views import (
    committees,
    dashboard,
    documents,
    exchanges,
    existing,
    files,
    project,
    territory,
)

app_name = "projects"
urlpatterns = [
    path("", dashboard.ProjectListView.as_view(), name="list"),
    path("nouveau/", dashboard.project_create, name="create"),
    path("<int:pk>/", project.project_detail, name="detail"),
    path("<int:pk>/lettre-intention/", files.letter_edit, name="letter"),
    path("<int:pk>/lettre-intention/depot/", files.letter_submit, name="letter_submit"),
    path("<int:pk>/association/", files.association_edit, name="association"),
    path("<int:pk>/projet-de-sante/", files.health_project_edit, name="health_project"),
    path(
        "<int:pk>/projet-de-sante/depot/",
        files.health_project_submit,
        name="health_project_submit",
    ),
    path("<int:pk>/accuse-reception/<str:kind>/", documents.acknowledgment, name="acknowledgment"),
    path(
        "<int:pk>/accuse-reception/<str:kind>.pdf",
        documents.acknowledgment_pdf,
        name="acknowledgment_pdf",
    ),
    path(
        "<int:pk>/attestation-validation-implicite.pdf",
        documents.implicit_attestation_pdf,
        name="implicit_attestation",
    ),
    path("<int:pk>/decision/<str:kind>.pdf", documents.decision_letter_pdf, name="decision_letter"),
    path("<int:pk>/statuts/", files.statutes_download, name="statutes"),
    path("<int:pk>/pieces/ajouter/", files.attachment_add, name="attachment_add"),
    path(
        "<int:pk>/pieces/<int:attachment_pk>/",
        files.attachment_download,
        name="attachment",
    ),
    path("<int:pk>/action/<str:name>/", project.project_action, name="action"),
    path("<int:pk>/territoire/", territory.territory, name="territory"),
    path("<int:pk>/territoire/apercu/", territory.territory_preview, name="territory_preview"),
    path("<int:pk>/territoire/carte.svg", territory.project_map_svg, name="territory_map"),
    path("territoires/", territory.index, name="territories"),
    path("territoires/carte/", territory.institution_map, name="institution_map"),
    path("<int:pk>/messages/", exchanges.message_thread, name="messages"),
    path("<int:pk>/inviter/", exchanges.invite, name="invite"),
    path("<int:pk>/premier-porteur/", existing.first_leader, name="first_leader"),
    path("invitation/<str:token>/", exchanges.invitation_accept, name="invitation"),
    path("comites/", committees.committee_list, name="committees"),
    path("comites/nouveau/", committees.committee_create, name="committee_create"),
    path("comites/calendrier.ics", committees.committee_ics, name="committee_ics"),
    path("comites/<int:pk>/", committees.committee_detail, name="committee"),
    path(
        "comites/<int:pk>/avis/<int:project_pk>/",
        committees.committee_opinion,
        name="committee_opinion",
    ),
    path("comites/<int:pk>/cloture/", committees.committee_close, name="committee_close"),
    path(
        "comites/<int:pk>/compte-rendu.pdf",
        committees.committee_minutes_pdf,
        name="committee_minutes",
    ),
]
