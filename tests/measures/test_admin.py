"""Editors keep the knowledge base current through the admin: drafts, publishing, history."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches, reverse
from django.utils import translation

from measures.management.commands.make_editor import EDITORS_GROUP, make_editor
from measures.models import InstrumentType, Mention
from regions.models import Region
from tests.factories import (
    client_for,
    form_data,
    make_measure,
    make_mention,
    make_source,
    make_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the editors' messages in English; the site's default is Chinese.

    English is made the default, so that the admin's addresses without a prefix are English:
    the URL resolvers, which keep each language's prefixes, are made anew before and after."""
    settings.LANGUAGE_CODE = "en"
    clear_url_caches()
    with translation.override("en"):
        yield
    clear_url_caches()


TEXT = "一是测试措施。西宁市制定大气污染防治条例。海西州建立协同机制。"

EDITOR_PERMISSIONS = {
    "measures.add_mention",
    "measures.change_mention",
    "measures.view_mention",
    "measures.publish_mention",
    "measures.add_measure",
    "measures.change_measure",
    "measures.view_measure",
    "measures.add_source",
    "measures.change_source",
    "measures.view_source",
    "measures.view_instrumenttype",
    "measures.add_instrument",
    "measures.change_instrument",
    "measures.view_instrument",
    "measures.add_instrumentalias",
    "measures.change_instrumentalias",
    "measures.view_instrumentalias",
    "measures.add_stagerule",
    "measures.change_stagerule",
    "measures.view_stagerule",
    "regions.view_region",
}


def admin_url(view, *args):
    return reverse(f"admin:measures_mention_{view}", args=args)


def available_actions(changelist_response):
    action_form = changelist_response.context["action_form"]
    return set(dict(action_form.fields["action"].choices)) if action_form else set()


@pytest.fixture
def measure(reference_data):
    return make_measure(source=make_source(text=TEXT), number=1, slug="reform-1")


@pytest.fixture
def editor():
    return make_editor("editor", create=True).user


@pytest.fixture
def editor_client(editor):
    return client_for(editor)


def entry_form(measure, **changes):
    data = {
        "name": "大气污染防治条例",
        "type": InstrumentType.objects.get(slug="regulation").pk,
        "region": Region.objects.get(code="630100").pk,
        "measure": measure.pk,
        "action": "制定",
        "status": Mention.Status.DRAFT,
        "quote": "西宁市制定大气污染防治条例。",
        "start": "7",
        "end": "21",
        "notes": "",
        "evidence_url": "",
        "evidence_reference": "青海省生态环境厅工作简报",
    }
    data.update(changes)
    return data


def test_migrate_creates_the_editors_group_with_exactly_the_intended_permissions():
    group = Group.objects.get(name=EDITORS_GROUP)
    granted = {
        f"{permission.content_type.app_label}.{permission.codename}"
        for permission in group.permissions.select_related("content_type")
    }
    assert granted == EDITOR_PERMISSIONS
    assert not any(".delete_" in permission for permission in granted)
    assert not any(permission.startswith("auth.") for permission in granted)


def test_make_editor_creates_a_staff_editor_who_cannot_sign_in_until_given_a_password():
    change = make_editor("neweditor", create=True)

    user = change.user
    assert change.created
    assert user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [EDITORS_GROUP]
    assert user.has_perm("measures.publish_mention")
    assert not user.has_perm("measures.delete_mention")


def test_the_make_editor_command_explains_how_to_set_a_password(capsys):
    call_command("make_editor", "writer", "--create")

    assert "changepassword writer" in capsys.readouterr().out


def test_make_editor_refuses_an_unknown_user_without_create():
    with pytest.raises(CommandError, match="--create"):
        call_command("make_editor", "nobody")


def test_make_editor_dry_run_writes_nothing(django_user_model):
    make_editor("ghost", create=True, dry_run=True)

    assert not django_user_model.objects.filter(username="ghost").exists()


def test_an_editor_adds_an_entry_and_it_starts_as_a_draft(editor_client, editor, measure):
    add_page = editor_client.get(admin_url("add"))
    assert add_page.context["adminform"].form["status"].value() == Mention.Status.DRAFT

    response = editor_client.post(admin_url("add"), entry_form(measure))

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = Mention.objects.get()
    assert entry.status == Mention.Status.DRAFT
    assert entry.history.get().history_user == editor


def test_the_history_page_shows_both_versions_and_who_made_them(editor_client, measure):
    editor_client.post(admin_url("add"), entry_form(measure))
    entry = Mention.objects.get()
    editor_client.post(admin_url("change", entry.pk), entry_form(measure, name="大气污染防治办法"))

    response = editor_client.get(admin_url("history", entry.pk))

    page = response.content.decode()
    assert "大气污染防治条例" in page and "大气污染防治办法" in page
    versions = response.context["page_obj"].object_list
    assert [version.history_user.username for version in versions] == ["editor", "editor"]
    assert "editor</a>" in page


def test_an_editor_reverts_to_an_earlier_version_through_the_history_form(editor_client, measure):
    editor_client.post(admin_url("add"), entry_form(measure))
    entry = Mention.objects.get()
    first = entry.history.get()
    editor_client.post(admin_url("change", entry.pk), entry_form(measure, name="改错的名称"))

    revert_url = reverse("admin:measures_mention_simple_history", args=[entry.pk, first.history_id])
    form = editor_client.get(revert_url).context["adminform"].form
    response = editor_client.post(revert_url, form_data(form))

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.name == "大气污染防治条例"
    assert entry.history.count() == 3


def test_the_change_page_links_to_the_history_and_the_list_to_the_import(editor_client, measure):
    entry = make_mention(measure=measure)

    change_page = editor_client.get(admin_url("change", entry.pk)).content.decode()
    list_page = editor_client.get(admin_url("changelist")).content.decode()

    assert admin_url("history", entry.pk) in change_page
    assert admin_url("import") in list_page


def test_publishing_puts_a_draft_on_the_public_list_and_unpublishing_takes_it_off(
    editor_client, editor, measure
):
    entry = make_mention(measure=measure, name="草稿里的条例", status=Mention.Status.DRAFT)
    public_list = reverse("measures:instrument_list")
    assert "草稿里的条例" not in Client().get(public_list).content.decode()

    editor_client.post(
        admin_url("changelist"), {"action": "publish", "_selected_action": [entry.pk]}
    )

    entry.refresh_from_db()
    assert entry.status == Mention.Status.PUBLISHED
    assert "草稿里的条例" in Client().get(public_list).content.decode()
    latest = entry.history.first()
    assert latest.history_user == editor and latest.status == Mention.Status.PUBLISHED

    editor_client.post(
        admin_url("changelist"), {"action": "unpublish", "_selected_action": [entry.pk]}
    )

    entry.refresh_from_db()
    assert entry.status == Mention.Status.DRAFT
    assert "草稿里的条例" not in Client().get(public_list).content.decode()


def test_staff_without_the_publish_permission_get_no_publish_action(measure):
    clerk = make_staff(
        "clerk", "measures.view_mention", "measures.change_mention", "regions.view_region"
    )
    client = client_for(clerk)
    entry = make_mention(measure=measure, status=Mention.Status.DRAFT)

    changelist = client.get(admin_url("changelist"))
    actions = available_actions(changelist)
    client.post(admin_url("changelist"), {"action": "publish", "_selected_action": [entry.pk]})
    change_form = client.get(admin_url("change", entry.pk)).context["adminform"].form

    assert "publish" not in actions and "unpublish" not in actions
    entry.refresh_from_db()
    assert entry.status == Mention.Status.DRAFT
    assert "status" not in change_form.fields


def test_an_editor_cannot_delete(editor_client, measure):
    entry = make_mention(measure=measure)

    response = editor_client.get(admin_url("delete", entry.pk))
    changelist = editor_client.get(admin_url("changelist"))

    assert response.status_code == 403
    assert available_actions(changelist) == {"", "publish", "unpublish", "split_off"}
    assert Mention.objects.filter(pk=entry.pk).exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(admin_url("changelist"))

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={admin_url('changelist')}"


def test_a_blank_name_is_refused_with_a_message(editor_client, measure):
    response = editor_client.post(admin_url("add"), entry_form(measure, name="   "))

    assert "name" in response.context["adminform"].form.errors
    assert not Mention.objects.exists()


def test_a_whitespace_name_is_refused_by_the_model_for_every_form(measure):
    entry = Mention(
        measure=measure,
        region=Region.objects.get(code="630100"),
        type=InstrumentType.objects.get(slug="other"),
        name="  ",
    )

    with pytest.raises(ValidationError) as error:
        entry.full_clean()

    assert error.value.message_dict["name"] == ["The name cannot be blank."]


@pytest.mark.parametrize(
    "offsets,field,message",
    [
        ({"start": "21", "end": "7"}, "end", "must be greater than"),
        ({"start": "7", "end": "999"}, "end", f"has {len(TEXT)} characters"),
        ({"start": "7", "end": ""}, "end", "Give both"),
        ({"name_start": "12", "name_end": "12"}, "name_end", "must be greater than"),
    ],
)
def test_offsets_outside_the_source_text_are_refused_with_a_message(
    editor_client, measure, offsets, field, message
):
    response = editor_client.post(admin_url("add"), entry_form(measure, **offsets))

    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors.get(field, [])), errors
    assert not Mention.objects.exists()


def test_entries_read_from_the_article_keep_their_quote_and_offsets(editor_client, measure):
    entry = make_mention(
        measure=measure,
        parsed_digest="d" * 64,
        quote="西宁市制定大气污染防治条例。",
        start=7,
        end=21,
    )

    form = editor_client.get(admin_url("change", entry.pk)).context["adminform"].form
    editor_client.post(
        admin_url("change", entry.pk),
        {**form_data(form), "quote": "改写的句子。", "start": "0", "action": "修订"},
    )

    assert not {"quote", "start", "end", "name_start", "name_end", "is_document_title"} & set(
        form.fields
    )
    entry.refresh_from_db()
    assert (entry.quote, entry.start, entry.action) == ("西宁市制定大气污染防治条例。", 7, "修订")


def test_only_published_entries_link_to_their_public_page(editor_client, measure):
    published = make_mention(measure=measure, status=Mention.Status.PUBLISHED)
    draft = make_mention(measure=measure, status=Mention.Status.DRAFT)

    page = editor_client.get(admin_url("changelist")).content.decode()
    draft_page = editor_client.get(admin_url("change", draft.pk))

    assert f'href="{published.get_absolute_url()}"' in page
    assert f'href="{draft.get_absolute_url()}"' not in page
    assert not draft_page.context["has_absolute_url"]


def test_the_prefecture_filter_includes_sub_units_and_the_province_means_itself(
    editor_client, measure
):
    make_mention(measure=measure, region="632821", name="乌兰县的机制")
    make_mention(measure=measure, region="630100", name="西宁市的机制")
    make_mention(measure=measure, region="630000", name="全省的机制")

    def names(code):
        response = editor_client.get(admin_url("changelist"), {"prefecture": code})
        return {entry.name for entry in response.context["cl"].result_list}

    assert names("632800") == {"乌兰县的机制"}
    assert names("630000") == {"全省的机制"}
    choices = editor_client.get(admin_url("changelist")).context["cl"].filter_specs
    prefecture = next(
        spec for spec in choices if getattr(spec, "parameter_name", "") == "prefecture"
    )
    assert len(prefecture.lookup_choices) == 9


def test_the_prefecture_filter_includes_units_at_any_depth(editor_client, measure, village):
    make_mention(measure=measure, region=village, name="茶卡村的机制")

    response = editor_client.get(admin_url("changelist"), {"prefecture": "632800"})

    assert {entry.name for entry in response.context["cl"].result_list} == {"茶卡村的机制"}


def test_the_changelist_needs_as_many_queries_for_many_entries_as_for_one(editor_client, measure):
    def queries_for_changelist():
        editor_client.get(admin_url("changelist"))  # warm the session and permission caches
        with CaptureQueriesContext(connection) as queries:
            editor_client.get(admin_url("changelist"))
        return len(queries)

    make_mention(measure=measure)
    for_one = queries_for_changelist()
    for _ in range(20):
        make_mention(measure=measure, region="632821")

    assert queries_for_changelist() == for_one


def test_a_deleted_entry_keeps_its_history_and_can_be_restored(admin_client, measure):
    entry = make_mention(measure=measure, name="将被删除的条例")
    entry_id = entry.pk
    admin_client.post(admin_url("delete", entry_id), {"post": "yes"})
    assert not Mention.objects.filter(pk=entry_id).exists()

    deleted_list = admin_client.get(admin_url("deleted")).content.decode()
    history = admin_client.get(admin_url("history", entry_id))

    assert "将被删除的条例" in deleted_list and admin_url("history", entry_id) in deleted_list
    assert history.status_code == 200
    assert Mention.history.filter(id=entry_id).count() == 2

    created = Mention.history.filter(id=entry_id).last()
    revert_url = reverse(
        "admin:measures_mention_simple_history", args=[entry_id, created.history_id]
    )
    form = admin_client.get(revert_url).context["adminform"].form
    admin_client.post(revert_url, form_data(form))

    assert Mention.objects.get(pk=entry_id).name == "将被删除的条例"
    assert not admin_client.get(admin_url("deleted")).context["records"].exists()


@pytest.mark.parametrize(
    "model,can_add",
    [
        ("measures_mention", True),
        ("measures_measure", True),
        ("measures_source", True),
        ("measures_instrumenttype", False),
        ("regions_region", False),
    ],
)
def test_editors_add_entries_measures_and_sources_and_only_look_up_the_rest(
    editor_client, measure, model, can_add
):
    changelist = editor_client.get(reverse(f"admin:{model}_changelist"))
    add_page = editor_client.get(reverse(f"admin:{model}_add"))

    assert changelist.status_code == 200
    assert add_page.status_code == (200 if can_add else 403)


@pytest.mark.parametrize("model", ["source", "measure", "mention"])
def test_every_list_with_history_links_to_its_deleted_rows(editor_client, measure, model):
    deleted_url = reverse(f"admin:measures_{model}_deleted")

    changelist = editor_client.get(reverse(f"admin:measures_{model}_changelist"))

    assert deleted_url in changelist.content.decode()
    assert editor_client.get(deleted_url).status_code == 200


def test_an_added_entry_with_a_sentence_of_the_article_is_placed_in_it(editor_client, measure):
    editor_client.post(admin_url("add"), entry_form(measure, start="", end=""))

    entry = Mention.objects.get()
    sentence = "西宁市制定大气污染防治条例。"
    assert TEXT[entry.start : entry.end] == sentence
    assert TEXT[entry.name_start : entry.name_end] == "大气污染防治条例"


def test_an_added_entry_whose_sentence_the_article_lacks_stays_unplaced(editor_client, measure):
    editor_client.post(
        admin_url("add"), entry_form(measure, start="", end="", quote="西宁市修订某条例。")
    )

    entry = Mention.objects.get()
    assert (entry.start, entry.end, entry.name_start, entry.name_end) == (None, None, None, None)


def test_every_admin_save_says_in_the_history_what_it_changed(admin_client, measure):
    response = admin_client.post(admin_url("add"), entry_form(measure))
    assert response.status_code == 302
    entry = Mention.objects.get(name="大气污染防治条例")
    form = admin_client.get(admin_url("change", entry.pk)).context["adminform"].form
    data = {**form_data(form), "action": "修订"}
    assert admin_client.post(admin_url("change", entry.pk), data).status_code == 302

    reasons = list(
        entry.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons[0] in ("Added in the admin", "在管理后台添加")
    assert "action" in reasons[1].casefold() or "动作" in reasons[1]
    assert None not in reasons
