from django.urls import path

from . import auth_views, views
from .oidc import views as oidc_views

# "login" and "logout" come before django.contrib.auth.urls (same paths): these win.
urlpatterns = [
    path("inscription/", views.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", oidc_views.logout, name="logout"),
    path("second-facteur/", auth_views.second_factor_page, name="second_factor"),
    path("demandes/", auth_views.pending_accounts, name="pending_accounts"),
    path("demandes/<int:pk>/valider/", auth_views.approve_account, name="approve_account"),
    path("demandes/<int:pk>/refuser/", auth_views.refuse_account, name="refuse_account"),
    path("oidc/<slug:provider>/connexion/", oidc_views.start, name="oidc_start"),
    path("oidc/<slug:provider>/retour/", oidc_views.callback, name="oidc_callback"),
    path("oidc/<slug:provider>/deconnecte/", oidc_views.logged_out, name="oidc_logged_out"),
    path("inscription/envoyee/", views.signup_done, name="signup_done"),
    path("activer/<str:uidb64>/<str:token>/", views.activate, name="activate"),
    # Before django.contrib.auth.urls (same prefix): the reset link goes through the outbox.
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
]
