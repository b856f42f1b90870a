import pytest
from django.core.management import call_command


@pytest.fixture
def reference_data(db):
    """The shipped regions and instrument types."""
    call_command("loaddata", "regions", "instrument_types", verbosity=0)
