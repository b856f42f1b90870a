"""The parts of the list pages written out in Python (`browse.entry_rows`,
`browse.facet_options`): what an editor types is shown as text wherever it is listed, and each
row and option links where it should."""

from datetime import date
from html import escape
from urllib.parse import quote

import pytest

from tests.factories import make_measure, make_mention, make_source

HOSTILE = '<img src=x onerror="alert(1)">&'
# An action is a short verb (20 characters at most).
HOSTILE_ACTION = '<i>"&'


@pytest.fixture
def hostile_mentions(reference_data):
    """One instrument mentioned in two articles, its name and action holding markup."""
    older = make_measure(source=make_source(published_on=date(2023, 5, 1)), title="旧措施")
    newer = make_measure(
        source=make_source(published_on=date(2024, 5, 1)), title=f"新措施{HOSTILE}"
    )
    fields = {"region": "630100", "type": "rule", "name": f"测试管理办法{HOSTILE}"}
    first = make_mention(measure=older, action=f"制定{HOSTILE_ACTION}", **fields)
    second = make_mention(measure=newer, action=f"修订{HOSTILE_ACTION}", **fields)
    assert first.instrument_id == second.instrument_id
    return first, second


@pytest.mark.parametrize(
    "url",
    [
        "/instruments/",
        "/instruments/?q=" + quote("管理办法"),
        "/regions/630100/",
        "/en/instruments/",
    ],
)
def test_markup_an_editor_typed_is_shown_as_text_in_every_table(client, hostile_mentions, url):
    body = client.get(url).content.decode()
    assert "<img" not in body
    assert "<i>" not in body
    assert escape(HOSTILE) in body


def test_a_measure_page_row_shows_its_name_and_action_as_text_and_links_the_other_mention(
    client, hostile_mentions
):
    first, second = hostile_mentions
    body = client.get(f"/measures/{second.measure.slug}/").content.decode()
    assert "<img" not in body
    assert f"修订{escape(HOSTILE_ACTION)}" in body
    # The other article's mention, named by its article's date, and the instrument's timeline.
    assert f'<a href="/mentions/{first.pk}/">{first.measure.label} (2023-05-01)</a>' in body
    assert f'<a href="/instruments/{second.instrument_id}/">' in body


def test_an_instrument_row_links_its_timeline_and_each_measure_it_is_mentioned_under(
    client, hostile_mentions
):
    first, second = hostile_mentions
    body = client.get("/instruments/?region=630100").content.decode()
    row = body[body.index(f'href="/instruments/{first.instrument_id}/"') :]
    row = row[: row.index("</tr>")]
    # One row for the instrument: the measure of its first mention in article order, then the
    # other's, named by its article's date.
    assert "<tr" not in row
    assert f'<a href="/mentions/{first.pk}/" title="本条提及">{first.measure.label}</a>' in row
    assert (
        f'<span class="also">, <a href="/mentions/{second.pk}/">'
        f"{second.measure.label} (2024-05-01)</a></span>"
    ) in row


def test_a_facet_option_shows_its_label_as_text_and_marks_the_chosen_one(client, hostile_mentions):
    _first, second = hostile_mentions
    body = client.get(f"/instruments/?measure={second.measure.slug}").content.decode()
    facet = body[body.index('id="facet-measure"') :]
    facet = facet[: facet.index("</section>")]
    assert "<img" not in facet
    option = facet[facet.rindex("<li", 0, facet.index("新措施")) :]
    option = option[: option.index("</li>")]
    # Chosen: its link takes it away again, its box is ticked, and it counts one instrument.
    assert 'href="?"' in option
    assert 'aria-current="true" class="selected"' in option
    assert '<span class="box" aria-hidden="true">☑</span>' in option
    assert f"新措施{escape(HOSTILE)}</span>" in option
    assert '<span class="count">1</span>' in option
