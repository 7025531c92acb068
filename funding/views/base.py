"""What the funding pages share: the funding roles, the contract as the person may see it,
posted forms run through the one message helper, the confirmation of final acts, the export
format asked for, entitlement rows."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from common import exports
from common.messages import attempt, form_errors_text

from ..permissions import may_use_contracts, visible_contracts
from ..presentation import PART_LABELS, line_label


def require_funding_role(user) -> None:
    if not may_use_contracts(user):
        raise PermissionDenied("Les financements ne sont pas accessibles à votre organisation.")


def contract_or_404(request, pk):
    require_funding_role(request.user)
    # Another territory's contract does not exist for this person.
    return get_object_or_404(visible_contracts(request.user), pk=pk)


def to_contract(contract):
    return redirect("funding:contract", pk=contract.pk)


def submit(request, form, action, success: str = "Enregistré.") -> bool:
    """Run `action(cleaned_data)` when the form is valid; an invalid form or a refusal becomes
    a message and nothing is saved."""
    if not form.is_valid():
        messages.error(request, "Formulaire incomplet : " + form_errors_text(form))
        return False
    return attempt(request, lambda: action(form.cleaned_data), success)


def confirming(request, form) -> bool:
    """A valid form posted without `confirmed`: the act is final, its confirmation page comes
    first and nothing is written yet."""
    return form.is_valid() and not request.POST.get("confirmed")


def confirmation(request, form, project, title, lines, *, back, button, final=""):
    """The page asking to confirm a final act: `lines` (label, value) say what will be recorded,
    the form's fields are posted again, hidden, with `confirmed`; `back`: (label, URL) of the
    page Cancel returns to; `button`: the id of the confirm button; `final`: why it is final
    (by default: neither changed nor deleted)."""
    back_label, back_url = back
    context = {
        "project": project, "form": form, "title": title, "lines": lines, "final": final,
        "back_label": back_label, "back_url": back_url, "button_id": button,
    }  # fmt: skip
    return render(request, "funding/confirm.html", context)


def export_format(request, default=None) -> str | None:
    """The `?_export=` format asked for, if it is one we write."""
    fmt = request.GET.get("_export", default)
    return fmt if fmt in exports.FORMATS else None


def table_rows(grid, lines) -> list[dict]:
    """Entitlement lines as the simulator and the contract page show them."""
    return [
        {
            "label": line_label(grid, x.mission, x.part),
            "mission": x.mission,
            "part": PART_LABELS[x.part],
            "amount": x.amount,
            "maximum": x.maximum,
            "to_confirm": x.to_confirm,
        }
        for x in lines
    ]
