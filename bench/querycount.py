"""SQL queries per page, and where a request's time goes, in-process through the test client.

    DATABASE_URL=postgres://… DJANGO_SETTINGS_MODULE=bench.settings \
        .venv/bin/python bench/querycount.py --seed 1

Prints one JSON object: {"entries": n, "pages": {label: {"queries", "app_cpu_ms", "sql_ms",
"wall_ms"}}}. bench/run.py runs it against the 100-entry database and the 100,000-entry one: a
page whose query count differs between the two issues queries per row. The times (medians of
a few requests, no server, no concurrency) split a request into the Python process's own CPU
time and the time its SQL took, which other load on the machine disturbs much less than
wall-clock figures.
"""

import argparse
import importlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

# Set up as a gunicorn worker is (qhreform/wsgi.py): with its URLconf loaded and what it loaded
# at start frozen out of the garbage collector's full collections, which otherwise walk every
# object loaded and add a third to an export's CPU time.
importlib.import_module("qhreform.wsgi")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.pages import EXPORT, PAGES, entry_to_measure  # noqa: E402
from measures.models import Mention  # noqa: E402


def measure(client, path):
    """(queries, app CPU ms, SQL ms, wall ms) of one request, its body read to the end."""
    with CaptureQueriesContext(connection) as captured:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
        else:
            response.content  # noqa: B018
        cpu, wall = time.process_time() - cpu, time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    sql = sum(float(query["time"]) for query in captured.captured_queries)
    return len(captured), cpu * 1000, sql * 1000, wall * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5, help="Requests timed per page.")
    options = parser.parse_args()
    with connection.cursor() as cursor:

        def fetch_one(sql, params):
            cursor.execute(sql, params)
            return cursor.fetchone()

        entry = entry_to_measure(fetch_one, options.seed)
    client = Client(HTTP_HOST="127.0.0.1")
    pages = {}
    for label, path in (*PAGES, EXPORT):
        path = path.format(entry=entry)
        measure(client, path)  # the first request fills per-process caches
        runs = [measure(client, path) for _ in range(1 if path == EXPORT[1] else options.runs)]
        queries = {run[0] for run in runs}
        pages[label] = {
            "queries": max(queries),
            "queries_vary": len(queries) > 1,
            "app_cpu_ms": statistics.median(run[1] for run in runs),
            "sql_ms": statistics.median(run[2] for run in runs),
            "wall_ms": statistics.median(run[3] for run in runs),
        }
    print(json.dumps({"entries": Mention.objects.published().count(), "pages": pages}))


if __name__ == "__main__":
    main()
