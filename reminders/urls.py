from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("", views.deadline_list, name="list"),
    path("calendrier/nouvelle-adresse/", views.regenerate_feed, name="regenerate_feed"),
    path("calendrier/<str:secret>.ics", views.calendar_feed, name="feed"),
]
