"""An export reads its next chunk of rows while it writes the current one
(`exports.read_ahead`): every row arrives once and in order, an error in the reading reaches the
export, a download cut off stops the reading, and the file is the same however it is read."""

import csv
import io
import threading
import time

import pytest
from django.db import transaction

from bench.synthetic import seed_synthetic
from measures.browse import exports


def readers():
    return [thread for thread in threading.enumerate() if thread.name == "export-read-ahead"]


@pytest.mark.parametrize("count", [0, 1, 9, 10, 11, 35, 40])
def test_every_item_arrives_once_in_order(count):
    assert list(exports.read_ahead(iter(range(count)), 10)) == list(range(count))
    assert readers() == []


class Stopped(BaseException):
    """Not an Exception, as SystemExit and KeyboardInterrupt are not."""


@pytest.mark.parametrize("error", [ValueError("the connection was lost"), Stopped("stopped")])
def test_an_error_in_the_reading_is_raised_in_the_caller(error):
    def failing():
        yield from range(25)
        raise error

    received = []
    with pytest.raises(type(error), match=str(error)):
        for item in exports.read_ahead(failing(), 10):
            received.append(item)
    assert received == list(range(20))
    assert readers() == []


def test_stopping_early_stops_the_reading():
    read = []

    def endless():
        number = 0
        while True:
            read.append(number)
            yield number
            number += 1

    items = exports.read_ahead(endless(), 10)
    assert [next(items) for _ in range(15)] == list(range(15))
    items.close()
    assert readers() == []
    stopped_at = len(read)
    time.sleep(0.3)
    # Nothing more is read once the caller has stopped: at most the chunk after its own.
    assert len(read) == stopped_at <= 30


@pytest.fixture
def synthetic_mentions(reference_data):
    seed_synthetic(mentions=700, seed=1, per_source=100)


def csv_text(client):
    response = client.get("/instruments/export.csv?per=mention")
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_a_file_read_ahead_in_chunks_is_the_file_read_at_once(
    client, synthetic_mentions, monkeypatch
):
    whole = csv_text(client)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 64)
    in_chunks = csv_text(client)
    assert in_chunks == whole
    assert len(list(csv.reader(io.StringIO(in_chunks)))) == 1 + 700
    assert readers() == []


def test_a_download_cut_off_stops_the_reading(client, synthetic_mentions, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 64)
    # The export's transaction ends with the download: inside the test's own transaction, it
    # is rolled back to this savepoint.
    with transaction.atomic():
        response = client.get("/instruments/export.csv?per=mention")
        pieces = iter(response.streaming_content)
        assert next(pieces).startswith("\ufeffid,".encode())
        next(pieces)
        assert len(readers()) == 1
        response.close()
        assert readers() == []
