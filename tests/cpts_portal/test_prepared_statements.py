"""PostgreSQL plans a statement once per connection: psycopg prepares what a connection runs
again and again (settings: server-side parameters, `PG_PREPARE_THRESHOLD`)."""

import pytest
from django.db import connection

from accounts.models import Organisation

pytestmark = pytest.mark.django_db


def prepared_organisation_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall() if "accounts_organisation" in row[0]]


def test_a_statement_run_again_and_again_is_prepared_with_its_values_as_parameters():
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    for name in range(threshold):
        list(Organisation.objects.filter(name=str(name)).values_list("pk"))
    assert prepared_organisation_statements() == []

    for name in range(2):
        list(Organisation.objects.filter(name=str(name)).values_list("pk"))
    [statement] = prepared_organisation_statements()
    assert '"name" = $1' in statement  # one plan, whatever the name
