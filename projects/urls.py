from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.ProjectListView.as_view(), name="list"),
    path("nouveau/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/lettre-intention/", views.letter_edit, name="letter"),
    path("<int:pk>/lettre-intention/depot/", views.letter_submit, name="letter_submit"),
    path("<int:pk>/association/", views.association_edit, name="association"),
    path("<int:pk>/projet-de-sante/", views.health_project_edit, name="health_project"),
    path(
        "<int:pk>/projet-de-sante/depot/",
        views.health_project_submit,
        name="health_project_submit",
    ),
    path("<int:pk>/accuse-reception/<str:kind>/", views.acknowledgment, name="acknowledgment"),
    path(
        "<int:pk>/accuse-reception/<str:kind>.pdf",
        views.acknowledgment_pdf,
        name="acknowledgment_pdf",
    ),
    path(
        "<int:pk>/attestation-validation-implicite.pdf",
        views.implicit_attestation_pdf,
        name="implicit_attestation",
    ),
    path("<int:pk>/decision/<str:kind>.pdf", views.decision_letter_pdf, name="decision_letter"),
    path("<int:pk>/statuts/", views.statutes_download, name="statutes"),
    path("<int:pk>/pieces/ajouter/", views.attachment_add, name="attachment_add"),
    path(
        "<int:pk>/pieces/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<int:pk>/action/<str:name>/", views.project_action, name="action"),
    path("<int:pk>/messages/", views.message_thread, name="messages"),
    path("<int:pk>/inviter/", views.invite, name="invite"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation"),
    path("comites/", views.committee_list, name="committees"),
    path("comites/nouveau/", views.committee_create, name="committee_create"),
    path("comites/calendrier.ics", views.committee_ics, name="committee_ics"),
    path("comites/<int:pk>/", views.committee_detail, name="committee"),
    path(
        "comites/<int:pk>/avis/<int:project_pk>/",
        views.committee_opinion,
        name="committee_opinion",
    ),
    path("comites/<int:pk>/cloture/", views.committee_close, name="committee_close"),
    path(
        "comites/<int:pk>/compte-rendu.pdf",
        views.committee_minutes_pdf,
        name="committee_minutes",
    ),
]
