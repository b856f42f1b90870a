"""Pages served from the page cache against the same pages rendered: `make bench-cache`.

Environment (all optional):

BENCH_CACHE_DATABASE_URL  the database (default postgres://qhreform:qhreform@127.0.0.1:5432/
                          qhreform_bench_cache): created, migrated, loaded and seeded each run
BENCH_ENTRIES             synthetic entries (default 100000)
BENCH_REDIS_URL           the Redis server for the cache (default redis://127.0.0.1:6390/1,
                          the server .ci/run starts, in a database of its own)
BENCH_DURATION            seconds of load per page and concurrency (default 5)
BENCH_CONNECTIONS         concurrent connections for the throughput runs (default 8)

gunicorn with the project's configuration (bench/server.py) serves the same pages twice: with the
page cache off, then with it on and the cache in Redis. wrk asks each page with one connection
(latency) and with BENCH_CONNECTIONS (throughput), as an anonymous reader without cookies. Prints a table and
writes the figures as JSON under bench/results/.
"""

import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench.pages import middle_entry_sql  # noqa: E402
from bench.run import parse_wrk  # noqa: E402
from bench.server import prepare, say, serve  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_CACHE_DATABASE_URL", "postgres://qhreform:qhreform@127.0.0.1:5432/qhreform_bench_cache"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6390/1")
ENTRIES = int(os.environ.get("BENCH_ENTRIES", "100000"))
DURATION = int(os.environ.get("BENCH_DURATION", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
RESULTS = ROOT / "bench" / "results"

PAGES = (
    ("floor (bare view)", "/bench/floor/"),
    ("home", "/"),
    ("prefecture 632800", "/regions/632800/"),
    ("list, unfiltered + facets", "/instruments/"),
    ("list, selective filter", "/instruments/?region=632823&type=project"),
    ("list, search 西宁 (2 chars)", "/instruments/?q=%E8%A5%BF%E5%AE%81"),
    ("entry page", "/mentions/{entry}/"),
)


def wrk(port, path, connections):
    result = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{DURATION}s"]
        + ["--timeout", "60s", "--latency", f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_wrk(result.stdout)


@contextmanager
def server(log, **environment):
    with (
        mock.patch.dict(os.environ, environment),
        serve(DATABASE_URL, log=log, workers=5) as (
            port,
            _master,
        ),
    ):
        yield port


def measure(port, entry):
    figures = {}
    for label, path in PAGES:
        path = path.format(entry=entry)
        wrk(port, path, 1)  # warm: fills the cache, loads the code
        idle = wrk(port, path, 1)
        load = wrk(port, path, CONNECTIONS)
        figures[label] = {"path": path, "idle": idle, "load": load}
        say("cache", f"{label}: {load['rps']:,.1f} req/s at c{CONNECTIONS}, p50 {idle['p50']} ms")
    return figures


def main():
    prepare(DATABASE_URL, entries=ENTRIES, tool="cache")
    with psycopg.connect(DATABASE_URL) as connection:
        connection.autocommit = True
        connection.execute("VACUUM (ANALYZE)")
        entry = connection.execute(*middle_entry_sql(1)).fetchone()[0]
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    results = {"started": stamp, "entries": ENTRIES, "duration": DURATION}
    with open(RESULTS / f"gunicorn-cache-{stamp}.log", "w") as log:
        say("cache", "pages rendered (page cache off)")
        with server(log, DJANGO_PAGE_CACHE="0", REDIS_URL="") as port:
            results["uncached"] = measure(port, entry)
        time.sleep(2)
        say("cache", f"pages from the page cache in Redis ({REDIS_URL})")
        with server(log, DJANGO_PAGE_CACHE="1", REDIS_URL=REDIS_URL) as port:
            results["cached"] = measure(port, entry)
    report(results)
    path = RESULTS / f"bench-cache-{stamp}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\nFigures saved to {path.relative_to(ROOT)}")


def report(results):
    floor = {kind: results[kind][PAGES[0][0]]["load"]["rps"] for kind in ("uncached", "cached")}
    print(
        f"\n| page | uncached req/s (c{CONNECTIONS}) | p50 ms (c1) | × floor "
        f"| cached req/s (c{CONNECTIONS}) | p50 ms (c1) | × floor |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, _path in PAGES:
        cells = []
        for kind in ("uncached", "cached"):
            figures = results[kind][label]
            rps = figures["load"]["rps"]
            cells += [f"{rps:,.1f}", f"{figures['idle']['p50']:,.1f}", f"{rps / floor[kind]:.2f}"]
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
