"""The loader: idempotent, refreshes untouched rows, never undoes an editor's change."""

import pytest

from measures.ingest.loading import load_records
from measures.models import Measure, Mention, Source

pytestmark = pytest.mark.django_db

TEXT = "一是测试措施。西宁市制定大气污染防治条例。海西州建立协同机制。"


def records(*, regulation_name="大气污染防治条例", with_mechanism=True):
    rows = [
        {
            "model": "measures.source",
            "fields": {
                "slug": "test-article",
                "title": "测试文章",
                "publisher": "测试",
                "published_on": "2024-12-26",
                "url": "",
                "text": TEXT,
                "sha256": "x",
                "status": "published",
            },
        },
        {
            "model": "measures.measure",
            "fields": {
                "source": ["test-article"],
                "kind": "reform",
                "number": 1,
                "slug": "reform-1",
                "title": "测试措施",
                "body": TEXT,
                "start": 0,
                "end": len(TEXT),
                "continues": [],
                "status": "published",
            },
        },
        {
            "model": "measures.mention",
            "fields": {
                "key": "test-article/reform-1/630100/regulation",
                "name": regulation_name,
                "is_document_title": False,
                "action": "制定",
                "quote": "西宁市制定大气污染防治条例。",
                "start": 7,
                "end": 21,
                "name_start": 12,
                "name_end": 20,
                "measure": ["test-article", "reform", 1],
                "region": ["630100"],
                "type": ["regulation"],
                "status": "published",
            },
        },
    ]
    if with_mechanism:
        rows.append(
            {
                "model": "measures.mention",
                "fields": {
                    "key": "test-article/reform-1/632800/mechanism",
                    "name": "协同机制",
                    "is_document_title": False,
                    "action": "建立",
                    "quote": "海西州建立协同机制。",
                    "start": 21,
                    "end": 31,
                    "name_start": 26,
                    "name_end": 30,
                    "measure": ["test-article", "reform", 1],
                    "region": ["632800"],
                    "type": ["mechanism"],
                    "status": "published",
                },
            }
        )
    return rows


def snapshot():
    return sorted(
        Mention.objects.values_list("key", "name", "status", "notes", "region__code", "type__slug")
    )


def test_a_first_load_creates_everything(reference_data):
    report = load_records(records())
    assert len(report.created) == 4
    assert Source.objects.get().title == "测试文章"
    assert Measure.objects.get().slug == "reform-1"
    assert Mention.objects.published().count() == 2


def test_loading_twice_changes_nothing(reference_data):
    load_records(records())
    before = snapshot()
    report = load_records(records())
    assert not report.changed_anything
    assert len(report.unchanged) == 4
    assert snapshot() == before


def test_untouched_rows_are_refreshed(reference_data):
    load_records(records())
    report = load_records(records(regulation_name="大气污染防治条例（修订）"))
    assert report.refreshed == ["mention test-article/reform-1/630100/regulation"]
    assert Mention.objects.get(region__code="630100").name == "大气污染防治条例（修订）"


def test_an_editors_change_is_never_undone_and_is_reported(reference_data):
    load_records(records())
    entry = Mention.objects.get(region__code="630100")
    entry.name = "西宁市大气污染防治条例"
    entry.type_id = entry.type_id  # unchanged
    entry.save()
    report = load_records(records(regulation_name="大气污染防治条例（修订）"))
    entry.refresh_from_db()
    assert entry.name == "西宁市大气污染防治条例"
    assert report.kept_edited == ["mention test-article/reform-1/630100/regulation"]


def test_status_and_notes_an_editor_set_survive_a_refresh(reference_data):
    load_records(records())
    entry = Mention.objects.get(region__code="632800")
    entry.status = Mention.Status.DRAFT
    entry.notes = "待核实"
    entry.save()
    load_records(records())
    entry.refresh_from_db()
    assert (entry.status, entry.notes) == (Mention.Status.DRAFT, "待核实")


def test_rows_editors_created_are_left_alone(reference_data):
    load_records(records())
    own = Mention.objects.create(
        name="编辑新增的条目",
        measure=Measure.objects.get(),
        region_id=Mention.objects.first().region_id,
        type_id=Mention.objects.first().type_id,
    )
    load_records(records())
    assert Mention.objects.filter(pk=own.pk, name="编辑新增的条目").exists()


def test_parsed_entries_no_longer_in_the_article_go_unless_edited(reference_data):
    load_records(records())
    report = load_records(records(with_mechanism=False))
    assert report.removed == ["mention test-article/reform-1/632800/mechanism"]
    assert not Mention.objects.filter(region__code="632800").exists()

    load_records(records())
    edited = Mention.objects.get(region__code="632800")
    edited.notes = "保留"
    edited.save()
    report = load_records(records(with_mechanism=False))
    assert Mention.objects.filter(pk=edited.pk).exists()
    assert report.kept_edited == [
        "mention test-article/reform-1/632800/mechanism (no longer parsed)"
    ]


def test_a_dry_run_writes_nothing(reference_data):
    report = load_records(records(), dry_run=True)
    assert len(report.created) == 4
    assert not Source.objects.exists()
    assert not Mention.objects.exists()


TITLES = [{"measure": ["test-article", "reform", 1], "title_en": "A measure for testing"}]


def test_a_measure_is_given_its_english_title_once(reference_data):
    report = load_records(records(), english_titles=TITLES)
    assert Measure.objects.get().title_en == "A measure for testing"
    assert report.titled == ["measure test-article reform-1"]
    assert not load_records(records(), english_titles=TITLES).changed_anything


@pytest.mark.parametrize("edited", ["A better title for testing", ""])
def test_an_english_title_an_editor_changed_or_emptied_is_never_written_over(
    reference_data, edited
):
    load_records(records(), english_titles=TITLES)
    measure = Measure.objects.get()
    measure.title_en = edited
    measure.save()
    newer = [{**TITLES[0], "title_en": "A newer translation"}]
    report = load_records(records(), english_titles=newer)
    measure.refresh_from_db()
    assert measure.title_en == edited
    assert report.titled == []


def test_an_english_title_an_editor_wrote_first_is_kept(reference_data):
    load_records(records())
    measure = Measure.objects.get()
    measure.title_en = "The editor's own title"
    measure.save()
    load_records(records(), english_titles=TITLES)
    measure.refresh_from_db()
    assert measure.title_en == "The editor's own title"


def test_a_dry_run_gives_no_english_title(reference_data):
    load_records(records())
    report = load_records(records(), english_titles=TITLES, dry_run=True)
    assert report.titled == ["measure test-article reform-1"]
    assert Measure.objects.get().title_en == ""
