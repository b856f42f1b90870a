import pytest
from django.core.management import call_command


@pytest.fixture
def reference_data(db):
    """The shipped regions and instrument types."""
    call_command("loaddata", "regions", "instrument_types", verbosity=0)


@pytest.fixture
def knowledge_base(db):
    """The shipped knowledge base, loaded as `make run` loads it."""
    from measures.management.commands.load_knowledge_base import load_knowledge_base

    load_knowledge_base()
