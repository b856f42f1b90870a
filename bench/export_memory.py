"""How the streamed exports scale: time and memory for 5,000 and then 50,000 entries.

    .venv/bin/python bench/export_memory.py                 # the CSV export, on SQLite
    .venv/bin/python bench/export_memory.py --formats csv json xlsx
    DATABASE_URL=postgres://… .venv/bin/python bench/export_memory.py

Builds a throwaway database (a temporary SQLite file, or a scratch database beside the one
DATABASE_URL names, dropped afterwards), fills it with synthetic entries, requests each export
through Django's test client and reads the response chunk by chunk, as a browser would. A
streamed export should take time in proportion to the rows and memory that does not grow with
them. Not a test: `make test` does not run it.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from itertools import cycle, islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from measures.models import InstrumentType, Measure, Mention, Source  # noqa: E402
from regions.models import Region  # noqa: E402

ARTICLE = (
    Path(__file__).resolve().parent.parent / "fixtures/source/qinghai-eco-reform-2024-12-26.txt"
)
SIZES = (5_000, 50_000)
BATCH = 5_000
MIB = 1024 * 1024


def create_throwaway_database(directory):
    """Point the connection at a fresh, migrated database; returns what to restore afterwards."""
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(Path(directory) / "bench.sqlite3")
    else:
        test_settings["NAME"] = f"{connection.settings_dict['NAME']}_bench_exports"
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return original_name


def create_measures():
    # The real article and paragraphs of its length, so rows weigh what real rows weigh.
    text = ARTICLE.read_text(encoding="utf-8")
    source = Source.objects.create(
        slug="synthetic-source",
        title="合成数据来源（synthetic）",
        publisher="synthetic",
        text=text,
        status=Source.Status.PUBLISHED,
    )
    kinds = [(Measure.Kind.REFORM, n) for n in range(1, 10)]
    kinds += [(Measure.Kind.DIRECTION, n) for n in range(1, 5)]
    return [
        Measure.objects.create(
            source=source,
            kind=kind,
            number=number,
            slug=f"synthetic-{kind}-{number}",
            title=f"合成措施{number}（synthetic）",
            body=text[:600],
            status=Measure.Status.PUBLISHED,
        )
        for kind, number in kinds
    ]


def add_synthetic_entries(first, count, measures, regions, types):
    """Entries numbered first … first+count-1, written in batches so the writer's memory stays low."""
    combinations = cycle(
        (measure, region, type_) for measure in measures for region in regions for type_ in types
    )
    numbers = iter(range(first, first + count))
    while batch := list(islice(numbers, BATCH)):
        Mention.objects.bulk_create(
            Mention(
                key=f"synthetic-{n}",
                name=f"合成条目{n}（synthetic）生态环境保护条例",
                action="制定",
                quote=f"合成句子{n}（synthetic）：某地制定生态环境保护条例，建立协同机制，推进改革。",
                start=n * 10,
                end=n * 10 + 5,
                measure=measure,
                region=region,
                type=type_,
                status=Mention.Status.PUBLISHED,
            )
            for n, (measure, region, type_) in zip(batch, combinations, strict=False)
        )


def read_export(client, fmt):
    """Request one export and read it chunk by chunk; (bytes, lines) received."""
    response = client.get(reverse(f"measures:export_{fmt}"))
    assert response.status_code == 200, response.status_code
    received = lines = 0
    for chunk in response.streaming_content:
        received += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    return received, lines


def max_rss_mib():
    # Linux reports kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_export(client, fmt, rows):
    """Time one export untraced, then trace a second one for its peak allocation."""
    rss_before = max_rss_mib()
    started = time.perf_counter()
    received, _lines = read_export(client, fmt)
    seconds = time.perf_counter() - started
    rss_after = max_rss_mib()

    tracemalloc.start()
    baseline, _peak = tracemalloc.get_traced_memory()
    read_export(client, fmt)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    return {
        "format": fmt,
        "rows": rows,
        "MiB sent": received / MIB,
        "seconds": seconds,
        "rows/s": rows / seconds,
        "peak growth MiB": (peak - baseline) / MIB,
        "max RSS MiB": rss_after,
        "max RSS growth MiB": rss_after - rss_before,
    }


def print_table(results):
    columns = list(results[0])
    print("  ".join(f"{name:>17}" for name in columns))
    for result in results:
        cells = []
        for name in columns:
            value = result[name]
            if isinstance(value, float):
                cells.append(f"{value:>17,.2f}")
            elif isinstance(value, int):
                cells.append(f"{value:>17,}")
            else:
                cells.append(f"{value:>17}")
        print("  ".join(cells))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--formats", nargs="+", default=["csv"], choices=["csv", "json", "xlsx"])
    options = parser.parse_args()

    setup_test_environment()
    with tempfile.TemporaryDirectory() as directory:
        original_name = create_throwaway_database(directory)
        try:
            call_command("loaddata", "regions", "instrument_types", verbosity=0)
            measures = create_measures()
            regions = list(Region.objects.all())
            types = list(InstrumentType.objects.all())
            client = Client()
            print(f"database: {connection.vendor}, formats: {', '.join(options.formats)}")
            results, created = [], 0
            for size in SIZES:
                add_synthetic_entries(created, size - created, measures, regions, types)
                created = size
                assert Mention.objects.published().count() == size
                results += [measure_export(client, fmt, size) for fmt in options.formats]
            print_table(results)
        finally:
            connection.creation.destroy_test_db(original_name, verbosity=0)


if __name__ == "__main__":
    main()
