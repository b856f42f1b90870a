"""The SQLite default at 100,000 entries against Datasette serving the same file, interleaved:
`make bench-datasette` (Datasette itself: `pip install '.[bench-datasette]'`).

Environment (all optional):

BENCH_SQLITE_PATH   the SQLite file (default bench/results/bench-sqlite.sqlite3); migrated,
                    loaded and seeded when it does not hold the same entries and seed
BENCH_ENTRIES       synthetic entries (default 100000)
BENCH_SEED          seed of the synthetic entries (default 1)
BENCH_ROUNDS        measured rounds of every request on both servers (default 20)
BENCH_CSV_RUNS      downloads of the whole CSV from each server (default 3)

qhreform runs under gunicorn with the project's configuration (bench/server.py: DEBUG off,
bench.settings) and the page cache off, so pages are rendered each time. Datasette serves the
same file immutable (`-i`, read-only, its row count read once), with facet suggestions off,
pages of 50 rows as qhreform's list, and time limits raised so that no facet or count is
skipped for taking long (each response is checked to hold all three facets). Both get the same
requests: a county and a type, the whole table with facets on region, type and measure, and a
two-character search. qhreform's search 西宁 finds the entries of the region 西宁市 and of its
units, and those whose name holds 西宁; Datasette gets the same rows with `_where=region_id
IN (…) OR name LIKE '%西宁%'`, and as a second row the plain `name__contains=西宁` a user of
its filters would type. What differs is said in docs/performance.md ("SQLite against
Datasette").

Each round asks every request of one server, then of the other, on one keep-alive connection
per server, alternating which server goes first; the first two rounds warm both up and are
not counted. Then, once every gunicorn worker has served small exports, each server streams its whole CSV
BENCH_CSV_RUNS times, alternately:
time to first byte, rows per second. Prints the table, whether qhreform is at least twice as
fast as Datasette on every request and whether its CSV's first byte comes within 50 ms, and
writes the figures as JSON (and both servers' logs) under bench/results/.
"""

import http.client
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import (  # noqa: E402
    SQLITE_PATH,
    free_port,
    prepare_sqlite,
    say,
    serve,
    stop,
    stream_export,
)

RESULTS = ROOT / "bench" / "results"
PATH = SQLITE_PATH
ENTRIES = int(os.environ.get("BENCH_ENTRIES", "100000"))
SEED = int(os.environ.get("BENCH_SEED", "1"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))
CSV_RUNS = int(os.environ.get("BENCH_CSV_RUNS", "3"))
WARMUP = 2
STAMP = datetime.now().strftime("%Y%m%d-%H%M%S")
DATASETTE = Path(sys.executable).parent / "datasette"

TARGETS = {"times_faster": 2.0, "csv_first_byte_ms": 50}

COUNTY, TYPE, CITY, WORD = "632823", "project", "630100", "西宁"
FACETS = [("_facet", "region_id"), ("_facet", "type_id"), ("_facet", "measure_id")]


def tell(message):
    say("bench-datasette", message)


# The file -----------------------------------------------------------------------------------------


def read(sql, params=()):
    with sqlite3.connect(f"file:{PATH}?mode=ro", uri=True) as conn:
        return conn.execute(sql, params).fetchall()


def requests():
    """(label, qhreform path, Datasette path) of each request, with Datasette's ids for the
    natural identifiers qhreform takes."""
    county = read_id("regions_region", "code", COUNTY)
    kind = read_id("measures_instrumenttype", "slug", TYPE)
    # The city and every unit below it, as qhreform's search reads a word naming a region.
    units = [
        row[0]
        for row in read(
            "WITH RECURSIVE units(id) AS (SELECT id FROM regions_region WHERE code = ? "
            "UNION SELECT r.id FROM regions_region r JOIN units ON r.parent_id = units.id) "
            "SELECT id FROM units ORDER BY id",
            [CITY],
        )
    ]
    table = f"/{quote(PATH.stem)}/measures_mention"
    same_rows = f"region_id IN ({', '.join(map(str, units))}) OR name LIKE '%{WORD}%'"
    search = "/instruments/?" + urlencode({"q": WORD})
    return [
        (
            f"county {COUNTY} and type {TYPE}",
            f"/instruments/?region={COUNTY}&type={TYPE}",
            table + "?" + urlencode([("region_id", county), ("type_id", kind), *FACETS]),
        ),
        ("unfiltered, with facets", "/instruments/", table + "?" + urlencode(FACETS)),
        (
            f"search {WORD} (Datasette: _where, the same rows)",
            search,
            table + "?" + urlencode([("_where", same_rows), *FACETS]),
        ),
        (
            f"search {WORD} (Datasette: name__contains)",
            search,
            table + "?" + urlencode([("name__contains", WORD), *FACETS]),
        ),
    ]


# Datasette ----------------------------------------------------------------------------------------


def start_datasette(port, log):
    if not DATASETTE.exists():
        raise SystemExit(
            "Datasette is not installed in this environment: "
            "pip install '.[bench-datasette]' (or run make bench-datasette)"
        )
    settings = {
        "suggest_facets": "off",
        # qhreform's list shows 50 rows a page.
        "default_page_size": "50",
        # Datasette drops a facet or a count that takes longer than its limit (200 ms and 1 s
        # by default) and answers faster for it: here every one must be computed.
        "facet_time_limit_ms": "60000",
        "sql_time_limit_ms": "60000",
    }
    command = [str(DATASETTE), "serve", "-i", str(PATH), "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    for name, value in settings.items():
        command += ["--setting", name, value]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while fetch(port, "/-/versions.json")[0] != 200:
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise SystemExit(f"Datasette did not start; see {log.name}")
        time.sleep(0.3)
    return process


def check_datasette(port, path):
    """Rows Datasette matched for `path`, after checking that it computed every facet."""
    table, _, query = path.partition("?")
    status, body, _ = fetch(port, f"{table}.json?{query}")
    if status != 200:
        raise SystemExit(f"Datasette answered {status} to {path}")
    answer = json.loads(body)
    missing = {value for _, value in FACETS} - set(answer["facet_results"])
    if missing:
        raise SystemExit(f"Datasette left out the facets {sorted(missing)} of {path}")
    return answer["filtered_table_rows_count"]


# Requests -----------------------------------------------------------------------------------------


def fetch(port, path, conn=None):
    """(status, body, milliseconds to the last byte); on `conn` when given, reopened once if
    the server closed it while idle."""
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                return response.status, body, (time.perf_counter() - started) * 1000
            except (ConnectionError, http.client.HTTPException):
                conn.close()
                if attempt == 2 or own:
                    return None, b"", None
    finally:
        if own:
            conn.close()


def warm_exports(ports, paths):
    """Small exports on fresh connections, four at a time, so that every gunicorn worker (the
    pages went to one, on one connection) has loaded the URLconf and the export's code: the
    first request of a worker takes some 450 ms more, which is no export's cost."""
    small = {
        "qhreform": f"&region={COUNTY}&type={TYPE}",
        "datasette": f"&type_id={read_id('measures_instrumenttype', 'slug', TYPE)}",
    }
    with ThreadPoolExecutor(4) as pool:
        for name, port in ports.items():
            list(pool.map(fetch, [port] * 24, [paths[name] + small[name]] * 24))


def read_id(table, column, value):
    return read(f"SELECT id FROM {table} WHERE {column} = ?", [value])[0][0]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def interleave(ports, pairs):
    """{server: [[ms of each round] per request]}, every request of both servers per round."""
    conns = {name: http.client.HTTPConnection("127.0.0.1", port) for name, port in ports.items()}
    times = {name: [[] for _ in pairs] for name in ports}
    order = list(ports)
    for number in range(WARMUP + ROUNDS):
        for name in order:
            for index, pair in enumerate(pairs):
                path = pair[1] if name == "qhreform" else pair[2]
                status, _, ms = fetch(ports[name], path, conns[name])
                if status != 200:
                    raise SystemExit(f"{name} answered {status} to {path}")
                if number >= WARMUP:
                    times[name][index].append(ms)
        order.reverse()
        if number >= WARMUP and (number - WARMUP + 1) % 5 == 0:
            tell(f"round {number - WARMUP + 1} of {ROUNDS}")
    for conn in conns.values():
        conn.close()
    return times


# Report -------------------------------------------------------------------------------------------


def report(pairs, counts, times, exports):
    pages = []
    print()
    print("qhreform p50/p90 ms  Datasette p50/p90 ms  ratio  ≥ 2× faster  request")
    for index, (label, ours, theirs) in enumerate(pairs):
        mine, other = times["qhreform"][index], times["datasette"][index]
        row = {
            "request": label,
            "qhreform_path": ours,
            "datasette_path": theirs,
            "datasette_rows": counts[index],
            "qhreform_ms": {"p50": statistics.median(mine), "p90": percentile(mine, 0.9)},
            "datasette_ms": {"p50": statistics.median(other), "p90": percentile(other, 0.9)},
        }
        row["ratio"] = row["datasette_ms"]["p50"] / row["qhreform_ms"]["p50"]
        row["met"] = row["ratio"] >= TARGETS["times_faster"]
        pages.append(row)
        # The label last: its Chinese characters are twice as wide as a column.
        print(
            f"{row['qhreform_ms']['p50']:8.1f} /{row['qhreform_ms']['p90']:7.1f}"
            f"     {row['datasette_ms']['p50']:8.1f} /{row['datasette_ms']['p90']:7.1f}"
            f"    {row['ratio']:5.2f}  {'yes' if row['met'] else 'no':<11}  {label}"
        )
    print()
    print("CSV, every row       first byte ms (median)   rows/s (median)   rows     MiB")
    csv = {}
    for name, runs in exports.items():
        csv[name] = {
            "runs": runs,
            "first_byte_ms": statistics.median(run["ttfb_ms"] for run in runs),
            "rows_per_s": statistics.median(run["rows_per_s"] for run in runs),
        }
        print(
            f"{name:<20} {csv[name]['first_byte_ms']:14.1f}   {csv[name]['rows_per_s']:18,.0f}"
            f"   {runs[0]['rows']:,}  {runs[0]['MiB']:6.1f}"
        )
    print()
    faster = all(row["met"] for row in pages)
    first_byte = csv["qhreform"]["first_byte_ms"] <= TARGETS["csv_first_byte_ms"]
    print(f"qhreform ≥ 2× faster than Datasette on every request: {'met' if faster else 'MISSED'}")
    print(f"qhreform's CSV first byte ≤ 50 ms: {'met' if first_byte else 'MISSED'}")
    return {"pages": pages, "csv": csv, "met": {"times_faster": faster, "first_byte": first_byte}}


def main():
    RESULTS.mkdir(parents=True, exist_ok=True)
    # Pages rendered each time, as a cache would hide what the file and the code cost.
    os.environ["DJANGO_PAGE_CACHE"] = "0"
    url = prepare_sqlite(PATH, entries=ENTRIES, seed=SEED, tool="bench-datasette")
    pairs = requests()
    datasette_port = free_port()
    with (
        open(RESULTS / f"datasette-{STAMP}-gunicorn.log", "w") as gunicorn_log,
        open(RESULTS / f"datasette-{STAMP}-datasette.log", "w") as datasette_log,
        serve(url, log=gunicorn_log) as (port, _),
    ):
        datasette = start_datasette(datasette_port, datasette_log)
        try:
            ports = {"qhreform": port, "datasette": datasette_port}
            counts = [check_datasette(datasette_port, theirs) for _, _, theirs in pairs]
            for (label, _, _), count in zip(pairs, counts, strict=True):
                tell(f"Datasette: {count:,} rows for {label}")
            tell(f"{ROUNDS} rounds (+{WARMUP} to warm up), one connection per server")
            times = interleave(ports, pairs)
            paths = {
                "qhreform": "/instruments/export.csv?per=mention",
                "datasette": f"/{quote(PATH.stem)}/measures_mention.csv?_stream=on&_size=max",
            }
            warm_exports(ports, paths)
            exports = {name: [] for name in ports}
            for _ in range(CSV_RUNS):
                for name in ports:
                    exports[name].append(stream_export(ports[name], paths[name]))
        finally:
            stop(datasette)
    figures = report(pairs, counts, times, exports)
    versions = subprocess.run(
        [str(DATASETTE), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    output = RESULTS / f"datasette-{STAMP}.json"
    output.write_text(
        json.dumps(
            {
                "file": str(PATH),
                "entries": ENTRIES,
                "seed": SEED,
                "rounds": ROUNDS,
                "datasette": versions,
                "sqlite": sqlite3.sqlite_version,
                "targets": TARGETS,
                **figures,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    tell(f"figures in {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
