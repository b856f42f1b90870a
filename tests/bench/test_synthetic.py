"""Synthetic data at scale: the generator, and the list, facets and exports over many entries."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Q
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from bench.pages import synthetic_count_sql
from bench.synthetic import (
    Generator,
    SyntheticDataError,
    seed_synthetic,
    synthetic_mentions,
    synthetic_sources,
)
from measures import changes, summary
from measures.browse import exports
from measures.browse.filters import MentionFilter
from measures.browse.listing import MentionListing
from measures.browse.querystrings import toggled
from measures.models import InstrumentType, Measure, Mention, Source
from regions.models import Region

pytestmark = pytest.mark.django_db

PREFECTURES = {"630100", "630200", "632200", "632300", "632500", "632600", "632700", "632800"}


def rows(seed):
    """What a reader sees of each synthetic entry, in key order."""
    return list(
        synthetic_mentions(seed)
        .order_by("key")
        .values_list(
            "key",
            "name",
            "region__code",
            "type__slug",
            "action",
            "quote",
            "start",
            "measure__slug",
        )
    )


@pytest.fixture
def seeded(reference_data):
    """300 entries over three sources."""
    seed_synthetic(mentions=300, seed=7, per_source=100)


# The generator -----------------------------------------------------------------------------------


def test_data_seeded_with_articles_newer_than_the_knowledge_bases_is_seeded_again(knowledge_base):
    """The benchmark counts such data as absent (`synthetic_count_sql`), so it seeds afresh."""
    seed_synthetic(mentions=30, seed=3, per_source=10)

    def counted():
        with connection.cursor() as cursor:
            cursor.execute(*synthetic_count_sql(3))
            return cursor.fetchone()[0]

    assert counted() == 30
    Source.objects.filter(slug="synthetic-3-2").update(published_on=date(2025, 1, 1))
    assert counted() == 0


def test_synthetic_articles_are_older_than_the_knowledge_bases_own(knowledge_base):
    """Home and the matrix show the newest article: the knowledge base's, at every size."""
    article = Source.objects.published().newest()
    generator = Generator(
        seed=1, regions=list(Region.objects.all()), types=list(InstrumentType.objects.all())
    )
    dates = [generator.source(number, 1).source.published_on for number in range(1, 3001)]
    assert max(dates) < article.published_on
    assert len(set(dates)) > 1000


def test_the_same_seed_gives_the_same_rows_and_another_seed_others(seeded):
    first = rows(7)
    seed_synthetic(mentions=300, seed=7, per_source=100, replace=True)
    assert rows(7) == first

    seed_synthetic(mentions=300, seed=8, per_source=100)
    other = rows(8)
    assert len(other) == 300
    assert [row[1:4] for row in other] != [row[1:4] for row in first]


def test_everything_is_marked_synthetic_and_published(seeded):
    sources = synthetic_sources(7)
    assert sources.count() == 3
    for source in sources:
        assert source.slug.startswith("synthetic-7-")
        assert source.publisher == "synthetic"
        assert "【合成数据】" in source.title and "synthetic" in source.title
        assert source.status == Source.Status.PUBLISHED
    entries = synthetic_mentions(7)
    assert entries.count() == 300
    assert set(entries.values_list("notes", flat=True)) == {"synthetic"}
    assert set(entries.values_list("status", flat=True)) == {Mention.Status.PUBLISHED}
    assert all(key.startswith("synthetic-7-") for key in entries.values_list("key", flat=True))
    assert Mention.objects.published().count() == 300


def test_entries_spread_over_sources_measures_and_every_prefecture(seeded):
    for source in synthetic_sources(7):
        measures = source.measures.all()
        assert sorted(measures.values_list("kind", "number")) == sorted(
            [("reform", n) for n in range(1, 10)] + [("direction", n) for n in range(1, 5)]
        )
        assert all(m.slug.startswith(source.slug + "-") for m in measures)
        assert source.measures.filter(mentions__isnull=False).distinct().count() > 5
    regions = Region.objects.linked()
    prefectures = {
        region.prefecture.code
        for region in regions
        if region.prefecture and synthetic_mentions(7).filter(region=region).exists()
    }
    assert prefectures == PREFECTURES


def test_entries_are_valid_and_quote_their_source(seeded):
    rules = {t.slug: t.as_rule() for t in InstrumentType.objects.all()}
    entries = synthetic_mentions(7).select_related("measure__source", "type", "region")
    for entry in entries.order_by("key")[::15]:
        entry.full_clean()
        entry.measure.full_clean()
        entry.measure.source.full_clean()
        text = entry.measure.source.text
        assert text[entry.start : entry.end] == entry.quote
        assert text[entry.name_start : entry.name_end] == entry.name
        # The sentence has the region as its subject, and the type's own rule recognises the name.
        region = entry.region
        assert entry.quote.startswith(region.name if region.is_province else region.short_name)
        assert rules[entry.type.slug].matches(entry.name), (entry.name, entry.type.slug)
        measure = entry.measure
        assert text[measure.start : measure.end] == measure.body
        assert measure.start <= entry.start < entry.end <= measure.end


def test_the_summary_counts_the_seeded_entries_and_keeps_counting_after(seeded):
    # Seeding writes the summary once at the end instead of through the triggers, row by row;
    # the triggers are back afterwards, so the next write is counted too.
    assert summary.differences() == {}
    entry = synthetic_mentions(7).order_by("pk").first()
    entry.status = Mention.Status.DRAFT
    entry.save()
    assert summary.differences() == {}
    total = summary.instrument_counts(scopes=["all"], region_ids=None, type_ids=None)[None]
    assert total == Mention.objects.published().count_instruments()


def test_seeding_a_used_seed_again_is_refused_unless_replaced(seeded):
    seed_synthetic(mentions=50, seed=9)
    with pytest.raises(SyntheticDataError, match="--replace"):
        seed_synthetic(mentions=300, seed=7)
    with pytest.raises(CommandError, match="--replace"):
        call_command("seed_synthetic", "--mentions", "300", "--seed", "7")

    report = seed_synthetic(mentions=120, seed=7, per_source=100, replace=True)

    assert report.replaced == 300
    assert synthetic_mentions(7).count() == 120
    assert synthetic_sources(7).count() == 2
    # Another seed's rows are not touched.
    assert synthetic_mentions(9).count() == 50


def test_a_dry_run_reports_and_writes_nothing(reference_data):
    report = seed_synthetic(mentions=250, seed=3, per_source=100, dry_run=True)

    assert (report.sources, report.measures, report.mentions) == (3, 39, 250)
    assert sum(report.by_region.values()) == 250
    assert not Source.objects.exists()
    assert not Mention.objects.exists()


def test_the_command_needs_the_reference_data(empty_database):
    with pytest.raises(CommandError, match="load_knowledge_base"):
        call_command("seed_synthetic", "--mentions", "10")


def test_the_command_reports_what_it_made(reference_data, capsys):
    call_command("seed_synthetic", "--mentions", "20", "--seed", "4")
    out = capsys.readouterr().out
    assert "Created 20 synthetic entries (seed 4) in 1 sources and 13 measures" in out
    assert Measure.objects.filter(slug__startswith="synthetic-4-1-").count() == 13


# The list at scale ---------------------------------------------------------------------------------

URLS = [
    "/regions/632800/",
    "/regions/",
    "/",
    "/instruments/",
    "/instruments/?page=3",
    "/instruments/?region=632800&type=pilot",
    "/instruments/?q=西宁",
    "/instruments/?q=管理办法&kind=reform",
    "/instruments/?sort=name",
    "/instruments/?sort=-region&page=2",
    "/instruments/?q=西宁&sort=-name",
    "/instruments/export.csv?per=mention",
    "/instruments/export.json?region=632800",
    "/instruments/export.xlsx?type=rule",
]


def queries_for(client, url):
    # The queries of the page as rendered, not served from the page cache (the tests change
    # rows with queryset updates, which send no signal).
    changes.changed()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
        else:
            response.getvalue()
    return len(captured)


def test_the_list_facets_and_exports_need_as_many_queries_for_3000_entries_as_for_300(
    client, reference_data
):
    seed_synthetic(mentions=300, seed=1, per_source=100)
    few = {url: queries_for(client, url) for url in URLS}

    seed_synthetic(mentions=3000, seed=1, per_source=100, replace=True)
    many = {url: queries_for(client, url) for url in URLS}

    assert many == few
    assert Mention.objects.published().count() == 3000


@pytest.mark.parametrize(
    ("query", "per_chunk"),
    [
        # Without filters, the counts are those of the public mentions the stages are read from.
        ("", 2),
        ("?kind=reform", 3),
    ],
)
def test_an_instrument_export_reads_a_few_more_queries_per_chunk_of_rows(
    client, reference_data, monkeypatch, query, per_chunk
):
    """Each chunk of instruments is read with its stages, other names and (when filtered)
    matching mention counts: the same queries per chunk besides the rows' own fetch, whatever
    the chunk holds."""
    monkeypatch.setattr(exports, "CHUNK_SIZE", 100)
    listed = MentionListing(QueryDict(query.lstrip("?")))
    seed_synthetic(mentions=300, seed=1, per_source=100)
    few = queries_for(client, "/instruments/export.csv" + query)
    few_chunks = -(-listed.mentions.count_instruments() // 100)
    seed_synthetic(mentions=1000, seed=1, per_source=100, replace=True)
    many = queries_for(client, "/instruments/export.csv" + query)
    many_chunks = -(-listed.mentions.count_instruments() // 100)

    assert many_chunks > few_chunks
    assert many - few == per_chunk * (many_chunks - few_chunks)


def test_each_facet_is_one_aggregate_query_within_chosen_measures(
    reference_data, django_assert_num_queries
):
    seed_synthetic(mentions=300, seed=1, per_source=100)
    query = QueryDict(
        "region=632800&type=pilot&type=rule&kind=reform&category=demonstration"
        "&measure=synthetic-1-1-reform-1"
    )
    filterset = MentionFilter(query, queryset=Mention.objects.published().for_list())
    assert filterset.is_valid()
    filterset.qs  # noqa: B018 - validates the form and reads the region's units
    filterset._type_categories  # noqa: B018 - the categories of the types, read once
    regions = Region.objects.linked()
    for name in MentionFilter.FACETS:
        # Regions: the units' own, then each level that takes in the units below it.
        with django_assert_num_queries(3 if name == "region" else 1):
            filterset.facet_counts(name, regions=regions)


def test_a_list_reads_the_summarys_cells_added_up_once_per_field(client, reference_data):
    # The total and the mention count read the cells added up by scope, the region facet by
    # region, the category and type facets by type; the kind facet the cells of each kind by
    # scope. Each is a GROUP BY: no cell is read one by one.
    seed_synthetic(mentions=300, seed=1, per_source=100)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/instruments/")
    assert response.status_code == 200
    cells = [q["sql"] for q in queries.captured_queries if "measures_summarycell" in q["sql"]]
    assert len(cells) == 4
    assert all("GROUP BY" in sql for sql in cells)


def test_a_search_reads_its_matches_once_for_every_facet_and_the_totals(
    reference_data, django_assert_num_queries
):
    seed_synthetic(mentions=300, seed=1, per_source=100)
    query = QueryDict(
        "region=632800&type=pilot&type=rule&q=西宁&kind=reform&category=demonstration"
        "&measure=synthetic-1-1-reform-1"
    )
    listing = MentionListing(query)
    listing.filterset.qs  # noqa: B018 - validates the form and looks up what the search names
    listing.filterset._type_categories  # noqa: B018 - the categories of the types, read once
    # The instruments the words name, which decide how the page is read (and so what the
    # matches are read with), and which the page reads anyway.
    listing.filterset.named_instruments  # noqa: B018
    regions = Region.objects.linked()
    with django_assert_num_queries(1):
        for name in MentionFilter.FACETS:
            listing.filterset.facet_counts(name, regions=regions)
        listing.instrument_count  # noqa: B018
        listing.mention_count  # noqa: B018


@pytest.fixture
def many_measures(reference_data):
    """1,200 entries over four sources (52 measures), some of them drafts."""
    seed_synthetic(mentions=1200, seed=5, per_source=300)
    # Drafts, and a source that is not published: neither may count anywhere.
    Mention.objects.filter(pk__in=synthetic_mentions(5).order_by("pk")[:40]).update(
        status=Mention.Status.DRAFT
    )
    Source.objects.filter(slug="synthetic-5-4").update(status=Source.Status.DRAFT)
    # Queryset updates skip save(), which keeps each entry's public flag.
    Mention.objects.refresh_public()


QUERIES = [
    "",
    "region=632800",
    "region=632821&type=pilot",
    "kind=direction",
    "measure=synthetic-5-2-reform-3&measure=synthetic-5-1-direction-2",
    "category=legal&region=630000",
    "q=西宁",
    "q=管理办法",
    "sort=name",
    "sort=-name",
    "sort=region",
    "q=西宁&sort=-type",
]


@pytest.mark.parametrize("query", QUERIES)
def test_every_page_holds_the_rows_of_the_list_in_order(many_measures, query):
    listing = MentionListing(QueryDict(query))
    expected = list(listing.queryset.values_list("pk", flat=True))
    assert expected

    first = listing.page(1)
    assert first.paginator.count == len(expected)
    shown = []
    for number in first.paginator.page_range:
        shown += [entry.pk for entry in MentionListing(QueryDict(query)).page(number)]
    assert shown == expected


@pytest.mark.parametrize("query", QUERIES[:4])
def test_each_facet_count_is_what_its_link_lists(many_measures, query):
    listing = MentionListing(QueryDict(query))
    total = listing.page(1).paginator.count
    for facet in listing.facets:
        # The measure facet offers one article's measures (facet["other_sources"] says how many
        # articles it leaves out); every other facet offers all there are.
        if facet["name"] not in listing.query and not facet["other_sources"]:
            # An instrument mentioned under two measures counts under each, once in the total.
            assert sum(option["count"] for option in facet["options"]) >= total, facet["name"]
        for option in facet["options"]:
            assert option["url"] == toggled(listing.query, facet["name"], option["value"])
            if option["selected"] or facet["name"] in listing.query:
                continue
            followed = MentionListing(QueryDict(option["url"].lstrip("?")))
            assert followed.page(1).paginator.count == option["count"], (facet["name"], option)


SEARCHES = [
    "q=西宁",
    "q=管理办法&kind=direction",
    "q=西宁&region=630100&type=pilot&type=rule",
    "q=管理办法&category=legal&measure=synthetic-5-2-reform-3&measure=synthetic-5-1-direction-2",
    "q=海东&kind=reform&category=legal",
]


@pytest.mark.parametrize("query", SEARCHES)
def test_a_searched_lists_counts_are_the_rows_its_links_give(many_measures, query):
    # Under a search the counts are made from the matches in Python: each is checked against
    # the rows the database gives for the same filters.
    listing = MentionListing(QueryDict(query))
    assert listing.instrument_count == len(listing.queryset) > 0
    assert listing.mention_count == listing.mentions.count()
    for facet in listing.facets:
        for option in facet["options"]:
            # Each option counts the list with the facet's own filter set to it alone.
            alone = listing.query.copy()
            alone.setlist(facet["name"], [option["value"]])
            followed = MentionListing(alone)
            assert len(followed.queryset) == option["count"], (facet["name"], option)


def test_the_region_facet_needs_no_query_for_the_units_that_have_entries(client, reference_data):
    seed_synthetic(mentions=20, seed=2)
    # A town's prefecture's parent is the province: walking up to it must not cost a query.
    town = Region.objects.get(code="632821101")
    without_town = Mention.objects.exclude(region=town)

    def queries():
        return queries_for(client, "/instruments/?type=pilot&type=rule&type=mechanism")

    Mention.objects.filter(region=town).update(region=Region.objects.get(code="632800"))
    assert without_town.count() == 20
    few = queries()
    Mention.objects.filter(pk__in=synthetic_mentions(2).order_by("pk")[:5]).update(region=town)
    assert queries() == few


@pytest.mark.parametrize("word", ["深化改革", "冰川冻土", "海西"])
def test_the_search_finds_entries_by_name_sentence_measure_and_region(reference_data, word):
    # 60 sources: 540 reform measures, whose titles all end in 深化改革, more than the search
    # names by id.
    seed_synthetic(mentions=60, seed=6, per_source=1)
    haixi = Region.objects.get(code="632800")
    expected = set(
        Mention.objects.published()
        .filter(
            Q(name__contains=word)
            | Q(quote__contains=word)
            | Q(measure__title__contains=word)
            | Q(
                region__in=Region.objects.filter(pk=haixi.pk).with_units_below()
                if word == "海西"
                else []
            )
        )
        .values_list("pk", flat=True)
    )
    assert expected

    listing = MentionListing(QueryDict(f"q={word}"))

    assert set(listing.queryset.values_list("pk", flat=True)) == expected
    assert listing.page(1).paginator.count == len(expected)
