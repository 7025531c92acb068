from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render

from common.messages import attempt

from . import services
from .forms import SignupForm


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data, user = form.cleaned_data, None

        def sign_up():
            nonlocal user
            user = services.sign_up(
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                password=data["password1"],
            )

        if attempt(request, sign_up):
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Compte créé. Vous pouvez créer votre projet de CPTS.")
            return redirect("projects:list")
    return render(request, "registration/signup.html", {"form": form})
