"""Instruments are things, mentions are evidence: the article's mentions resolve to one
instrument each by the identity rule, in any article, and every instrument has a page with its
timeline."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from measures.ingest.articles import import_article
from measures.models import Instrument, Mention, Source, StageRule
from measures.publishing import publish_source
from tests.measures.test_publishing import SLUG, revised_text

pytestmark = pytest.mark.django_db

XINING_REGULATION = "西宁市生态环境保护条例"


def publisher():
    return get_user_model().objects.create_superuser("publisher", password="x")


def instrument_named(name, region):
    return Instrument.objects.filter(region__code=region, mentions__name=name).distinct().get()


def test_the_article_states_87_instruments_in_90_mentions(knowledge_base):
    assert Mention.objects.count() == 90
    assert Instrument.objects.count() == 87
    assert Instrument.objects.published().count() == 87


def test_xinings_regulation_is_one_instrument_mentioned_in_reforms_1_and_6(knowledge_base):
    regulation = instrument_named(XINING_REGULATION, "630100")

    mentions = regulation.mentions.order_by("measure__number")
    assert [(m.measure.slug, m.name) for m in mentions] == [
        ("reform-1", "生态环境保护条例"),
        ("reform-6", XINING_REGULATION),
    ]
    assert regulation.type.slug == "regulation"
    # Named by the document's own title; the shorter form the first sentence uses is an alias.
    assert regulation.name == XINING_REGULATION
    assert list(regulation.aliases.values_list("name", flat=True)) == ["生态环境保护条例"]
    # The province's regulation of the same name is another instrument.
    assert instrument_named("青海省生态环境保护条例", "630000") != regulation


def test_the_provinces_company_is_one_instrument_with_an_alias(knowledge_base):
    company = instrument_named("青海省生态环保产业有限公司", "630000")

    assert sorted(company.mentions.values_list("name", flat=True)) == [
        "生态环保产业集团",
        "青海省生态环保产业有限公司",
    ]
    assert company.name == "生态环保产业集团"
    assert list(company.aliases.values_list("name", flat=True)) == ["青海省生态环保产业有限公司"]


def test_regulations_per_prefecture_count_instruments(knowledge_base):
    regulations = Instrument.objects.published().filter(type__slug="regulation")
    assert regulations.filter(region__code="630100").count() == 3
    assert (
        Mention.objects.published().filter(type__slug="regulation", region__code="630100").count()
        == 4
    )


ANOTHER_ARTICLE = """西宁市生态环境局召开法治建设推进会

发布时间：2025-06-10

一是完善地方法规。西宁市修订《西宁市生态环境保护条例》，明确各区县监管责任。

二是推进执法改革。西宁市开展生态环境执法规范化试点。
"""


def test_another_article_adds_a_mention_to_the_existing_instrument(knowledge_base):
    regulation = instrument_named(XINING_REGULATION, "630100")
    before = Instrument.objects.count()

    import_article(text=ANOTHER_ARTICLE, slug="xining-rule-of-law-2025")

    mention = Mention.objects.get(
        measure__source__slug="xining-rule-of-law-2025", name=XINING_REGULATION
    )
    assert mention.instrument == regulation
    assert regulation.mentions.count() == 3
    # Only the pilot is new.
    assert Instrument.objects.count() == before + 1


def test_a_new_version_of_the_article_adds_mentions_never_instruments(knowledge_base):
    before = set(Instrument.objects.values_list("pk", flat=True))
    import_article(text=revised_text(), new_version_of=Source.objects.get(slug=SLUG))
    publish_source(Source.objects.get(slug=f"{SLUG}-v2"), user=publisher())

    new = Instrument.objects.exclude(pk__in=before)
    # The renamed document and the added sentence are new instruments; nothing else is.
    assert sorted(new.values_list("name", flat=True)) == [
        "关于深化生态环境分区管控的实施意见",
        "扬尘污染防治条例",
    ]
    regulation = instrument_named(XINING_REGULATION, "630100")
    assert regulation.mentions.count() == 4
    assert regulation.mentions.published().count() == 2
    assert {m.measure.source.slug for m in regulation.mentions.published()} == {f"{SLUG}-v2"}


# The instrument page ------------------------------------------------------------------------


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_instrument_page_shows_its_timeline_oldest_first(client, knowledge_base):
    regulation = instrument_named(XINING_REGULATION, "630100")
    import_article(text=ANOTHER_ARTICLE, slug="xining-rule-of-law-2025")
    publish_source(Source.objects.get(slug="xining-rule-of-law-2025"), user=publisher())
    Mention.objects.filter(measure__source__slug="xining-rule-of-law-2025").update(
        status="published"
    )
    Mention.objects.refresh_public()

    response = client.get(regulation.get_absolute_url())

    assert response.status_code == 200
    mentions = response.context["mentions"]
    assert [(m.measure.source.slug, m.measure.number) for m in mentions] == [
        (SLUG, 1),
        (SLUG, 6),
        ("xining-rule-of-law-2025", 1),
    ]
    html = text_of(response)
    for mention in mentions:
        assert f'id="mention-{mention.pk}"' in html
        assert f'href="{mention.measure.source.get_absolute_url()}#entry-{mention.pk}"' in html
    # Each sentence with the name highlighted.
    assert "<mark>西宁市生态环境保护条例</mark>" in html
    # The stage is that of the latest mention: 修订.
    assert response.context["stage"] == {
        "label": Instrument.Stage.REVISED.label,
        "set_by_editor": False,
    }


def test_an_editors_stage_wins_over_the_mentions(client, knowledge_base):
    regulation = instrument_named(XINING_REGULATION, "630100")
    regulation.stage = Instrument.Stage.IN_FORCE
    regulation.save()

    stage = client.get(regulation.get_absolute_url()).context["stage"]

    assert stage["set_by_editor"] is True
    assert stage["label"] == Instrument.Stage.IN_FORCE.label


def test_the_stage_rules_are_data_editors_change(client, knowledge_base):
    pilot = Mention.objects.filter(action="开展", name__endswith="试点").first().instrument
    url = pilot.get_absolute_url()
    assert client.get(url).context["stage"]["label"] == Instrument.Stage.PILOTING.label

    StageRule.objects.filter(stage=Instrument.Stage.PILOTING).delete()

    assert client.get(url).context["stage"]["label"] == Instrument.Stage.MENTIONED.label


def test_an_old_entry_number_that_names_no_instrument_leads_to_its_mention(client, knowledge_base):
    # The list's rows were numbered before instruments had pages; here 88–90 name mentions only.
    mention = Mention.objects.order_by("-pk").first()
    assert not Instrument.objects.filter(pk=mention.pk).exists()

    response = client.get(f"/instruments/{mention.pk}/")

    assert response.status_code == 301
    assert response["Location"] == f"/instruments/{mention.instrument_id}/#mention-{mention.pk}"


def test_an_instrument_with_only_draft_mentions_has_no_public_page(client, knowledge_base):
    import_article(text=ANOTHER_ARTICLE, slug="xining-rule-of-law-2025")
    pilot = Instrument.objects.order_by("-pk").first()

    assert client.get(pilot.get_absolute_url()).status_code == 404
    assert client.get("/instruments/99999999/").status_code == 404


# Editors merge and split ----------------------------------------------------------------------


def test_merging_moves_mentions_keeps_both_histories_and_survives_a_reload(client, knowledge_base):
    from measures.instruments import merge
    from measures.management.commands.load_knowledge_base import load_knowledge_base

    province = instrument_named("青海省生态环境保护条例", "630000")
    xining = instrument_named(XINING_REGULATION, "630100")

    assert merge(province, [xining]) == 1

    xining.refresh_from_db()
    assert xining.merged_into == province
    assert province.mentions.count() == 3
    assert XINING_REGULATION in province.aliases.values_list("name", flat=True)
    assert xining.history.count() >= 2  # created, then merged: its history stays
    moved = client.get(f"/instruments/{xining.pk}/")
    assert (moved.status_code, moved["Location"]) == (301, province.get_absolute_url())

    load_knowledge_base()

    assert province.mentions.count() == 3
    assert not xining.mentions.exists()


def test_splitting_gives_a_mention_its_own_instrument_and_survives_a_reload(knowledge_base):
    from measures.instruments import split_off
    from measures.management.commands.load_knowledge_base import load_knowledge_base

    company = instrument_named("青海省生态环保产业有限公司", "630000")
    mention = company.mentions.get(name="青海省生态环保产业有限公司")

    own = split_off(mention)

    assert own != company and own.name == "青海省生态环保产业有限公司"
    load_knowledge_base()
    mention.refresh_from_db()
    assert mention.instrument == own
    assert company.mentions.count() == 1


def test_editors_merge_in_the_admin(knowledge_base):
    from tests.factories import client_for, make_staff
    from tests.measures.test_admin import EDITOR_PERMISSIONS

    editor = client_for(make_staff("editor", *EDITOR_PERMISSIONS))
    province = instrument_named("青海省生态环境保护条例", "630000")
    xining = instrument_named(XINING_REGULATION, "630100")

    response = editor.post(
        "/admin/measures/instrument/",
        {"action": "merge", "_selected_action": [xining.pk, province.pk]},
    )

    assert response.status_code == 302
    oldest, other = sorted([province, xining], key=lambda i: i.pk)
    other.refresh_from_db()
    assert other.merged_into == oldest


def test_a_mention_that_only_names_it_leaves_the_stage_of_the_one_before(client, knowledge_base):
    # Reform 1: 制定生态环境保护条例; reform 6 only 写入 it: it stays adopted.
    regulation = instrument_named(XINING_REGULATION, "630100")

    stage = client.get(regulation.get_absolute_url()).context["stage"]

    assert stage == {"label": Instrument.Stage.ADOPTED.label, "set_by_editor": False}


# The import says what each mention is ---------------------------------------------------------


def test_the_import_preview_names_the_instruments_already_known(knowledge_base, admin_client):
    regulation = instrument_named(XINING_REGULATION, "630100")
    upload = SimpleUploadedFile("xining.txt", ANOTHER_ARTICLE.encode(), "text/plain")

    response = admin_client.post(
        "/admin/measures/source/import-article/",
        {"file": upload, "slug": "xining-rule-of-law-2025", "preview": "1"},
    )

    rows = {row["name"]: row["instrument"] for row in response.context["result"].entry_rows}
    assert rows == {XINING_REGULATION: regulation, "生态环境执法规范化试点": None}
    html = response.content.decode()
    assert f'href="/admin/measures/instrument/{regulation.pk}/change/"' in html
    assert not Source.objects.filter(slug="xining-rule-of-law-2025").exists()


def test_the_import_command_says_new_instrument_or_another_mention(knowledge_base, tmp_path):
    regulation = instrument_named(XINING_REGULATION, "630100")
    article = tmp_path / "xining.txt"
    article.write_text(ANOTHER_ARTICLE, encoding="utf-8")
    out = StringIO()

    call_command("import_article", str(article), "--dry-run", stdout=out)

    lines = out.getvalue().splitlines()
    assert any(
        XINING_REGULATION in line
        and f"another mention of {regulation.name} (#{regulation.pk})" in line
        for line in lines
    )
    assert any("生态环境执法规范化试点: new instrument" in line for line in lines)


def test_an_entry_an_editor_added_says_so_wherever_it_is_shown(client, knowledge_base):
    from tests.factories import make_mention

    parsed = instrument_named(XINING_REGULATION, "630100").mentions.first()
    added = make_mention(
        measure=parsed.measure,
        region="630100",
        name="西宁市生态环境保护条例",
        quote="西宁市人大常委会审议通过条例修正案。",
    )
    assert added.instrument == parsed.instrument and not added.is_parsed

    for url in (
        added.get_absolute_url(),
        added.instrument.get_absolute_url(),
        "/instruments/?q=西宁市生态环境保护条例",
    ):
        html = client.get(url).content.decode()
        assert html.count('class="editor-added"') >= 1, url
    # Its sentence is not presented as a quotation from the article.
    page = client.get(added.get_absolute_url()).content.decode()
    assert "<blockquote" not in page
    assert 'class="editor-account"' in page
    # The article's own mentions carry no such mark.
    assert 'class="editor-added"' not in client.get(parsed.get_absolute_url()).content.decode()
