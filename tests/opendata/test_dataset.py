"""The dataset's version, changelog and citation, and the /about/data/ page."""

import json
import re

import pytest
from django.contrib.auth import get_user_model

from measures.models import Measure, Mention, Source
from opendata.dataset import ADDED, CHANGED, UNPUBLISHED, changelog, dataset_version
from tests.factories import make_measure, make_mention, make_source

pytestmark = pytest.mark.django_db

PAGE = "/about/data/"


def test_the_shipped_knowledge_base_is_a_version_with_its_changes(knowledge_base):
    version = dataset_version()
    log = changelog()
    assert version.number == log.count > 90
    added = [c for c in log.latest if c.action == ADDED and c.kind == "mention"]
    assert len(added) == 90
    assert version.updated == max(c.when for c in log.latest)


def test_publishing_changing_and_unpublishing_an_entry_each_make_a_new_version(knowledge_base):
    measure = Measure.objects.get(slug="reform-6")
    start = dataset_version()
    entry = make_mention(measure=measure, name="新条例", status=Mention.Status.DRAFT)
    # A draft changes nothing published.
    assert dataset_version() == start
    entry.quote = "草稿的句子。"
    entry.save()
    assert dataset_version() == start

    entry.status = Mention.Status.PUBLISHED
    entry.save()
    published = dataset_version()
    assert published.number == start.number + 1
    assert published.updated > start.updated
    assert changelog().latest[-1].action == ADDED

    entry.quote = "改过的句子。"
    entry.save()
    assert dataset_version().number == published.number + 1
    assert changelog().latest[-1].action == CHANGED

    # Saved without any change the public sees: no new version.
    entry.notes = "编辑备注"
    entry.save()
    assert dataset_version().number == published.number + 1

    entry.status = Mention.Status.DRAFT
    entry.save()
    assert changelog().latest[-1].action == UNPUBLISHED
    assert dataset_version().number == published.number + 2


def test_deleting_a_published_entry_is_an_unpublished_change(knowledge_base):
    start = dataset_version()
    entry = Mention.objects.published().get(name="大气污染防治条例")
    entry.delete()
    last = changelog().latest[-1]
    assert (last.action, last.kind, last.label) == (UNPUBLISHED, "mention", "大气污染防治条例")
    assert dataset_version().number == start.number + 1


def test_an_articles_entries_count_once_the_article_is_published(knowledge_base):
    source = make_source(slug="new-article", status=Source.Status.DRAFT)
    measure = make_measure(source=source, slug="new-article-reform-1")
    make_mention(measure=measure, name="新文章的条例")
    start = dataset_version()
    assert start.number == changelog().count
    assert "新文章的条例" not in {c.label for c in changelog().latest}
    source.status = Source.Status.PUBLISHED
    source.save()
    # The article is published (with its measure and entry, which were published already).
    assert dataset_version().number == start.number + 1
    assert changelog().latest[-1].kind == "source"


def test_the_page_states_licence_version_update_and_source(client, knowledge_base):
    html = client.get("/en" + PAGE).content.decode()
    version = dataset_version()
    assert "CC BY 4.0" in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in html
    assert f"<dd>{version.label} " in html
    assert version.updated.strftime("%Y-%m-%d") in html
    assert "青海九项措施进一步全面深化生态环境领域改革" in html
    for link in ("/about/data/qhreform-data.zip", "/about/data/datapackage.json", "/api/"):
        assert f'href="{link}"' in html


def test_the_changelog_lists_published_changes_without_editors_or_drafts(client, knowledge_base):
    editor = get_user_model().objects.create_user("zhang-editor-7", password="x")
    measure = Measure.objects.get(slug="reform-6")
    make_mention(measure=measure, name="草稿条例", status=Mention.Status.DRAFT)
    entry = Mention.objects.published().get(name="大气污染防治条例")
    entry._history_user = editor
    entry.quote += "（更正）"
    entry.save()
    html = client.get("/en" + PAGE).content.decode()
    assert "changed</td>" in html
    assert "大气污染防治条例" in html
    assert "草稿条例" not in html
    assert entry.history.first().history_user == editor  # the history knows who …
    assert "zhang-editor-7" not in html  # … the changelog does not say


def citations(html):
    text = re.search(r'<details class="cite">.*?<p>(.*?)</p>', html, re.S).group(1)
    pres = re.findall(r"<pre>(.*?)</pre>", html, re.S)
    return text, pres[0], json.loads(pres[1].replace("&quot;", '"').replace("&#x27;", "'"))


def test_the_dataset_has_a_citation_in_three_forms(client, knowledge_base):
    html = client.get("/en" + PAGE).content.decode()
    text, bibtex, csl = citations(html)
    version = dataset_version().label
    assert f"Version {version}" in text
    # The page's own address, in the language it was read in.
    assert "http://testserver/en/about/data/" in text
    assert "《青海九项措施进一步全面深化生态环境领域改革》 (中国环境APP, 2024-12-26)" in text
    assert bibtex.startswith(f"@dataset{{qhreform_v{version},")
    assert f"version = {{{version}}}" in bibtex
    assert csl[0]["type"] == "dataset"
    assert csl[0]["version"] == version
    assert csl[0]["URL"] == "http://testserver/en/about/data/"


@pytest.mark.parametrize("kind", ["instruments", "mentions"])
def test_every_entry_page_says_how_to_cite_it(client, knowledge_base, kind):
    entry = Mention.objects.published().get(name="大气污染防治条例")
    pk = entry.instrument_id if kind == "instruments" else entry.pk
    html = client.get(f"/en/{kind}/{pk}/").content.decode()
    text, bibtex, csl = citations(html)
    url = f"http://testserver/en/{kind}/{pk}/"
    assert "“大气污染防治条例”" in text and url in text
    assert "青海九项措施进一步全面深化生态环境领域改革" in text
    assert f"url = {{{url}}}" in bibtex
    assert csl[0]["URL"] == url
    assert csl[0]["container-title"] == "Qinghai eco-environment reform knowledge base"


def test_every_page_links_the_open_data_page(client, knowledge_base):
    for path in ("/", "/regions/632800/", "/instruments/", "/matrix/"):
        assert f'href="{PAGE}"' in client.get(path).content.decode(), path
