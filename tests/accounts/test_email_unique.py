"""One account per e-mail address, whatever its case; the migration adding the rule names the
accounts that share one and stops instead of choosing."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("accounts.migrations.0005_user_email_unique_case_insensitive")


def test_two_accounts_never_share_an_address_whatever_its_case():
    UserFactory(email="jeanne@exemple.fr")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="Jeanne@Exemple.FR")
    UserFactory(email=""), UserFactory(email="")  # no address: as many as needed


def test_the_migration_names_the_accounts_sharing_an_address_and_stops():
    constraint = next(c for c in User._meta.constraints if c.name == "user_email_ci_unique")
    with connection.schema_editor() as editor:  # rolled back with the test (transactional DDL)
        editor.remove_constraint(User, constraint)
    UserFactory(username="jeanne", email="Jeanne@exemple.fr")
    UserFactory(username="jeanne2", email="jeanne@EXEMPLE.fr")
    UserFactory(username="paul", email="paul@exemple.fr")
    with pytest.raises(RuntimeError, match="jeanne@exemple.fr: jeanne, jeanne2") as refused:
        MIGRATION.refuse_duplicates(apps, None)
    assert "paul" not in str(refused.value)


def test_the_migration_passes_without_duplicates():
    UserFactory(email="jeanne@exemple.fr"), UserFactory(email="paul@exemple.fr")
    MIGRATION.refuse_duplicates(apps, None)
