from django.urls import path

from . import views

urlpatterns = [
    path("inscription/", views.signup, name="signup"),
    path("inscription/envoyee/", views.signup_done, name="signup_done"),
    path("activer/<str:uidb64>/<str:token>/", views.activate, name="activate"),
    # Before django.contrib.auth.urls (same prefix): the reset link goes through the outbox.
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
]
