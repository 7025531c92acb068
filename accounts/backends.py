"""Login by username and password (Django's model backend), the person read together with
their organisation: nearly every page asks for it (scope, menus), a second query per request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ModelBackendWithOrganisation(ModelBackend):
    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("organisation")
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
