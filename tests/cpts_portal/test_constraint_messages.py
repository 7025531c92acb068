"""Every database rule of our apps says what it requires, in French: the admin shows a
constraint's `violation_error_message` when a change breaks it, and Django's default only
names the constraint ("La contrainte « funding_x_check » n'est pas respectée.")."""

from pathlib import Path

from django.apps import apps
from django.conf import settings


def _ours(app_config) -> bool:
    path = Path(app_config.path).resolve()
    return path.is_relative_to(Path(settings.BASE_DIR).resolve()) and "site-packages" not in str(
        path
    )


def test_every_constraint_of_our_apps_has_its_own_message():
    ours = [app for app in apps.get_app_configs() if _ours(app)]
    constraints = [
        (model, constraint)
        for app in ours
        for model in app.get_models()
        for constraint in model._meta.constraints
    ]
    raw = [
        f"{model._meta.label}: {constraint.name}"
        for model, constraint in constraints
        if constraint.violation_error_message == constraint.default_violation_error_message
        or str(constraint.violation_error_message).startswith(("Constraint", "La contrainte"))
    ]
    assert raw == [], "give these a violation_error_message in French:\n" + "\n".join(raw)
    assert {"accounts", "projects", "funding", "reminders"} <= {app.label for app in ours}
    assert len(constraints) >= 80  # the walk reached them
