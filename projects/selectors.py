"""Read side: which projects a person may see."""

from .models import Project


def visible_projects(user):
    qs = Project.objects.select_related("departement__region")
    if not (user and user.is_authenticated and user.is_active):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.is_institution:
        scope = user.organisation.project_scope()
        return qs.filter(scope) if scope is not None else qs.none()
    return qs.filter(members__user=user)
