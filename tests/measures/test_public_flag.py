"""Each entry keeps whether the public may see it, so that public lists and counts read one
column; after every kind of write the stored flag agrees with the rule (`PUBLIC_ENTRY`) and
with what the public pages show."""

import pytest
from django.contrib.auth import get_user_model

from measures.ingest.articles import import_article
from measures.models import PUBLIC_ENTRY, Measure, Mention, Source
from measures.publishing import publish_source, set_status
from tests.measures.test_publishing import SLUG, revised_text

pytestmark = pytest.mark.django_db


def assert_flag_follows_the_rule():
    stored = set(Mention.objects.published().values_list("pk", flat=True))
    by_rule = set(Mention.objects.filter(PUBLIC_ENTRY).values_list("pk", flat=True))
    assert stored == by_rule


def listed(client):
    """The count of mentions the public list states (beside its count of instruments)."""
    return client.get("/instruments/").context["listing"].mention_count


@pytest.fixture
def publisher(db):
    return get_user_model().objects.create_superuser("publisher", password="x")


def test_the_shipped_knowledge_base_is_public_as_loaded(knowledge_base, client):
    assert_flag_follows_the_rule()
    context = client.get("/instruments/").context
    assert context["listing"].mention_count == Mention.objects.count() == 90
    assert context["page"].paginator.count == 87


def test_an_entry_saved_as_a_draft_leaves_the_public_pages(knowledge_base, client):
    entry = Mention.objects.get(measure__slug="reform-1", name="大气污染防治条例")
    entry.status = Mention.Status.DRAFT
    entry.save()

    assert entry.public is False
    assert_flag_follows_the_rule()
    assert listed(client) == 89
    assert client.get(entry.get_absolute_url()).status_code == 404


def test_unpublishing_a_measure_hides_its_entries_and_publishing_it_shows_them(
    knowledge_base, client, publisher
):
    measure = Measure.objects.get(slug="reform-1")
    count = measure.mentions.count()

    set_status([measure], Measure.Status.DRAFT, user=publisher)
    assert_flag_follows_the_rule()
    assert listed(client) == 90 - count

    set_status([measure], Measure.Status.PUBLISHED, user=publisher)
    assert_flag_follows_the_rule()
    assert listed(client) == 90


def test_unpublishing_the_source_hides_every_entry(knowledge_base, client, publisher):
    set_status([Source.objects.get(slug=SLUG)], Source.Status.DRAFT, user=publisher)

    assert_flag_follows_the_rule()
    assert listed(client) == 0


def test_an_imported_article_stays_out_until_published_and_its_new_version_replaces_it(
    knowledge_base, client, publisher
):
    import_article(text=revised_text(), new_version_of=Source.objects.get(slug=SLUG))
    assert_flag_follows_the_rule()
    assert listed(client) == 90

    publish_source(Source.objects.get(slug=f"{SLUG}-v2"), user=publisher)

    assert_flag_follows_the_rule()
    # One document renamed and one entry added, which waits for review as a draft.
    assert listed(client) == 89
    assert not Mention.objects.published().filter(measure__source__slug=SLUG).exists()
