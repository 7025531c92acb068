from django import forms
from django.contrib.auth import forms as auth_forms
from django.template.loader import render_to_string
from dsfr.forms import DsfrBaseForm

from outbox.services import enqueue_mail

from .models import User


class SignupForm(auth_forms.BaseUserCreationForm, DsfrBaseForm):
    """Project leaders sign up themselves; institution accounts are created by an administrator.

    Whether the username or the e-mail is taken is never said here (`accounts.signup`)."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(label="Adresse électronique")

    class Meta(auth_forms.BaseUserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email")

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self):
        """Uniqueness is the service's business: an error here would tell who has an account."""

    def _get_validation_exclusions(self):
        # Nor the address's constraint (one account per address, whatever its case).
        return super()._get_validation_exclusions() | {"email"}


class PasswordResetForm(auth_forms.PasswordResetForm):
    """The link goes through the outbox: the answer takes as long whether the address is known,
    and a mail server that is down loses nothing."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = render_to_string(subject_template_name, context)
        enqueue_mail(subject, render_to_string(email_template_name, context), [to_email])
