"""How fast the site is at 100,000 entries and more, through gunicorn, on PostgreSQL, and on the
embedded default, SQLite, at 100,000: `make bench`.

Environment (all optional):

BENCH_ENTRIES             synthetic entries, or several sizes separated by commas, each measured
                          on a database of its own (default 100000; e.g. 100000,1000000)
BENCH_DATABASE_URL        the database for 100,000 entries, or for the one size measured
                          (default postgres://qhreform:qhreform@127.0.0.1:5432/qhreform_bench);
                          other sizes get its name with the size appended: qhreform_bench_1m for
                          1,000,000, qhreform_bench_200000 for 200,000. Each is created,
                          migrated, loaded and seeded when needed
BENCH_SMALL_DATABASE_URL  the 100-entry database for the query counts (default: the same
                          server, database qhreform_bench_small)
BENCH_SEED                seed of the synthetic entries (default 1)
BENCH_REDIS_URL           Redis for the page cache's columns (default redis://127.0.0.1:6390/1,
                          the port .ci/run uses, a database of its own); started as .ci/run
                          does when it is local and does not answer; without Redis the cached
                          columns are left out
BENCH_DURATION            seconds of load per page and concurrency (default 10)
BENCH_CONNECTIONS         concurrent connections for the throughput runs (default 8)
BENCH_PORT                port for gunicorn (default: a free one)
BENCH_SQLITE              0 leaves out the pages on SQLite at 100,000 entries (default 1: measured
                          whenever 100000 is among BENCH_ENTRIES)
BENCH_SQLITE_PATH         the SQLite file for them (default bench/results/bench-sqlite.sqlite3,
                          the file `make bench-datasette` reads); migrated, loaded and seeded
                          when it does not hold the same entries and seed

Steps: start PostgreSQL if it is down (pg_ctlcluster, as .ci/run does); create the databases if
missing; migrate; load the knowledge base; seed the synthetic entries unless the same count and
seed are already there; VACUUM ANALYZE; the same for the SQLite file (bench/server.py's
prepare_sqlite, which `make bench-datasette` uses too), without ANALYZE: SQLite gathers no
statistics of its own, so the file is as a site on SQLite has it; count SQL queries per page at
100 entries and at each size (in-process, test client); collectstatic into a temporary
STATIC_ROOT. Then, for each size: gunicorn with the project's own configuration
(bench/server.py: qhreform/gunicorn.conf.py, DEBUG off, bench.settings, whose URLconf adds the
floor view) serves the pages with the page cache off, then again with it on in Redis; wrk on
loopback measures each page once with one connection (latency of a request on an idle server)
and once with BENCH_CONNECTIONS (throughput under load); at 100,000 entries, right after
PostgreSQL's pages with the page cache off, the same pages are measured the same way from the
SQLite file on a server of its own; then, on a freshly started server, a streaming client
measures the CSV export of every row: rows per second, time to first byte, total time and how
much the gunicorn workers' memory grows. Prints each page's figures at every size side by side
with the growth between the first size and the last, SQLite's p50 beside PostgreSQL's at
100,000 with their ratio, and the targets met or missed; writes the figures and the targets as
JSON, and the servers' log, under bench/results/ (ignored by git).

`bench/run.py bench/results/bench-….json` prints a saved run's tables and targets again.
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import redis  # noqa: E402
from psycopg import sql  # noqa: E402

from bench.pages import EXPORT, FLOOR, PAGES, entry_to_measure, synthetic_count_sql  # noqa: E402
from bench.server import (  # noqa: E402
    SQLITE_PATH,
    prepare_sqlite,
    serve,
    stream_export,
    worker_pids,
)

PYTHON = sys.executable

DEFAULT_URL = "postgres://qhreform:qhreform@127.0.0.1:5432/qhreform_bench"
BASE_URL = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
SMALL_DATABASE_URL = os.environ.get(
    "BENCH_SMALL_DATABASE_URL",
    urlunsplit(urlsplit(BASE_URL)._replace(path=urlsplit(BASE_URL).path + "_small")),
)
SIZES = tuple(sorted({int(size) for size in os.environ.get("BENCH_ENTRIES", "100000").split(",")}))
# The size the earlier figures were taken at: its database keeps the name it always had, and
# growth is measured from it.
REFERENCE = 100_000
SMALL_ENTRIES = 100  # in all, with the 90 of the shipped knowledge base
SEED = int(os.environ.get("BENCH_SEED", "1"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6390/1")
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
PORT = int(os.environ.get("BENCH_PORT", "0")) or None
# The embedded default is measured at REFERENCE entries only, beside PostgreSQL's figures there.
SQLITE = os.environ.get("BENCH_SQLITE", "1") != "0" and REFERENCE in SIZES
EXPORT_RUNS = 3
# The page cache keeps HTML pages only (qhreform/pagecache.py): the API's answers are the same
# with it on, so they are measured once, uncached.
CACHEABLE = tuple((label, path) for label, path in PAGES if not path.startswith("/api/"))
RESULTS = ROOT / "bench" / "results"
STAMP = datetime.now().strftime("%Y%m%d-%H%M%S")

# The performance issues' targets, every one in this table: (entries, measure, page, limit).
# Entries None: at every size measured; page None: every page but the floor. Measures: p50_ms,
# a page's median with one connection, page cache off; share_of_floor, its throughput with
# BENCH_CONNECTIONS over the floor's; cached_share_of_floor, the same for every page from the
# page cache; growth, every page's p50 at `entries` over its p50 at REFERENCE, cached and
# uncached; export_*, the CSV export of every row; no_more_queries, no page with more SQL
# queries than at 100 entries (a searched list may need one fewer once its words name too many
# instruments to read apart, measures/browse/bands.py); sqlite_over_postgresql, a page's p50 on SQLite over its p50 on
# PostgreSQL at the same size.
TARGETS = (
    (100_000, "p50_ms", "list, selective filter", 30),
    (100_000, "p50_ms", "list, unfiltered + facets", 150),
    # The read API's lists, held to the HTML list's budgets.
    (100_000, "p50_ms", "API list, unfiltered", 150),
    (100_000, "p50_ms", "API list, selective filter", 30),
    (100_000, "p50_ms", "API instruments, selective filter", 30),
    (100_000, "share_of_floor", "entry page", 0.40),
    (100_000, "export_rows_per_s", None, 50_000),
    (100_000, "export_growth_mib", None, 60),
    # The embedded default: every page on SQLite within 2× of PostgreSQL's p50.
    (100_000, "sqlite_over_postgresql", None, 2.0),
    (1_000_000, "growth", None, 1.5),
    (1_000_000, "p50_ms", "list, selective filter", 50),
    (1_000_000, "p50_ms", "list, unfiltered + facets", 100),
    (1_000_000, "p50_ms", "list, search 西宁 (2 chars)", 150),
    (1_000_000, "p50_ms", "home", 50),
    (1_000_000, "p50_ms", "prefecture 632800", 50),
    (1_000_000, "p50_ms", "matrix", 50),
    (1_000_000, "share_of_floor", "entry page", 0.40),
    (1_000_000, "cached_share_of_floor", None, 0.50),
    (1_000_000, "export_ttfb_ms", None, 200),
    (1_000_000, "export_rows_per_s", None, 100_000),
    (1_000_000, "export_growth_mib", None, 60),
    (None, "no_more_queries", None, None),
)


def say(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def short(entries):
    """1M, 100k, 2500: a size in a column's header or a database's name."""
    if entries % 1_000_000 == 0:
        return f"{entries // 1_000_000}M"
    if entries % 1_000 == 0:
        return f"{entries // 1_000}k"
    return str(entries)


def database_url(entries):
    """The database of a size: BENCH_DATABASE_URL itself for REFERENCE entries or a single size,
    otherwise its name with the size appended (qhreform_bench_1m, qhreform_bench_2000), so that
    each size keeps its data between runs and no run reseeds another size's database."""
    if entries == REFERENCE or (len(SIZES) == 1 and "BENCH_DATABASE_URL" in os.environ):
        return BASE_URL
    suffix = f"{entries // 1_000_000}m" if entries % 1_000_000 == 0 else str(entries)
    parts = urlsplit(BASE_URL)
    return urlunsplit(parts._replace(path=f"{parts.path}_{suffix}"))


# PostgreSQL -------------------------------------------------------------------------------------


def connect(url, *, dbname=None, attempts=30):
    """A connection, retried while the server starts or restarts."""
    parts = urlsplit(url)
    if dbname:
        url = urlunsplit(parts._replace(path="/" + dbname))
    for attempt in range(attempts):
        try:
            return psycopg.connect(url, autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as error:
            if "does not exist" in str(error) or attempt == attempts - 1:
                raise
            time.sleep(1)
    raise AssertionError("unreachable")


def ensure_server(url):
    try:
        connect(url, dbname="postgres", attempts=1).close()
        return
    except psycopg.OperationalError:
        pass
    clusters = (
        shutil.which("pg_lsclusters")
        and subprocess.run(
            ["pg_lsclusters", "-h"], capture_output=True, text=True, check=False
        ).stdout.split()
    )
    if not clusters:
        raise SystemExit(f"PostgreSQL does not answer at {url} and pg_ctlcluster is not here.")
    version, name = clusters[0], clusters[1]
    say(f"starting PostgreSQL {version}/{name}")
    subprocess.run(["pg_ctlcluster", version, name, "start"], check=True)
    connect(url, dbname="postgres").close()


def ensure_database(url):
    name = urlsplit(url).path.lstrip("/")
    with connect(url, dbname="postgres") as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            say(f"creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def synthetic_count(url, seed):
    with connect(url) as conn:
        return conn.execute(*synthetic_count_sql(seed)).fetchone()[0]


PUBLISHED_SQL = (
    "SELECT count(*) FROM measures_mention i "
    "JOIN measures_measure m ON m.id = i.measure_id "
    "JOIN measures_source s ON s.id = m.source_id "
    "WHERE i.status = 'published' AND s.status = 'published'"
)


def prepare(url, env, *, synthetic=None, total=None):
    """Migrated, loaded, and holding `synthetic` synthetic entries (or `total` entries in all,
    the knowledge base's included); seeding is skipped when the same rows are already there.

    Returns (published entries, id of a synthetic entry in the middle).
    """
    ensure_database(url)
    manage(["migrate", "--no-input", "-v", "0"], url, env)
    manage(["load_knowledge_base"], url, env)
    found = synthetic_count(url, SEED)
    if synthetic is None:
        with connect(url) as conn:
            everything = conn.execute("SELECT count(*) FROM measures_mention").fetchone()[0]
        synthetic = total - (everything - found)
    name = urlsplit(url).path[1:]
    if found == synthetic:
        say(f"{name}: {found:,} synthetic entries (seed {SEED}) already there")
    else:
        say(f"{name}: seeding {synthetic:,} synthetic entries (seed {SEED})")
        started = time.perf_counter()
        manage(
            ["seed_synthetic", "--mentions", str(synthetic), "--seed", str(SEED), "--replace"],
            url,
            env,
            quiet=True,
        )
        say(f"seeded in {time.perf_counter() - started:.1f} s")
    with connect(url) as conn:
        # Fresh statistics for the planner, and a visibility map for index-only scans: for the
        # summary's tables too, which a migration writes again.
        conn.execute(f"VACUUM (ANALYZE) {', '.join(VACUUMED)}")
        published = conn.execute(PUBLISHED_SQL).fetchone()[0]
        entry = entry_to_measure(lambda *query: conn.execute(*query).fetchone(), SEED)
    return published, entry


#: The tables `prepare` vacuums: the ones the pages read (the database's own catalogs, which a
#: plain VACUUM would try too, are the superuser's).
VACUUMED = (
    "measures_mention",
    "measures_measure",
    "measures_source",
    "measures_instrument",
    "measures_summarycell",
    "measures_summaryinstrument",
    "measures_summaryspread",
    "measures_summarymeasure",
)


def prepare_sqlite_file():
    """The SQLite file with REFERENCE synthetic entries: (DATABASE_URL, published entries, id of
    a synthetic entry in the middle)."""
    url = prepare_sqlite(SQLITE_PATH, entries=REFERENCE, seed=SEED)
    with contextlib.closing(sqlite3.connect(f"file:{SQLITE_PATH}?mode=ro", uri=True)) as conn:
        published = conn.execute(PUBLISHED_SQL).fetchone()[0]
        entry = entry_to_measure(
            lambda *query: conn.execute(*query).fetchone(), SEED, placeholder="?"
        )
    return url, published, entry


def manage(args, url, env, *, quiet=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env={**env, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    if not quiet:
        for line in result.stdout.splitlines():
            if line.strip():
                say(f"  {line.strip()}")


# gunicorn and Redis -----------------------------------------------------------------------------


def answers(client):
    try:
        return client.ping()
    except redis.RedisError:
        return False


@contextmanager
def page_cache_redis(url, log):
    """Yields a client of the Redis at `url`, or None when there is none. A local Redis that does
    not answer is started as .ci/run starts it (nothing written to disk) and stopped afterwards."""
    client = redis.Redis.from_url(url, socket_timeout=5)
    started = None
    parts = urlsplit(url)
    local = parts.hostname in ("127.0.0.1", "localhost")
    if not answers(client) and local and shutil.which("redis-server"):
        say(f"starting redis-server on port {parts.port}")
        started = subprocess.Popen(
            ["redis-server", "--port", str(parts.port or 6379), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--maxmemory", "256mb"]
            + ["--maxmemory-policy", "allkeys-lru"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(50):
            if answers(client):
                break
            time.sleep(0.2)
    if not answers(client):
        say(f"Redis does not answer at {url}: the cached columns are left out")
        client = None
    try:
        yield client
    finally:
        if started:
            started.terminate()
            started.wait()


def server_environment(url, cache):
    """The server's settings beyond bench/server.py's: the page cache off, or on in Redis under
    a key prefix of the database's own, so that two sizes never serve each other's pages."""
    environment = {"DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_LOG_LEVEL": "WARNING"}
    if cache is None:
        return {**environment, "DJANGO_PAGE_CACHE": "0", "REDIS_URL": ""}
    prefix = "qhreform-bench-" + urlsplit(url).path.lstrip("/")
    # Pages a previous run cached may be of other data: the seeding's writes reach no Redis.
    for key in cache.scan_iter(match=f"{prefix}:*"):
        cache.delete(key)
    return {
        **environment,
        "DJANGO_PAGE_CACHE": "1",
        "REDIS_URL": REDIS_URL,
        "DJANGO_CACHE_KEY_PREFIX": prefix,
    }


def wait_idle(master, timeout=300):
    """Wait until the workers stop using CPU: wrk leaves slow requests running when it stops."""
    deadline = time.monotonic() + timeout
    previous, quiet = None, 0
    while time.monotonic() < deadline and quiet < 2:
        used = 0
        for pid in worker_pids(master):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            used += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
        quiet = quiet + 1 if previous is not None and used - previous <= 2 else 0
        previous = used
        time.sleep(0.5)


def memory_kib(pid):
    """{"VmRSS": kB, "VmHWM": kB} of a process, or {} when it has gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return {key: int(value) for key, value in re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", text, re.M)}


# Load -------------------------------------------------------------------------------------------

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(port, path, connections, duration):
    threads = min(2, connections)
    url = f"http://127.0.0.1:{port}{path}"
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "60s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_wrk(result.stdout)


def parse_wrk(output):
    """Requests/s, p50/p99 in ms, requests, and errors from wrk's --latency report."""
    figures = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
    }
    for percent in ("50", "99"):
        match = re.search(rf"^\s+{percent}%\s+(\S+)", output, re.M)
        done = match and figures["requests"]
        figures[f"p{percent}"] = milliseconds(match.group(1)) if done else None
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", output)
    figures["errors"] = int(errors.group(1)) if errors else 0
    figures["timeouts"] = int(timeouts.group(1)) if timeouts else 0
    return figures


def warm(port, path, times=3):
    for _ in range(times):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as response:
            response.read()


def measure_export(port, master):
    """The export, EXPORT_RUNS times, with every worker's memory sampled while it streams."""
    pids = worker_pids(master)
    before = {pid: memory_kib(pid) for pid in pids}
    peaks = {pid: before[pid].get("VmRSS", 0) for pid in pids}
    done = threading.Event()

    def sample():
        while not done.is_set():
            for pid in pids:
                rss = memory_kib(pid).get("VmRSS", 0)
                peaks[pid] = max(peaks[pid], rss)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    runs = []
    try:
        for _ in range(EXPORT_RUNS):
            runs.append(stream_export(port, EXPORT[1]))
    finally:
        done.set()
        sampler.join()
    after = {pid: memory_kib(pid) for pid in pids}
    growth = {
        pid: {
            "rss_before_mib": before[pid].get("VmRSS", 0) / 1024,
            "rss_peak_growth_mib": (peaks[pid] - before[pid].get("VmRSS", 0)) / 1024,
            "hwm_growth_mib": (after[pid].get("VmHWM", 0) - before[pid].get("VmHWM", 0)) / 1024,
            "rss_after_mib": after[pid].get("VmRSS", 0) / 1024,
        }
        for pid in pids
        if before[pid] and after[pid]
    }
    return runs, growth


def measure_pages(url, entry, environment, log, pages):
    """Each of `pages`, with one connection and with BENCH_CONNECTIONS, on a server of its own."""
    figures = {}
    with serve(url, log=log, workers=None, port=PORT, environment=environment) as (port, master):
        # Every worker loads the URLconf, which the floor's figures must not include.
        wrk(port, "/bench/floor/", CONNECTIONS, 2)
        wait_idle(master.pid)
        for label, path in pages:
            path = path.format(entry=entry)
            warm(port, path)  # loads the code and, with the page cache on, fills it
            idle = wrk(port, path, 1, DURATION)
            wait_idle(master.pid)
            load = wrk(port, path, CONNECTIONS, DURATION)
            wait_idle(master.pid)
            say(f"  {label}: {load['rps']:,.1f} req/s at c{CONNECTIONS}, p50 {ms(idle['p50'])} ms")
            figures[label] = {"path": path, "idle": idle, "load": load}
    return figures


def measure_export_of(url, environment, log):
    """The export on a freshly started server, so that the workers' memory before it is what
    serving small requests takes, not the peak a heavy page left behind."""
    with serve(url, log=log, workers=None, port=PORT, environment=environment) as (port, master):
        wrk(port, "/bench/floor/", CONNECTIONS, 2)  # every worker loads the URLconf
        for _ in range(3 * CONNECTIONS):
            warm(port, EXPORT[1] + "&region=632823&type=project", times=1)
        wait_idle(master.pid)
        runs, memory = measure_export(port, master.pid)
    return {"runs": runs, "memory": memory}


def count_queries(url, env):
    result = subprocess.run(
        [PYTHON, "bench/querycount.py", "--seed", str(SEED)],
        cwd=ROOT,
        env={**env, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


# Report -----------------------------------------------------------------------------------------


def machine(url):
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    meminfo = Path("/proc/meminfo").read_text()
    memory = int(re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.M).group(1))
    with connect(url) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(memory / 2**20, 1),
        "cpu": model.group(1) if model else "unknown",
        "postgresql": postgres,
        "python": sys.version.split()[0],
        "load_average": os.getloadavg(),
    }


def table(headers, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]

    def line(cells):
        # The first column (labels) to the left, figures to the right.
        return "  ".join(
            f"{cell:<{widths[i]}}" if i == 0 else f"{cell:>{widths[i]}}"
            for i, cell in enumerate(cells)
        )

    print(line(headers))
    print("-" * len(line(headers)))
    for row in rows:
        print(line(row))


def ms(value):
    return "—" if value is None else f"{value:,.1f}"


def p50(figures):
    return figures["p50"] if figures["p50"] is not None else float("inf")


def share_of_floor(pages, label):
    """A page's throughput over the floor's on the same server (0 when the floor answered none
    in a run too short for a busy machine)."""
    floor = pages[FLOOR]["load"]["rps"]
    return pages[label]["load"]["rps"] / floor if floor else 0.0


def growth(sizes, kind, label, entries):
    """A page's p50 at `entries` over its p50 at the smallest size measured."""
    first = sizes[min(sizes)]["pages"][kind][label]["idle"]
    return p50(sizes[entries]["pages"][kind][label]["idle"]) / p50(first)


def sqlite_pages(results):
    """The pages measured on SQLite (page cache off), or None when the run has none."""
    return results.get("sqlite", {}).get("pages", {}).get("uncached")


def sqlite_over_postgresql(results, label):
    """A page's p50 on SQLite over its p50 on PostgreSQL at the same size."""
    postgresql = results["sizes"][results["sqlite"]["synthetic"]]["pages"]["uncached"]
    return p50(sqlite_pages(results)[label]["idle"]) / p50(postgresql[label]["idle"])


def export_figures(export):
    """(median rows/s, median time to first byte in ms, largest worker memory growth in MiB)."""
    return (
        statistics.median(run["rows_per_s"] for run in export["runs"]),
        statistics.median(run["ttfb_ms"] for run in export["runs"]),
        max(g["rss_peak_growth_mib"] for g in export["memory"].values()),
    )


def report(results):
    m, sizes = results["machine"], results["sizes"]
    print()
    print(
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB; PostgreSQL "
        f"{m['postgresql']}; Python {m['python']}; load average at start "
        f"{', '.join(f'{x:.2f}' for x in m['load_average'])}"
    )
    for entries, figures in sizes.items():
        print(
            f"Data: {figures['entries']:,} published entries ({entries:,} synthetic, seed "
            f"{results['seed']}) in {figures['database']}"
        )
    if sqlite_pages(results):
        lite = results["sqlite"]
        print(
            f"SQLite: {lite['entries']:,} published entries ({lite['synthetic']:,} synthetic, "
            f"seed {results['seed']}) in {lite['database']}, SQLite {lite['version']}"
        )
    print(
        f"{results['duration']} s per run; p50 with 1 connection, throughput with "
        f"{results['connections']}; × floor: a page's throughput over the floor's on the same "
        "server."
    )
    kinds = [kind for kind in ("uncached", "cached") if kind in sizes[min(sizes)]["pages"]]
    if "cached" not in kinds:
        print("No Redis answered: pages with the page cache on were not measured.")
    several = len(sizes) > 1
    for kind in kinds:
        print()
        # The same pages from the SQLite file, beside PostgreSQL's figures at the same size.
        sqlite = sqlite_pages(results) if kind == "uncached" else None
        lite = results["sqlite"]["synthetic"] if sqlite else None
        rows = []
        for label in sizes[min(sizes)]["pages"][kind]:
            row, flags = [label], 0
            for entries, figures in sizes.items():
                row.append(ms(figures["pages"][kind][label]["idle"]["p50"]))
                if entries == lite:
                    row += [
                        ms(sqlite[label]["idle"]["p50"]),
                        f"{sqlite_over_postgresql(results, label):.2f}",
                    ]
            if several:
                row.append(f"{growth(sizes, kind, label, max(sizes)):.2f}")
            for figures in sizes.values():
                pages = figures["pages"][kind]
                load = pages[label]["load"]
                row += [f"{load['rps']:,.1f}", f"{share_of_floor(pages, label):.3f}"]
                for run in (pages[label]["idle"], load):
                    flags += run["errors"] + run["timeouts"]
            if sqlite:
                load = sqlite[label]["load"]
                row += [f"{load['rps']:,.1f}", f"{share_of_floor(sqlite, label):.3f}"]
                for run in (sqlite[label]["idle"], load):
                    flags += run["errors"] + run["timeouts"]
            rows.append(row + ([f"{flags} errors or timeouts"] if flags else [""]))
        table(
            [f"{kind} page"]
            + [
                cell
                for n in sizes
                for cell in [f"p50 ms {short(n)}"]
                + ([f"p50 ms SQLite {short(n)}", "× SQLite/PG"] if n == lite else [])
            ]
            + ([f"× {short(max(sizes))}/{short(min(sizes))}"] if several else [])
            + [
                cell
                for n in sizes
                for cell in (f"req/s c{results['connections']} {short(n)}", f"× floor {short(n)}")
            ]
            + (
                [
                    f"req/s c{results['connections']} SQLite {short(lite)}",
                    f"× floor SQLite {short(lite)}",
                ]
                if sqlite
                else []
            )
            + [""],
            rows,
        )
        if sqlite:
            print(
                f"(SQLite {short(lite)}: the same pages from the SQLite file, measured the same "
                "way on a server of its own; × SQLite/PG: its p50 over PostgreSQL's)"
            )
    print()
    rows = []
    for entries, figures in sizes.items():
        export = figures["export"]
        growth_mib = export_figures(export)[2]
        hwm = max(g["hwm_growth_mib"] for g in export["memory"].values())
        for i, run in enumerate(export["runs"]):
            rows.append(
                [
                    f"{short(entries)}, run {i + 1}",
                    f"{run['rows']:,}",
                    f"{run['MiB']:.1f}",
                    f"{run['ttfb_ms']:.0f}",
                    f"{run['total_s']:.2f}",
                    f"{run['rows_per_s']:,.0f}",
                    f"{growth_mib:.1f} ({hwm:.1f})" if i == 0 else "",
                ]
            )
    table(["CSV export", "rows", "MiB", "TTFB ms", "total s", "rows/s", "memory MiB"], rows)
    print(
        "(memory: the gunicorn workers' peak RSS growth during the exports, VmHWM's in brackets, "
        "on a fresh server warmed with small requests, largest of any worker)"
    )
    print()
    small = results["queries"]["small"]
    rows = []
    for label in small["pages"]:
        counts = [figures["queries"]["pages"][label]["queries"] for figures in sizes.values()]
        at_100 = small["pages"][label]["queries"]
        change = "MORE" if max(counts) > at_100 else "same" if min(counts) == at_100 else "fewer"
        rows.append(
            [label, at_100, *counts, change]
            + [
                f"{figures['queries']['pages'][label][key]:,.1f}"
                for figures in sizes.values()
                for key in ("app_cpu_ms", "sql_ms")
            ]
        )
    table(
        ["SQL queries per page", f"{small['entries']:,} entries"]
        + [f"{figures['queries']['entries']:,}" for figures in sizes.values()]
        + [""]
        + [cell for n in sizes for cell in (f"app CPU ms {short(n)}", f"SQL ms {short(n)}")],
        rows,
    )
    print(
        "(queries counted in-process with the test client; times are medians of 5 requests "
        "in-process: the Python process's CPU, and its SQL)"
    )
    print()
    print("Targets:")
    for ok, text in verdicts(results):
        print(f"  { ({True: 'met', False: 'MISSED', None: 'n/a'}[ok]):6} {text}")


def verdicts(results):
    """[(met, text)] of every target, by size; met is None when the run cannot tell."""
    found = []
    for entries in (*sorted({t[0] for t in TARGETS if t[0]}), None):
        if entries and entries not in results["sizes"]:
            found.append(
                (None, f"at {short(entries)}: not measured (add {entries} to BENCH_ENTRIES)")
            )
            continue
        for target in TARGETS:
            if target[0] == entries:
                found += check(target, results)
    return found


def check(target, results):
    """[(met, text)] of a target against a run's figures; met is None when the run cannot
    tell."""
    entries, measure, page, limit = target
    sizes = results["sizes"]
    if entries is None:
        return [verdict for size in sizes for verdict in check((size, *target[1:]), results)]
    pages = sizes[entries]["pages"]
    at = f"at {short(entries)}:"
    if measure == "p50_ms":
        idle, load = pages["uncached"][page]["idle"], pages["uncached"][page]["load"]
        return [
            (
                p50(idle) <= limit,
                f"{at} {page} p50 ≤ {limit} ms: {p50(idle):.1f} ms "
                f"(c{results['connections']}: {p50(load):.1f} ms)",
            )
        ]
    if measure in ("share_of_floor", "cached_share_of_floor"):
        kind = "uncached" if measure == "share_of_floor" else "cached"
        if kind not in pages:
            return [(None, f"{at} {kind} pages: not measured (no Redis)")]
        labels = [page] if page else [label for label in pages[kind] if label != FLOOR]
        share, worst = min((share_of_floor(pages[kind], label), label) for label in labels)
        return [
            (
                share >= limit,
                f"{at} {kind} {worst if page else 'pages'} ≥ {limit:.0%} of the floor's req/s: "
                + (f"{share:.0%}" if page else f"lowest {share:.0%} ({worst})"),
            )
        ]
    if measure == "growth":
        if REFERENCE not in sizes:
            return [
                (
                    None,
                    f"{at} growth from {short(REFERENCE)}: not measured (add {REFERENCE} to "
                    "BENCH_ENTRIES)",
                )
            ]
        verdicts = []
        for kind in pages:
            factor, worst = max(
                (growth({n: sizes[n] for n in (REFERENCE, entries)}, kind, label, entries), label)
                for label in pages[kind]
            )
            verdicts.append(
                (
                    factor <= limit,
                    f"{at} every {kind} page's p50 ≤ {limit}× its p50 at {short(REFERENCE)}: "
                    f"largest {factor:.2f}× ({worst})",
                )
            )
        return verdicts
    if measure.startswith("export_"):
        rows_per_s, ttfb, memory = export_figures(sizes[entries]["export"])
        return [
            {
                "export_rows_per_s": (
                    rows_per_s >= limit,
                    f"{at} CSV export ≥ {limit:,} rows/s: {rows_per_s:,.0f} (median of "
                    f"{EXPORT_RUNS})",
                ),
                "export_ttfb_ms": (
                    ttfb <= limit,
                    f"{at} CSV export first byte ≤ {limit} ms: {ttfb:.0f} ms (median)",
                ),
                "export_growth_mib": (
                    memory < limit,
                    f"{at} CSV export memory growth < {limit} MiB: {memory:.1f} MiB",
                ),
            }[measure]
        ]
    if measure == "sqlite_over_postgresql":
        if not sqlite_pages(results) or results["sqlite"]["synthetic"] != entries:
            return [(None, f"{at} pages on SQLite: not measured (BENCH_SQLITE=0)")]
        labels = [page] if page else [label for label in sqlite_pages(results) if label != FLOOR]
        found = []
        for label in labels:
            lite = p50(sqlite_pages(results)[label]["idle"])
            postgresql = p50(pages["uncached"][label]["idle"])
            ratio = sqlite_over_postgresql(results, label)
            found.append(
                (
                    ratio <= limit,
                    f"{at} {label} on SQLite p50 ≤ {limit:g}× PostgreSQL's: {lite:.1f} ms "
                    f"against {postgresql:.1f} ms, {ratio:.2f}×",
                )
            )
        return found
    if measure == "no_more_queries":
        small = results["queries"]["small"]
        large = sizes[entries]["queries"]
        bounded = all(
            large["pages"][label]["queries"] <= figures["queries"]
            for label, figures in small["pages"].items()
        )
        return [
            (
                bounded,
                f"{at} no page with more queries at {large['entries']:,} entries than at "
                f"{small['entries']:,}",
            )
        ]
    raise ValueError(measure)


# Main -------------------------------------------------------------------------------------------


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk).")
    static_root = Path(tempfile.mkdtemp(prefix="qhreform-bench-static-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_DEBUG": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "BENCH_STATIC_ROOT": str(static_root),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    results = {
        "started": datetime.now().isoformat(timespec="seconds"),
        "seed": SEED,
        "duration": DURATION,
        "connections": CONNECTIONS,
        "sizes": {},
    }
    sizes = results["sizes"]
    urls = {entries: database_url(entries) for entries in SIZES}
    RESULTS.mkdir(exist_ok=True)
    try:
        ensure_server(BASE_URL)
        entry_ids = {}
        for entries, url in urls.items():
            published, entry_ids[entries] = prepare(url, env, synthetic=entries)
            database = urlsplit(url).path.lstrip("/")
            sizes[entries] = {"entries": published, "database": database}
        prepare(SMALL_DATABASE_URL, env, total=SMALL_ENTRIES)
        if SQLITE:
            sqlite_url, published, sqlite_entry = prepare_sqlite_file()
            results["sqlite"] = {
                "entries": published,
                "synthetic": REFERENCE,
                "database": str(SQLITE_PATH),
                "version": sqlite3.sqlite_version,
            }
        results["machine"] = machine(BASE_URL)

        # In-process, the pages' {% static %} needs the manifest collectstatic writes.
        manage(["collectstatic", "--no-input", "-v", "0"], BASE_URL, env)
        say(f"counting queries per page at {SMALL_ENTRIES} entries and at each size")
        results["queries"] = {"small": count_queries(SMALL_DATABASE_URL, env)}
        for entries, url in urls.items():
            sizes[entries]["queries"] = count_queries(url, env)

        with (
            open(RESULTS / f"gunicorn-{STAMP}.log", "w") as log,
            page_cache_redis(REDIS_URL, log) as cache,
        ):
            results["redis"] = REDIS_URL if cache else None
            for entries, url in urls.items():
                pages = sizes[entries]["pages"] = {}
                say(f"{entries:,} entries: pages rendered (page cache off)")
                pages["uncached"] = measure_pages(
                    url, entry_ids[entries], server_environment(url, None), log, PAGES
                )
                if SQLITE and entries == REFERENCE:
                    # Right after PostgreSQL's, so that both see the machine at much the same
                    # moment.
                    say(f"{entries:,} entries on SQLite: pages rendered (page cache off)")
                    results["sqlite"]["pages"] = {
                        "uncached": measure_pages(
                            sqlite_url,
                            sqlite_entry,
                            server_environment(sqlite_url, None),
                            log,
                            PAGES,
                        )
                    }
                if cache:
                    say(f"{entries:,} entries: pages from the page cache in Redis ({REDIS_URL})")
                    pages["cached"] = measure_pages(
                        url, entry_ids[entries], server_environment(url, cache), log, CACHEABLE
                    )
                say(f"{entries:,} entries: CSV export of every row")
                sizes[entries]["export"] = measure_export_of(
                    url, server_environment(url, None), log
                )
    finally:
        shutil.rmtree(static_root, ignore_errors=True)

    results["targets"] = [{"met": ok, "target": text} for ok, text in verdicts(results)]
    path = RESULTS / f"bench-{STAMP}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    report(results)
    print(f"\nFigures saved to {path.relative_to(ROOT)}")


def report_of(path):
    """The tables and targets of a run saved before: `bench/run.py bench/results/bench-….json`."""
    results = json.loads(Path(path).read_text())
    results["sizes"] = {int(entries): figures for entries, figures in results["sizes"].items()}
    report(results)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        report_of(sys.argv[1])
    else:
        main()
