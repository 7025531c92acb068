"""The one way a view runs a service: refusals become messages the person can act on."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied

from .errors import UserError

DENIED = "Vous n'avez pas le droit d'effectuer cette action."


def attempt(request, action, success: str = "") -> bool:
    """Run `action()`; on a UserError or a refusal show its message and return False."""
    try:
        action()
    except UserError as exc:
        messages.error(request, str(exc))
        return False
    except PermissionDenied as exc:
        messages.error(request, str(exc) or DENIED)
        return False
    if success:
        messages.success(request, success)
    return True


def form_errors_text(form) -> str:
    """A form's errors in one French sentence, each under its field's label (« Signé le : … »),
    never under the field's code (`form.errors.as_text()` says « signed_on »)."""
    parts = []
    for name, errors in form.errors.items():
        text = " ".join(str(e) for e in errors)
        parts.append(f"{form[name].label} : {text}" if name in form.fields else text)
    return " ; ".join(parts)
