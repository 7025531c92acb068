"""Institution staff logging in with a password enter a TOTP code; provider logins do not."""

import binascii
import time

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.auth_views import TOTP_KEY_SESSION_KEY
from accounts.models import OrganisationKind
from audit.models import AuditEntry
from tests.cpts_portal.test_security import PRODUCTION_ENV, manage
from tests.factories import OrganisationFactory, UserFactory
from tests.world import institution_user

from .conftest import login_through

pytestmark = pytest.mark.django_db
PASSWORD = "mot-de-passe-solide-42"


@pytest.fixture
def two_factor(settings):
    settings.CPTS_PASSWORD_2FA = True


def code(key, offset=0):
    totp = TOTP(binascii.unhexlify(key))
    totp.time = time.time() + offset * totp.step
    return f"{totp.token():06d}"


def owes_code(client) -> bool:
    page = client.get(reverse("projects:list"))
    return page.status_code == 302 and page["Location"].startswith(reverse("second_factor"))


def password_login(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password was accepted"
    return client


def test_staff_enrol_an_app_then_reach_their_pages(client, two_factor):
    agent = institution_user(OrganisationKind.CPAM)
    password_login(client, agent)
    wanted = client.get("/projets/")
    assert wanted.status_code == 302 and wanted["Location"].startswith(reverse("second_factor"))
    page = client.get(wanted["Location"])
    assert "<svg" in page.content.decode() and page.context["secret"]
    key = client.session[TOTP_KEY_SESSION_KEY]
    assert not TOTPDevice.objects.exists(), "nothing stored before a right code"

    wrong = client.post(reverse("second_factor"), {"token": "000000", "next": "/projets/"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.exists()
    done = client.post(reverse("second_factor"), {"token": code(key), "next": "/projets/"})
    assert done.status_code == 302 and done["Location"] == "/projets/"
    assert client.get("/projets/").status_code == 200
    assert TOTPDevice.objects.filter(user=agent, confirmed=True).count() == 1
    assert AuditEntry.objects.filter(action="accounts.totp_enrol", actor=agent).exists()


def test_next_logins_ask_the_code_and_refuse_a_wrong_one(client, two_factor):
    user = UserFactory(is_staff=True)  # an administrator of the portal, no organisation
    key = TOTPDevice.objects.create(user=user, name="app").key
    password_login(client, user)
    assert owes_code(client)
    wrong = client.post(reverse("second_factor"), {"token": "12345"})
    assert wrong.status_code == 400 and "Code incorrect" in wrong.content.decode()
    assert owes_code(client)
    # A second app cannot be slipped in with the password alone.
    assert "<svg" not in client.get(reverse("second_factor")).content.decode()
    with time_machine.travel(time.time() + 5):  # after a failure, django-otp waits a second
        right = client.post(reverse("second_factor"), {"token": code(key)})
    assert right.status_code == 302
    assert not owes_code(client)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_repeated_wrong_codes_are_throttled(client, two_factor):
    user = institution_user(OrganisationKind.ARS_DD)
    key = TOTPDevice.objects.create(user=user, name="app").key
    password_login(client, user)
    for _ in range(3):
        client.post(reverse("second_factor"), {"token": "000000"})
    throttled = client.post(reverse("second_factor"), {"token": code(key)})
    assert throttled.status_code == 400 and "Trop d" in throttled.content.decode()


def test_leaders_and_provider_logins_need_no_code(client, two_factor, providers):
    password_login(client, UserFactory())
    assert client.get(reverse("projects:list")).status_code == 200
    client.logout()
    agent = UserFactory(organisation=OrganisationFactory(siret="13002526500013"))
    providers["proconnect"].identity = {
        "sub": "s",
        "email": agent.email,
        "siret": "13002526500013",
    }
    assert login_through(client, providers["proconnect"], "proconnect").status_code == 302
    assert client.get(reverse("projects:list")).status_code == 200


def test_off_when_the_setting_says_so(client, settings):
    settings.CPTS_PASSWORD_2FA = False
    password_login(client, institution_user(OrganisationKind.MSA))
    assert client.get(reverse("projects:list")).status_code == 200
    assert client.get(reverse("second_factor")).status_code == 302


def test_on_by_default_in_production_off_for_the_demo():
    def setting(env):
        show = "from django.conf import settings; print(settings.CPTS_PASSWORD_2FA)"
        return manage("shell", "-c", show, env=env).stdout.split()[-1]

    assert setting(PRODUCTION_ENV) == "True"
    assert setting({"DJANGO_ENV": "development"}) == "False"
    assert setting({**PRODUCTION_ENV, "CPTS_PASSWORD_2FA": "0"}) == "False"
