from django import forms
from django.contrib.auth.forms import UserCreationForm
from dsfr.forms import DsfrBaseForm

from .models import User


class SignupForm(UserCreationForm, DsfrBaseForm):
    """Project leaders sign up themselves; institution accounts are created by an administrator."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(label="Adresse électronique")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Un compte existe déjà avec cette adresse.")
        return email
