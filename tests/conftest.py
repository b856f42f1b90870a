import pytest
from django.core.management import call_command


@pytest.fixture
def reference_data(db):
    """The shipped regions and instrument types."""
    call_command("loaddata", "regions", "instrument_types", verbosity=0)


@pytest.fixture
def village(reference_data):
    """A unit one level further down than any shipped one: a village of the town 茶卡镇, four
    levels below the province (the region rule must not stop at the depth of today's data)."""
    from tests.factories import make_region

    return make_region(code="632821101201", parent="632821101", name="茶卡村", short_name="茶卡村")


@pytest.fixture
def knowledge_base(db):
    """The shipped knowledge base, loaded as `make run` loads it."""
    from measures.management.commands.load_knowledge_base import load_knowledge_base

    load_knowledge_base()
