"""Production settings, login throttling, CSP, passwords."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "a-real-secret-" + "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "cpts.sante.example.fr",
}


def manage(*args, env):
    # The browser tests allow async-unsafe calls in this process; production never does.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_with_the_default_secret():
    result = manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_out(client, settings):
    settings.AXES_ENABLED = True
    UserFactory(username="agent")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "agent", "password": "mauvais"})
    response = client.post(
        reverse("login"), {"username": "agent", "password": "mot-de-passe-solide-42"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another person at another address is not locked out.
    UserFactory(username="autre")
    other = client.post(
        reverse("login"),
        {"username": "autre", "password": "mot-de-passe-solide-42"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    response = client.get(reverse("login"))
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in directives["script-src"]
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert scripts, "the DSFR scripts are served from our own static files"
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"])
    for tag in scripts:
        assert 'src="/static/' in tag or (nonce and f'nonce="{nonce.group(1)}"' in tag), tag
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("password", ["12345678901", "motdepasse", "court"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)
