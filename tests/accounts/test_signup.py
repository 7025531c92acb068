"""Sign-up and password reset say the same whoever has an account; the mailbox tells the rest."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEntry
from outbox.services import deliver_due
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "un-mot-de-passe-long-2026"


def sign_up(client, username="jdupont", email="jeanne@example.org"):
    data = {
        "username": username,
        "first_name": "Jeanne",
        "last_name": "Dupont",
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    response = client.post(reverse("signup"), data, follow=True)
    deliver_due()  # the worker's part
    return response


def page(response):
    """What the person sees, without the per-request CSRF token."""
    return re.sub(r'value="[^"]+"', "", response.content.decode())


def activation_link(message):
    return re.search(r"http://testserver(/accounts/activer/\S+/)", message.body).group(1)


def test_the_same_answer_whoever_has_an_account(client):
    UserFactory(username="pris", email="prise@example.org")
    new = sign_up(client)
    taken_email = sign_up(client, username="autre", email="PRISE@example.org")
    taken_username = sign_up(client, username="PRIS", email="libre@example.org")
    assert new.redirect_chain == taken_email.redirect_chain == taken_username.redirect_chain
    assert new.redirect_chain == [(reverse("signup_done"), 302)]
    assert page(new) == page(taken_email) == page(taken_username)
    assert set(User.objects.values_list("username", flat=True)) == {"pris", "jdupont"}
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["jeanne@example.org"], "Activez votre compte sur le Portail CPTS"),
        (["prise@example.org"], "Vous avez déjà un compte sur le Portail CPTS"),
        (["libre@example.org"], "Votre inscription sur le Portail CPTS n'a pas abouti"),
    ]
    assert (
        "identifiant : pris" in mail.outbox[1].body and "Mot de passe oublié" in mail.outbox[1].body
    )


def test_an_account_works_once_activated_from_its_mail(client):
    sign_up(client)
    user = User.objects.get(username="jdupont")
    assert not user.is_active and user.organisation is None and not user.is_staff
    assert AuditEntry.objects.filter(action="accounts.signup", target_id=user.pk).exists()
    assert not client.login(username="jdupont", password=PASSWORD)  # not before activation
    link = activation_link(mail.outbox[0])
    assert client.get(link).status_code == 200  # a GET (a mail scanner) activates nothing
    user.refresh_from_db()
    assert not user.is_active
    assert client.post(link).url == reverse("login")
    assert client.login(username="jdupont", password=PASSWORD)
    assert client.get(reverse("projects:create")).status_code == 200
    client.logout()
    response = client.post(link, follow=True)  # used: the login changed the token
    assert "pas valide" in response.content.decode()


def test_signing_up_again_before_activating_sends_a_fresh_link(client):
    sign_up(client)
    sign_up(client, username="jdupont2")
    assert [m.subject for m in mail.outbox] == ["Activez votre compte sur le Portail CPTS"] * 2
    assert "identifiant : jdupont" in mail.outbox[1].body
    assert User.objects.count() == 1


def test_a_forged_or_disabled_link_activates_nothing(client):
    disabled = UserFactory(is_active=False)
    User.objects.filter(pk=disabled.pk).update(last_login="2026-01-01T10:00Z")  # was used
    sign_up(client)
    good = activation_link(mail.outbox[0])
    forged = good.replace(good.split("/")[-2], "abc-123")
    uid = re.search(r"activer/([^/]+)/", good).group(1)
    other_uid = good.replace(uid, "MTIzNDU2Nzg5")
    for link in (forged, other_uid, "/accounts/activer/%%%/x/"):
        response = client.post(link, follow=True)
        assert "pas valide" in response.content.decode()
    assert not User.objects.filter(is_active=True).exists()


def test_password_reset_says_the_same_and_mails_a_working_link(client):
    user = UserFactory(email="leader@example.org")
    known = client.post(reverse("password_reset"), {"email": "leader@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "personne@example.org"})
    assert known.status_code == unknown.status_code == 302 and known.url == unknown.url
    assert mail.outbox == []  # written to the outbox, sent by the worker
    assert deliver_due() == 1 and mail.outbox[0].to == ["leader@example.org"]
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert "Choisir un nouveau mot de passe" in response.content.decode()
    client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "nouveau-mot-de-passe-77", "new_password2": "nouveau-mot-de-passe-77"},
    )
    user.refresh_from_db()
    assert user.check_password("nouveau-mot-de-passe-77")
