"""The Frictionless Data Package of the whole published dataset."""

import csv
import io
import json
import zipfile

import pytest
from frictionless import Package, validate

from measures.models import Instrument, Measure, Mention, Source
from tests.factories import make_measure, make_mention, make_source

pytestmark = pytest.mark.django_db

ZIP = "/about/data/qhreform-data.zip"


def unpacked(client, directory):
    response = client.get(ZIP)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    body = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        archive.extractall(directory)
        names = set(archive.namelist())
    return names


def rows(directory, name):
    with open(directory / "data" / f"{name}.csv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_the_package_validates_with_frictionless(client, knowledge_base, tmp_path):
    names = unpacked(client, tmp_path)
    assert names == {"datapackage.json", *(f"data/{n}.csv" for n in RESOURCE_NAMES)}
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    package = Package(str(tmp_path / "datapackage.json"))
    assert package.licenses[0]["name"] == "CC-BY-4.0"
    assert {r.name for r in package.resources} == set(RESOURCE_NAMES)


RESOURCE_NAMES = ("instruments", "mentions", "measures", "regions", "types", "sources")


def list_page_instruments(client):
    instruments, number = set(), 1
    while True:
        page = client.get("/instruments/", {"page": number}).context["page"]
        instruments |= {entry.instrument_id for entry in page.object_list}
        if not page.has_next():
            return instruments
        number += 1


def test_its_row_counts_equal_the_lists(client, knowledge_base, tmp_path):
    unpacked(client, tmp_path)
    exported = json.loads(
        b"".join(client.get("/instruments/export.json", {"per": "mention"}).streaming_content)
    )
    mentions = rows(tmp_path, "mentions")
    assert len(mentions) == exported["count"] == Mention.objects.published().count() == 90
    instruments = rows(tmp_path, "instruments")
    assert {int(row["instrument_id"]) for row in instruments} == list_page_instruments(client)
    # Each instrument row is the instrument export's, counting all of its published mentions.
    assert sum(int(row["mention_count"]) for row in instruments) == 90
    assert len(instruments) == Instrument.objects.published().count()
    assert len(rows(tmp_path, "measures")) == Measure.objects.published().count()
    assert len(rows(tmp_path, "sources")) == 1


def test_the_mentions_are_the_exports_rows_with_their_links(client, knowledge_base, tmp_path):
    unpacked(client, tmp_path)
    exported = json.loads(
        b"".join(client.get("/instruments/export.json", {"per": "mention"}).streaming_content)
    )
    packaged = {row["id"]: row for row in rows(tmp_path, "mentions")}
    for row in exported["results"]:
        mine = packaged[str(row["id"])]
        for column, value in row.items():
            assert mine[column] == ("" if value is None else str(value)), column
        entry = Mention.objects.get(pk=row["id"])
        assert mine["instrument_id"] == str(entry.instrument_id)
        assert mine["measure_slug"] == entry.measure.slug


def test_drafts_are_not_in_the_package(client, knowledge_base, tmp_path):
    draft_source = make_source(slug="draft-article", status=Source.Status.DRAFT)
    make_mention(
        measure=Measure.objects.get(slug="reform-6"), name="草稿条例", status=Mention.Status.DRAFT
    )
    make_mention(measure=make_measure(source=draft_source, slug="draft-m"), name="草稿文章条例")
    unpacked(client, tmp_path)
    names = {row["instrument_name"] for row in rows(tmp_path, "mentions")}
    instruments = {row["instrument_name"] for row in rows(tmp_path, "instruments")}
    assert not {"草稿条例", "草稿文章条例"} & (names | instruments)
    assert "draft-m" not in {row["slug"] for row in rows(tmp_path, "measures")}
    assert "draft-article" not in {row["slug"] for row in rows(tmp_path, "sources")}


def test_the_descriptor_served_alone_points_at_each_csv(client, knowledge_base, tmp_path):
    unpacked(client, tmp_path)
    served = client.get("/about/data/datapackage.json").json()
    packed = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    for mine, theirs in zip(served["resources"], packed["resources"], strict=True):
        assert mine["path"] == f"http://testserver/about/data/{theirs['path']}"
        assert mine["schema"] == theirs["schema"]
        response = client.get(mine["path"].removeprefix("http://testserver"))
        assert response.status_code == 200
        body = b"".join(response.streaming_content).decode("utf-8")
        assert body == (tmp_path / theirs["path"]).read_bytes().decode("utf-8")
    assert client.get("/about/data/data/no-such-table.csv").status_code == 404
