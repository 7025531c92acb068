"""Login by username and password (Django's model backend), the person read together with
their organisation: nearly every page asks for it (scope, menus), in one plain SQL query (see
`accounts.plain_reads`)."""

from django.contrib.auth.backends import ModelBackend

from .plain_reads import user_with_organisation


class ModelBackendWithOrganisation(ModelBackend):
    def get_user(self, user_id):
        user = user_with_organisation(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
