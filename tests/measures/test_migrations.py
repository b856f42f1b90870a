"""measures/migrations/0011_rename_instrument_mention: the model becomes Mention and nothing is
lost — rows, history, admin log entries, and every permission groups and users hold.

These tests move the test database's schema back and forth, which needs transactional database
access: they start from whatever an earlier transactional test left, and empty the database at
their end (pytest-django runs them after the others).
"""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as current_apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_pre_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from collation import pinyin_key
from measures.management.commands.load_knowledge_base import load_knowledge_base
from measures.management.commands.make_editor import EDITORS_GROUP, make_editor
from measures.models import Mention
from tests.factories import make_mention
from tests.measures.test_admin import EDITOR_PERMISSIONS

BEFORE_RENAME = ("measures", "0010_entry_public_flag")
RENAME = ("measures", "0011_rename_instrument_mention")
#: Models added after the rename, one of them under the old name of the renamed one.
LATER_MODELS = ["instrument", "historicalinstrument", "instrumentalias", "stagerule"]
editors_migration = importlib.import_module("measures.migrations.0003_editors_group")
rename_migration = importlib.import_module("measures.migrations.0011_rename_instrument_mention")
LATER_GRANTS = importlib.import_module("measures.migrations.0015_editors_edit_instruments").GRANTED


def migrate(*targets):
    """Migrate the database to `targets` (default: the latest migrations) as `manage.py migrate`
    does, with the pre_migrate signal through which Django renames the content types of renamed
    models; returns the models as of `target`.

    Without post_migrate, which would create the current models' content types and permissions
    in a database that is not current.
    """
    executor = MigrationExecutor(connection)
    targets = list(targets) or executor.loader.graph.leaf_nodes()
    plan = executor.migration_plan(targets)
    emit_pre_migrate_signal(0, False, connection.alias, apps=current_apps, plan=plan)
    executor.migrate(targets, plan=plan)
    ContentType.objects.clear_cache()
    return executor.loader.project_state(targets).apps


def rows(
    apps,
    model_name,
    *,
    leave_out=("instrument_id", "evidence_url", "evidence_reference", "article_order"),
):
    """Every row of the model and of its history, as stored (without the columns later
    migrations add)."""
    model = apps.get_model("measures", model_name)
    history = apps.get_model("measures", f"Historical{model_name}")

    def stored(queryset):
        return [
            {name: value for name, value in row.items() if name not in leave_out}
            for row in queryset.values()
        ]

    return {
        "rows": stored(model.objects.order_by("pk")),
        "history": stored(history.objects.order_by("history_id")),
    }


def held(*groups_and_users):
    """(id, codename, name) of the measures permissions each group or user holds."""
    return [
        sorted(
            holder.permissions.filter(content_type__app_label="measures").values_list(
                "id", "codename", "name"
            )
            if isinstance(holder, Group)
            else holder.user_permissions.values_list("id", "codename", "name")
        )
        for holder in groups_and_users
    ]


def renamed(holdings):
    """`held(…)` as it should read after the rename: the same permissions, renamed."""
    names = {old: (new, new_name) for old, _, new, new_name in rename_migration.PERMISSIONS}
    return [
        sorted((pk, *names.get(codename, (codename, name))) for pk, codename, name in holding)
        for holding in holdings
    ]


@pytest.mark.django_db(transaction=True)
def test_the_rename_keeps_every_row_its_history_log_entries_and_permissions(django_user_model):
    load_knowledge_base()
    published = Mention.objects.published().order_by("pk")
    edited = published.first()
    edited.name = f"{edited.name}（已修订）"
    edited.notes = "名称按原文件订正"
    edited.save()
    draft = make_mention(measure=edited.measure, name="草稿里的条例", status=Mention.Status.DRAFT)
    deleted = published.last()
    deleted_pk = deleted.pk
    deleted.delete()
    mention_type = ContentType.objects.get_for_model(Mention)
    logged = LogEntry.objects.create(
        user=django_user_model.objects.create(username="admin-log"),
        content_type=mention_type,
        object_id=str(edited.pk),
        object_repr=str(edited),
        action_flag=CHANGE,
        change_message="[]",
    )
    current = rows(current_apps, "Mention")
    # As a database at 0010 was: without the content types and permissions of the models
    # added after the rename (post_migrate made them for the test database).
    ContentType.objects.filter(app_label="measures", model__in=LATER_MODELS).delete()
    try:
        old_apps = migrate(BEFORE_RENAME)
        assert rows(old_apps, "Instrument") == current

        # An editor and a user granted one permission of their own, as before the rename.
        editors_migration.create_editors_group(old_apps, SimpleNamespace(connection=connection))
        editor = make_editor("editor-before-rename", create=True).user
        publisher = django_user_model.objects.create(username="publisher-before-rename")
        publisher.user_permissions.add(
            Permission.objects.get(
                content_type__app_label="measures", codename="publish_instrument"
            )
        )
        group = Group.objects.get(name=EDITORS_GROUP)
        before = held(group, publisher)
        assert {codename for _, codename, _ in before[0]} >= {
            "add_instrument",
            "change_instrument",
            "view_instrument",
            "publish_instrument",
        }

        new_apps = migrate(RENAME)
    finally:
        migrate()

    assert rows(new_apps, "Mention") == current
    # Every permission held before, renamed (later migrations grant editors more).
    later = {f"measures.{codename}" for codename in LATER_GRANTS}
    assert [
        [row for row in holding if f"measures.{row[1]}" not in later]
        for holding in held(group, publisher)
    ] == renamed(before)
    # The content types were renamed in place: admin log entries point at the same rows.
    assert ContentType.objects.get_for_model(Mention).pk == mention_type.pk
    logged = LogEntry.objects.get(pk=logged.pk)
    assert logged.get_edited_object() == Mention.objects.get(pk=edited.pk)
    assert logged.get_admin_url() == reverse("admin:measures_mention_change", args=[edited.pk])

    assert Mention.objects.get(pk=edited.pk).name == edited.name
    assert Mention.objects.get(pk=draft.pk).status == Mention.Status.DRAFT
    assert not Mention.objects.filter(pk=deleted_pk).exists()
    assert Mention.history.filter(id=deleted_pk, history_type="-").exists()
    assert [record.name for record in Mention.history.filter(id=edited.pk)][:1] == [edited.name]

    editor = django_user_model.objects.get(pk=editor.pk)
    assert all(editor.has_perm(permission) for permission in EDITOR_PERMISSIONS)
    assert not editor.has_perm("measures.delete_mention")
    granted = {
        f"{permission.content_type.app_label}.{permission.codename}"
        for permission in group.permissions.select_related("content_type")
    }
    assert granted == EDITOR_PERMISSIONS
    publisher = django_user_model.objects.get(pk=publisher.pk)
    assert publisher.get_all_permissions() == {"measures.publish_mention"}
    # Nothing of the mentions' left under the old names for post_migrate to leave unused (the
    # instrument models added later have permissions of their own).
    mention_types = ContentType.objects.filter(
        app_label="measures", model__in=["mention", "historicalmention"]
    )
    assert not Permission.objects.filter(
        content_type__in=mention_types, codename__contains="instrument"
    ).exists()


BEFORE_INSTRUMENTS = ("measures", "0011_rename_instrument_mention")


@pytest.mark.django_db(transaction=True)
def test_instruments_are_made_from_mentions_keeping_edits_drafts_deletions_and_old_urls(client):
    from measures.models import Instrument

    load_knowledge_base()
    published = Mention.objects.published().order_by("pk")
    edited = published.get(name="生态环境保护条例", region__code="630100")
    edited.action = "修订"
    edited.notes = "按原文核对"
    edited.save()
    draft = make_mention(measure=edited.measure, name="草稿里的条例", status=Mention.Status.DRAFT)
    alone = [m for m in published if m.instrument.mentions.count() == 1]
    deleted_pk = alone[-1].pk
    alone[-1].delete()
    current = rows(current_apps, "Mention")
    try:
        old_apps = migrate(BEFORE_INSTRUMENTS)
        assert rows(old_apps, "Mention") == current
    finally:
        migrate()

    # Nothing an editor did is lost; every mention has an instrument.
    assert rows(current_apps, "Mention") == current
    assert Mention.objects.get(pk=edited.pk).action == "修订"
    assert Mention.objects.get(pk=draft.pk).status == Mention.Status.DRAFT
    assert Mention.history.filter(id=deleted_pk, history_type="-").exists()
    assert not Mention.objects.filter(instrument=None).exists()
    # 87 instruments in the article, one deleted with its only mention, one draft added.
    assert Instrument.objects.count() == 87
    # Each instrument has the number of its first mention.
    for instrument in Instrument.objects.all():
        assert instrument.pk == min(instrument.mentions.values_list("pk", flat=True))
    regulation = Mention.objects.get(pk=edited.pk).instrument
    later = regulation.mentions.exclude(pk=edited.pk).get()
    assert (later.name, later.measure.slug) == ("西宁市生态环境保护条例", "reform-6")
    assert regulation.name == "西宁市生态环境保护条例"
    assert list(regulation.aliases.values_list("name", flat=True)) == ["生态环境保护条例"]
    company = Mention.objects.get(name="青海省生态环保产业有限公司").instrument
    assert company.mentions.count() == 2

    # Old entry URLs: the first mention's number names its instrument, a later mention's number
    # leads to it in its instrument's timeline, and new instruments take numbers of their own.
    assert client.get(f"/instruments/{edited.pk}/").context["instrument"] == regulation
    response = client.get(f"/instruments/{later.pk}/")
    assert (response.status_code, response["Location"]) == (
        301,
        f"/instruments/{regulation.pk}/#mention-{later.pk}",
    )
    new = make_mention(measure=edited.measure, name="另一项新的条例")
    assert new.instrument.pk > Mention.objects.exclude(pk=new.pk).order_by("-pk").first().pk


BEFORE_SORT_KEYS = [
    ("measures", "0019_mention_article_order"),
    ("regions", "0003_region_code_format"),
]


@pytest.mark.django_db(transaction=True)
def test_the_sort_keys_are_filled_in_for_existing_instruments_and_regions():
    from measures.models import Instrument
    from regions.models import Region

    load_knowledge_base()
    try:
        old_apps = migrate(*BEFORE_SORT_KEYS)
        old_fields = {f.name for f in old_apps.get_model("measures", "Instrument")._meta.fields}
        assert "name_pinyin" not in old_fields
    finally:
        migrate()

    instruments = list(Instrument.objects.values_list("name", "name_pinyin"))
    assert len(instruments) == 87
    assert all(key == pinyin_key(name) and key for name, key in instruments)
    regions = list(Region.objects.values_list("short_name", "short_name_pinyin"))
    assert all(key == pinyin_key(name) and key for name, key in regions)
