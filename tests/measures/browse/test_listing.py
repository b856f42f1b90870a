"""The list's rows: the addresses they link to and the other mentions beside them."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix
from django.utils import translation

from measures.browse.rows import STAND_IN, attach_other_mentions, pk_urls
from measures.models import Measure, Mention, measure_place
from tests.factories import make_measure, make_mention, make_source


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    set_script_prefix("/")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("prefix", ["/", "/qhreform/", f"/{STAND_IN}/"])
def test_addresses_by_pk_are_the_reversed_ones(language, prefix, script_prefix):
    script_prefix(prefix)
    with translation.override(language):
        for view in ("measures:mention_detail", "measures:instrument_detail"):
            url = pk_urls(view)
            for pk in (1, 42, 10**12):
                assert url(pk) == reverse(view, args=[pk])


@pytest.mark.parametrize(
    "query",
    ["", "region=632800&type=pilot", "q=基地", "q=湿地&sort=-name"],
)
def test_a_full_page_costs_the_queries_of_a_single_row(client, reference_data, query):
    # Each row reads only the columns it shows: a column left out but read by the page would
    # cost a query per row. (湿地 is only in the measures' titles.)
    measure = make_measure(title="湿地修复")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/instruments/?{query}")
        assert response.status_code == 200
        return len(captured)

    make_mention(measure=measure, region="632823", type="pilot", name="基地甲")
    single = queries()
    later = make_measure(source=measure.source, title="湿地保护")
    # An instrument mentioned under two measures, one named by a document's title, one added
    # by an editor (no parser digest), and enough others for more than a page.
    make_mention(measure=later, region="632823", type="pilot", name="基地甲")
    make_mention(
        measure=measure, region="632823", type="pilot", name="基地乙", is_document_title=True
    )
    make_mention(measure=measure, region="632800", type="pilot", name="基地丙", parsed_digest="")
    for n in range(60):
        make_mention(measure=later, region="632823", type="pilot", name=f"基地{n}")
    assert queries() == single


def test_a_row_links_to_the_first_other_mentions_of_its_instrument_and_counts_the_rest(
    client, reference_data
):
    # An instrument mentioned under six measures: its row under any one of them links to the
    # first three others, in article order, and says how many more its timeline holds.
    source = make_measure().source
    mentions = [
        make_mention(
            measure=make_measure(source=source, number=n),
            region="632821",
            type="pilot",
            name="湖泊保护试点",
        )
        for n in range(1, 7)
    ]
    instrument_id = mentions[0].instrument_id
    assert {mention.instrument_id for mention in mentions} == {instrument_id}

    first, third = Mention.objects.get(pk=mentions[0].pk), Mention.objects.get(pk=mentions[2].pk)
    attach_other_mentions([first, third], Mention.objects.published())
    assert [other.pk for other in first.other_mentions] == [m.pk for m in mentions[1:4]]
    assert [other.pk for other in third.other_mentions] == [
        mentions[0].pk,
        mentions[1].pk,
        mentions[3].pk,
    ]
    assert first.more_mentions == third.more_mentions == 2
    assert [other.label for other in first.other_mentions] == [
        m.measure.label for m in mentions[1:4]
    ]

    page = client.get("/en/regions/632800/").content.decode()
    row = row_linking(page, f"/en/mentions/{mentions[0].pk}/")
    for mention in mentions[1:4]:
        assert f'href="/en/mentions/{mention.pk}/"' in row
    for mention in mentions[4:]:
        assert f'href="/en/mentions/{mention.pk}/"' not in row
    assert "and 2 more" in row
    assert f'href="/en/instruments/{instrument_id}/"' in row

    listing = client.get("/en/instruments/", {"region": "632821"}).content.decode()
    assert f'<a href="/en/instruments/{instrument_id}/">and 2 more</a>' in listing


def row_linking(html, address):
    """The table row of `html` whose first link leads to `address`."""
    rows = [row for row in html.split("<tr>") if row.split('href="', 1)[-1].startswith(address)]
    assert len(rows) == 1, f"{len(rows)} rows start with a link to {address}"
    return rows[0].split("</tr>", 1)[0]


def test_a_row_names_the_article_of_an_other_mention_from_another_article(client, reference_data):
    # Two articles both have a 措施1: the link to the other one says which article it is in.
    older = make_measure(number=1, source=make_source(published_on=date(2023, 5, 4)))
    newer = make_measure(number=1, source=make_source(published_on=date(2024, 12, 26)))
    first = make_mention(measure=older, region="632821", type="pilot", name="湖泊保护试点")
    second = make_mention(measure=newer, region="632821", type="pilot", name="湖泊保护试点")
    assert first.instrument_id == second.instrument_id

    listing = client.get("/instruments/", {"region": "632821"}).content.decode()
    assert re.search(rf'<a href="/mentions/{second.pk}/">措施\s*1 \(2024-12-26\)</a>', listing)
    # A region page shows the newer article's row, which names the older one.
    page = client.get("/regions/632821/").content.decode()
    assert re.search(rf'<a href="/mentions/{first.pk}/">措施\s*1 \(2023-05-04\)</a>', page)


def test_a_mentions_place_in_article_order_names_its_measure_and_article(reference_data):
    # `measure_place` reads back what `article_order` holds: rows label other mentions from it.
    dated = make_measure(
        kind=Measure.Kind.DIRECTION, number=4, source=make_source(published_on=date(2024, 12, 26))
    )
    undated = make_measure(number=12, source=make_source(published_on=None))
    for measure in (dated, undated):
        mention = Mention.objects.get(pk=make_mention(measure=measure).pk)
        assert measure_place(mention.article_order) == (
            measure.source.published_on,
            measure.source_id,
            measure.kind,
            measure.number,
        )


def test_an_other_mention_in_an_undated_article_is_named_by_its_slug(client, reference_data):
    undated = make_measure(number=2, source=make_source(published_on=None, slug="draft-notes"))
    dated = make_measure(number=2, source=make_source(published_on=date(2024, 12, 26)))
    first = make_mention(measure=undated, region="632821", type="pilot", name="湖泊保护试点")
    make_mention(measure=dated, region="632821", type="pilot", name="湖泊保护试点")
    page = client.get("/regions/632821/").content.decode()
    assert re.search(rf'<a href="/mentions/{first.pk}/">措施\s*2 \(draft-notes\)</a>', page)
