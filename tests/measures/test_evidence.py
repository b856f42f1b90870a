"""A mention an editor adds says where its evidence is, and never passes for a quotation."""

import pytest
from django.core.exceptions import ValidationError

from measures.management.commands.make_editor import make_editor
from measures.models import Instrument, InstrumentType, Mention
from regions.models import Region
from tests.factories import client_for, make_measure, make_mention, make_source

pytestmark = pytest.mark.django_db

ARTICLE = "青海省生态环境厅通报情况。海北州制定祁连山生态保护条例。"
OUTSIDE = "海北州印发草原生态修复实施方案。"
REFERENCE = "海北州人民政府办公室关于印发草原生态修复实施方案的通知（北政办〔2024〕18号）"


@pytest.fixture
def measure(reference_data):
    return make_measure(source=make_source(text=ARTICLE), number=2, slug="reform-2")


def new_mention(measure, **fields):
    values = {
        "measure": measure,
        "region": Region.objects.get(code="632200"),
        "type": InstrumentType.objects.get(slug="plan"),
        "name": "草原生态修复实施方案",
        "action": "印发",
        "quote": OUTSIDE,
        "status": Mention.Status.PUBLISHED,
    }
    values.update(fields)
    return Mention(**values)


def test_an_added_mention_without_evidence_is_refused_saying_what_to_give(measure):
    mention = new_mention(measure)
    with pytest.raises(ValidationError) as refused:
        mention.full_clean()
    assert list(refused.value.message_dict) == ["evidence_reference"]


@pytest.mark.parametrize(
    "evidence",
    [
        {"evidence_reference": REFERENCE},
        {"evidence_url": "https://www.haibei.gov.cn/example/notice.html"},
        # A sentence its article holds is its own evidence: it is placed there.
        {"quote": "海北州制定祁连山生态保护条例。", "name": "祁连山生态保护条例"},
    ],
)
def test_a_citation_or_a_sentence_of_the_article_is_evidence(measure, evidence):
    mention = new_mention(measure, **evidence)
    mention.full_clean()
    mention.save()
    assert mention.in_article or mention.cites_evidence


def test_an_older_added_mention_without_evidence_can_still_be_corrected(measure):
    # Added before evidence was asked for (a save without the form's checks).
    mention = make_mention(measure=measure, region="632200", quote=OUTSIDE, name="旧名")
    mention.name = "新名"
    mention.full_clean()  # its other fields can be corrected
    mention.quote = "海北州印发另一份方案。"
    with pytest.raises(ValidationError):
        mention.full_clean()  # but a new account of it needs its evidence


def test_the_mention_page_cites_the_evidence_and_quotes_nothing(client, measure):
    mention = new_mention(measure, evidence_url="https://example.org/n.html")
    mention.evidence_reference = REFERENCE
    mention.full_clean()
    mention.save()

    html = client.get(f"/mentions/{mention.pk}/").content.decode()
    assert "<blockquote" not in html
    assert 'class="editor-account"' in html and OUTSIDE in html
    assert f'<a href="https://example.org/n.html" rel="noopener nofollow">{REFERENCE}</a>' in html

    timeline = client.get(f"/instruments/{mention.instrument_id}/").content.decode()
    assert "<blockquote" not in timeline
    assert REFERENCE in timeline and 'class="editor-added"' in timeline


def test_a_mention_read_from_the_article_is_quoted_as_before(client, measure):
    parsed = make_mention(
        measure=measure,
        region="632200",
        name="祁连山生态保护条例",
        quote="海北州制定祁连山生态保护条例。",
        start=13,
        end=28,
        parsed_digest="d" * 64,
    )
    html = client.get(f"/mentions/{parsed.pk}/").content.decode()
    assert "<blockquote" in html and 'class="editor-account"' not in html


def test_the_admin_adds_an_instrument_through_its_first_mention_with_evidence(measure):
    editor = client_for(make_editor("editor", create=True).user)
    response = editor.get("/admin/measures/instrument/add/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/measures/mention/add/"

    form = {
        "name": "草原生态修复实施方案",
        "type": InstrumentType.objects.get(slug="plan").pk,
        "region": Region.objects.get(code="632200").pk,
        "measure": measure.pk,
        "action": "印发",
        "status": Mention.Status.DRAFT,
        "quote": OUTSIDE,
        "notes": "",
        "evidence_url": "",
        "evidence_reference": "",
    }
    refused = editor.post("/admin/measures/mention/add/", form)
    assert refused.status_code == 200
    assert "evidence" in refused.content.decode() or "证据" in refused.content.decode()
    assert not Instrument.objects.filter(name="草原生态修复实施方案").exists()

    saved = editor.post("/admin/measures/mention/add/", {**form, "evidence_reference": REFERENCE})
    assert saved.status_code == 302
    instrument = Instrument.objects.get(name="草原生态修复实施方案")
    assert instrument.mentions.get().evidence_reference == REFERENCE
    # Its page offers another mention of it, prefilled.
    page = editor.get(f"/admin/measures/instrument/{instrument.pk}/change/").content.decode()
    assert f"/admin/measures/mention/add/?instrument={instrument.pk}" in page
