"""The database every test starts from, and the Hypothesis settings.

The shipped knowledge base is loaded once per run, right after the test database is made
(`django_db_setup`); each test runs in a transaction that is rolled back at its end, so no test
sees another's changes. A test that must not see the knowledge base asks for `reference_data`
(the regions and instrument types only) or `empty_database` (nothing but what migrations make);
both delete rows inside the test's own transaction, which the rollback puts back.

The browser journeys (tests/e2e) use transactional tests, which empty the database after each
test; they load what they need themselves (`site_data`).
"""

import os

import pytest
from django.db import connection
from hypothesis import settings as hypothesis_settings

# The same examples on every CI run (CI=true), so a failure there comes back when run again;
# locally Hypothesis keeps exploring new examples. This replaces Hypothesis's own "ci" profile,
# which also turns the too_slow health check off: here every health check stays on.
hypothesis_settings.register_profile(
    "ci",
    hypothesis_settings.get_profile("default"),
    derandomize=True,
    print_blob=True,
    suppress_health_check=(),
)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database with the shipped knowledge base, loaded as `make run` loads it."""
    from measures.management.commands.load_knowledge_base import load_knowledge_base

    with django_db_blocker.unblock():
        load_knowledge_base()


def delete_every_row(models):
    """Empty the tables of `models` inside the current transaction.

    Plain DELETEs: the ORM's delete would write a history row for every entry it deletes.
    Foreign keys are checked when the transaction ends, so the order does not matter.
    """
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def knowledge_base_models():
    """What the knowledge base adds to the reference data: every table of the measures app but
    the instrument types and stage rules (sources, measures, instruments, mentions, their
    history and many-to-many rows)."""
    from django.apps import apps

    from measures.models import InstrumentType, StageRule

    tables = apps.get_app_config("measures").get_models(include_auto_created=True)
    return [model for model in tables if model not in (InstrumentType, StageRule)]


@pytest.fixture
def knowledge_base(db):
    """The shipped knowledge base (loaded once per run by `django_db_setup`)."""


@pytest.fixture
def reference_data(db, request):
    """The shipped regions and instrument types, without the knowledge base: for tests that
    make their own sources, measures and entries."""
    assert "knowledge_base" not in request.fixturenames, "reference_data removes the knowledge base"
    delete_every_row(knowledge_base_models())


@pytest.fixture
def empty_database(db, request):
    """The database as the migrations leave it: no knowledge base, no regions, no types."""
    from measures.models import InstrumentType, StageRule
    from regions.models import Region

    assert "knowledge_base" not in request.fixturenames, "empty_database removes the knowledge base"
    delete_every_row([*knowledge_base_models(), InstrumentType, StageRule, Region])


@pytest.fixture
def village(db):
    """A unit one level further down than any shipped one: a village of the town 茶卡镇, four
    levels below the province (the region rule must not stop at the depth of today's data)."""
    from tests.factories import make_region

    return make_region(code="632821101201", parent="632821101", name="茶卡村", short_name="茶卡村")


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """Each test starts with no cached page: a new public version makes every earlier one
    stale (clearing the cache would empty a shared Redis database for every other worker)."""
    from measures import changes

    changes._bump()
