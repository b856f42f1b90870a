"""The list's rows: the addresses they link to and the other mentions beside them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix
from django.utils import translation

from measures.browse.listing import STAND_IN, pk_urls
from tests.factories import make_measure, make_mention


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
