import pytest
from django.contrib import admin
from django.urls import reverse

from measures.models import Measure
from tests.factories import form_data, make_mention

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)


@pytest.mark.parametrize("app_label,model_name", REGISTERED)
def test_every_admin_changelist_and_add_page_opens_for_a_superuser(
    admin_client, reference_data, app_label, model_name
):
    make_mention()
    for view in ("changelist", "add"):
        response = admin_client.get(reverse(f"admin:{app_label}_{model_name}_{view}"), follow=True)
        assert response.status_code == 200, (view, app_label, model_name)
    # An instrument is added with its first mention (tests/measures/test_evidence.py).
    if model_name == "instrument":
        assert response.redirect_chain == [(reverse("admin:measures_mention_add"), 302)]


def test_the_mention_changelist_lists_entries(admin_client, reference_data):
    make_mention(name="大气污染防治条例", region="630100", type="regulation")
    response = admin_client.get(reverse("admin:measures_mention_changelist"))
    assert "大气污染防治条例" in response.content.decode()


def test_an_entry_change_page_opens(admin_client, reference_data):
    entry = make_mention()
    response = admin_client.get(reverse("admin:measures_mention_change", args=[entry.pk]))
    assert response.status_code == 200


def test_the_admin_is_titled_with_the_sites_name(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "<title>知识库编辑 | 青海生态环境领域改革</title>" in html
    assert '<a href="/admin/">青海生态环境领域改革</a>' in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html


def test_the_admin_sign_in_page_is_titled_with_the_sites_name(client):
    html = client.get("/en/admin/login/").content.decode()
    assert "Qinghai eco-environment reform" in html
    assert "Django administration" not in html


def test_an_editor_gives_a_measure_its_english_title_and_english_pages_show_it(
    admin_client, client, knowledge_base
):
    measure = Measure.objects.get(slug="direction-2")
    url = reverse("admin:measures_measure_change", args=[measure.pk])
    form = admin_client.get(url).context["adminform"].form
    assert "title_en" in form.fields
    data = {**form_data(form), "title_en": "Better supervision, as an editor put it"}
    assert admin_client.post(url, data).status_code == 302
    html = client.get("/en/measures/direction-2/").content.decode()
    assert '<h1 lang="en">Better supervision, as an editor put it</h1>' in html
