from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from common.errors import UserError

from . import signup as service
from .forms import PasswordResetForm, SignupForm
from .throttling import rate_limited


@rate_limited("signup", "CPTS_SIGNUPS_PER_ADDRESS_PER_HOUR")
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service.sign_up(
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            password=data["password1"],
            link_for=lambda uid, token: request.build_absolute_uri(
                reverse("activate", args=[uid, token])
            ),
        )
        return redirect("signup_done")
    return render(request, "registration/signup.html", {"form": form})


def signup_done(request):
    return render(request, "registration/signup_done.html")


@require_http_methods(["GET", "POST"])
def activate(request, uidb64, token):
    """GET shows a button (a link opened by a mail scanner activates nothing); POST activates."""
    try:
        if request.method == "POST":
            service.activate(uidb64, token)
            messages.success(request, "Compte activé : vous pouvez vous connecter.")
            return redirect("login")
        service.user_for_link(uidb64, token)
    except UserError as error:
        messages.error(request, str(error))
        return redirect("signup")
    return render(request, "registration/activate.html")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
