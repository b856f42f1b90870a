"""Admin forms refuse to save over a version someone else saved in the meantime."""

import pytest
from django.urls import reverse

from measures.models import Mention
from tests.factories import client_for, form_data, make_staff
from tests.measures.test_publishing import PUBLISHER_PERMISSIONS

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(knowledge_base):
    return Mention.objects.get(measure__slug="reform-1", name="大气污染防治条例")


def opened(client, entry):
    url = reverse("admin:measures_mention_change", args=[entry.pk])
    return url, form_data(client.get(url).context["adminform"].form)


def test_the_second_of_two_editors_gets_a_conflict_not_a_silent_overwrite(entry):
    first = client_for(make_staff("first", *PUBLISHER_PERMISSIONS))
    second = client_for(make_staff("second", *PUBLISHER_PERMISSIONS))
    url, first_form = opened(first, entry)
    _url, second_form = opened(second, entry)

    assert first.post(url, {**first_form, "name": "大气污染防治条例（修订）"}).status_code == 302
    response = second.post(url, {**second_form, "action": "制定并修订"})

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    # Both versions are shown: what the first editor saved, and what the second entered.
    assert "大气污染防治条例（修订）" in errors and "制定并修订" in errors
    entry.refresh_from_db()
    assert (entry.name, entry.action) == ("大气污染防治条例（修订）", "修订")


def test_a_stale_form_does_not_republish_an_entry_unpublished_meanwhile(entry):
    editor = client_for(make_staff("editor", *PUBLISHER_PERMISSIONS))
    url, stale = opened(editor, entry)
    entry.status = "draft"
    entry.save()

    response = editor.post(url, stale)

    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.status == "draft"


def test_saving_after_reloading_works(entry):
    editor = client_for(make_staff("editor", *PUBLISHER_PERMISSIONS))
    url, stale = opened(editor, entry)
    entry.notes = "另一位编辑的说明"
    entry.save()
    _url, fresh = opened(editor, entry)

    assert editor.post(url, {**fresh, "action": "修订完善"}).status_code == 302
    entry.refresh_from_db()
    assert (entry.action, entry.notes) == ("修订完善", "另一位编辑的说明")
