"""The generated knowledge base: current, reproducible, and loaded without losing edits."""

import json

import pytest
from django.core.management import call_command

from measures.ingest.loading import read_fixture
from measures.ingest.records import KNOWLEDGE_BASE_FIXTURE, MEASURE_TITLES_FIXTURE, fixture_path
from measures.management.commands.build_knowledge_base import DEFAULT_ARTICLE, build_knowledge_base
from measures.models import Measure, Mention, Source
from regions.models import Region


def test_regenerating_the_knowledge_base_gives_identical_bytes():
    first = build_knowledge_base(fixture_path(DEFAULT_ARTICLE))
    second = build_knowledge_base(fixture_path(DEFAULT_ARTICLE))
    assert first.encode() == second.encode()


def test_the_committed_knowledge_base_is_current():
    committed = fixture_path(KNOWLEDGE_BASE_FIXTURE).read_bytes()
    assert committed == build_knowledge_base(fixture_path(DEFAULT_ARTICLE)).encode("utf-8"), (
        "fixtures/knowledge_base.json is out of date: run python manage.py build_knowledge_base"
    )


def test_the_article_is_copied_byte_for_byte():
    text = fixture_path(DEFAULT_ARTICLE).read_text(encoding="utf-8")
    records = json.loads(fixture_path(KNOWLEDGE_BASE_FIXTURE).read_text(encoding="utf-8"))
    assert records[0]["fields"]["text"] == text
    assert text.startswith("青海九项措施进一步全面深化生态环境领域改革\n")


@pytest.mark.django_db
def test_loading_gives_the_13_measures_and_every_entry_published(knowledge_base):
    assert Source.objects.published().count() == 1
    assert Measure.objects.filter(kind="reform").count() == 9
    assert Measure.objects.filter(kind="direction").count() == 4
    records = json.loads(fixture_path(KNOWLEDGE_BASE_FIXTURE).read_text(encoding="utf-8"))
    entries = [r for r in records if r["model"] == "measures.mention"]
    assert Mention.objects.published().count() == len(entries) == 90


@pytest.mark.django_db
def test_every_quote_equals_the_text_at_its_offsets(knowledge_base):
    text = Source.objects.get().text
    for entry in Mention.objects.all():
        assert text[entry.start : entry.end] == entry.quote, entry.name
        assert entry.quote.find(text[entry.name_start : entry.name_end]) >= 0


@pytest.mark.django_db
def test_prefectures_appear_under_the_right_measures(knowledge_base):
    def measures_of(code):
        region = Region.objects.get(code=code)
        entries = Mention.objects.for_region(region).filter(measure__kind="reform")
        return sorted(set(entries.values_list("measure__number", flat=True)))

    assert measures_of("632800") == [2, 3, 5, 6, 7]
    assert measures_of("632300") == [6, 7]
    assert measures_of("632200") == [1]
    assert measures_of("632500") == [1]


@pytest.mark.django_db
def test_loading_twice_changes_nothing(knowledge_base, capsys):
    call_command("load_knowledge_base")
    out = capsys.readouterr().out
    assert (
        "0 created, 0 refreshed, 214 unchanged, 0 kept (edited), 0 kept deleted, 0 removed, "
        "0 English titles given" in out
    )


@pytest.mark.django_db
def test_every_measure_of_the_article_has_an_english_title(knowledge_base):
    titles = read_fixture(fixture_path(MEASURE_TITLES_FIXTURE))
    keys = [tuple(title["measure"]) for title in titles]
    measures = Measure.objects.all()
    assert sorted(keys) == sorted(measure.natural_key() for measure in measures)
    for measure in measures:
        assert measure.title_en, measure
        assert measure.title_en != measure.title


@pytest.mark.django_db
def test_reloading_after_an_editor_worked_in_the_admin_keeps_the_edit(
    admin_client, knowledge_base, capsys
):
    entry = Mention.objects.get(name="考核管理办法")
    response = admin_client.post(
        f"/admin/measures/mention/{entry.pk}/change/",
        {
            "name": "玉树州考核管理办法",
            "type": entry.type_id,
            "region": entry.region_id,
            "measure": entry.measure_id,
            "action": entry.action,
            "status": "published",
            "notes": "名称按原文件补全",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    call_command("load_knowledge_base")
    out = capsys.readouterr().out

    entry.refresh_from_db()
    assert entry.name == "玉树州考核管理办法"
    assert entry.notes == "名称按原文件补全"
    assert f"kept as edited: mention {entry.key}" in out
    assert Mention.objects.filter(name="考核管理办法").count() == 0


@pytest.mark.django_db
def test_a_dry_run_reports_and_writes_nothing(empty_database, capsys):
    call_command("load_knowledge_base", "--dry-run")
    out = capsys.readouterr().out
    assert "Would load: 214 created" in out
    assert "13 English titles given" in out
    assert not Mention.objects.exists()
    assert not Region.objects.exists()
