"""How fast the site is at 100,000 entries, through gunicorn, on PostgreSQL: `make bench`.

Environment (all optional):

BENCH_DATABASE_URL        the large database (default postgres://qhreform:qhreform@127.0.0.1:5432/
                          qhreform_bench); created, migrated, loaded and seeded when needed
BENCH_SMALL_DATABASE_URL  the 100-entry database for the query counts (default: the same
                          server, database qhreform_bench_small)
BENCH_ENTRIES             synthetic entries in the large database (default 100000)
BENCH_SEED                seed of the synthetic entries (default 1)
BENCH_DURATION            seconds of load per page and concurrency (default 10)
BENCH_CONNECTIONS         concurrent connections for the throughput runs (default 8)
BENCH_PORT                port for gunicorn (default: a free one)

Steps: start PostgreSQL if it is down (pg_ctlcluster, as .ci/run does); create both databases
if missing; migrate; load the knowledge base; seed the synthetic entries unless the same count
and seed are already there; VACUUM ANALYZE; count SQL queries per page at 100 and at 100,000
entries (in-process, test client); collectstatic into a temporary STATIC_ROOT; start gunicorn
with the project's own configuration (qhreform/gunicorn.conf.py, or `-k gthread --workers 2
--threads 4` without it), DEBUG off, a generated secret key and bench.settings, whose URLconf
adds the floor view; then wrk on loopback measures each page once with one connection (latency
of a request on an idle server) and once with BENCH_CONNECTIONS (throughput under load); then,
on a freshly started server, a streaming client measures the CSV export of every row: rows per
second, time to first byte, total time and how much the gunicorn workers' memory grows.
Prints tables and the targets met or missed, and writes the figures as JSON, and gunicorn's
log, under bench/results/ (ignored by git).
"""

import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

from bench.pages import EXPORT, FLOOR, PAGES, middle_entry_sql  # noqa: E402
from bench.server import free_port, worker_pids  # noqa: E402

PYTHON = sys.executable
BIN = Path(sys.executable).parent

DEFAULT_URL = "postgres://qhreform:qhreform@127.0.0.1:5432/qhreform_bench"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
SMALL_DATABASE_URL = os.environ.get(
    "BENCH_SMALL_DATABASE_URL",
    urlunsplit(urlsplit(DATABASE_URL)._replace(path=urlsplit(DATABASE_URL).path + "_small")),
)
ENTRIES = int(os.environ.get("BENCH_ENTRIES", "100000"))
SMALL_ENTRIES = 100  # in all, with the 90 of the shipped knowledge base
SEED = int(os.environ.get("BENCH_SEED", "1"))
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
PORT = int(os.environ.get("BENCH_PORT", "0")) or free_port()
EXPORT_RUNS = 3
RESULTS = ROOT / "bench" / "results"
STAMP = datetime.now().strftime("%Y%m%d-%H%M%S")

TARGETS = {
    "selective_p50_ms": 30,
    "unfiltered_p50_ms": 150,
    "entry_floor_ratio": 0.40,
    "export_rows_per_s": 50_000,
    "export_growth_mib": 60,
}


def say(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


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
        return conn.execute(
            "SELECT count(*) FROM measures_mention WHERE key LIKE %s",
            [f"synthetic-{seed}-entry-%"],
        ).fetchone()[0]


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
        # Fresh statistics for the planner, and a visibility map for index-only scans.
        conn.execute("VACUUM (ANALYZE) measures_mention, measures_measure, measures_source")
        published = conn.execute(
            "SELECT count(*) FROM measures_mention i "
            "JOIN measures_measure m ON m.id = i.measure_id "
            "JOIN measures_source s ON s.id = m.source_id "
            "WHERE i.status = 'published' AND s.status = 'published'"
        ).fetchone()[0]
        (entry,) = conn.execute(*middle_entry_sql(SEED)).fetchone()
    return published, entry


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


# gunicorn ---------------------------------------------------------------------------------------


def start_gunicorn(env, log):
    config = ROOT / "qhreform" / "gunicorn.conf.py"
    if config.exists():
        command = [str(BIN / "gunicorn"), "--config", str(config)]
        how = f"--config {config.relative_to(ROOT)}"
    else:
        command = [
            str(BIN / "gunicorn"),
            "qhreform.wsgi",
            "-k",
            "gthread",
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{PORT}",
        ]
        how = "-k gthread --workers 2 --threads 4"
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**env, "HOST": "127.0.0.1", "PORT": str(PORT)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}); see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/floor/", timeout=5) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        stop(process)
        raise SystemExit(f"gunicorn did not answer within a minute; see {log.name}")
    say(f"gunicorn {how} (pid {process.pid}, {len(worker_pids(process.pid))} workers)")
    return process


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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


def wrk(path, connections, duration):
    threads = min(2, connections)
    url = f"http://127.0.0.1:{PORT}{path}"
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


def warm(path, times=3):
    for _ in range(times):
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=120) as response:
            response.read()


def stream_export(path):
    """Read the export as a browser does, piece by piece; rows, bytes and timings."""
    conn = HTTPConnection("127.0.0.1", PORT, timeout=300)
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")
    first = None
    received = lines = 0
    while chunk := response.read1(64 * 1024):
        if first is None:
            first = time.perf_counter() - started
        received += len(chunk)
        lines += chunk.count(b"\n")
    total = time.perf_counter() - started
    conn.close()
    rows = lines - 1  # the header
    return {
        "rows": rows,
        "MiB": received / 2**20,
        "ttfb_ms": first * 1000,
        "total_s": total,
        "rows_per_s": rows / total,
    }


def measure_export(master):
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
            runs.append(stream_export(EXPORT[1]))
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


# Report -----------------------------------------------------------------------------------------


def machine():
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    meminfo = Path("/proc/meminfo").read_text()
    memory = int(re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.M).group(1))
    with connect(DATABASE_URL) as conn:
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


def report(results):
    m = results["machine"]
    print()
    print(
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB; PostgreSQL "
        f"{m['postgresql']}; Python {m['python']}; load average at start "
        f"{', '.join(f'{x:.2f}' for x in m['load_average'])}"
    )
    print(
        f"Data: {results['entries']:,} entries ({ENTRIES:,} synthetic, seed {SEED}); "
        f"{DURATION} s per run; throughput with {CONNECTIONS} connections, latency with 1."
    )
    print()
    pages = results["pages"]
    floor = pages[FLOOR]["load"]["rps"]
    rows = []
    for label, figures in pages.items():
        load, idle = figures["load"], figures["idle"]
        flags = ""
        if load["errors"] or idle["errors"] or load["timeouts"] or idle["timeouts"]:
            flags = f"  ({load['errors'] + idle['errors']} errors, timeouts {load['timeouts']})"
        rows.append(
            [
                label,
                f"{load['rps']:,.1f}",
                ms(load["p50"]),
                ms(load["p99"]),
                f"{idle['rps']:,.1f}",
                ms(idle["p50"]),
                ms(idle["p99"]),
                f"{load['rps'] / floor:.3f}" + flags,
            ]
        )
    table(
        [
            "page",
            f"req/s c{CONNECTIONS}",
            "p50 ms",
            "p99 ms",
            "req/s c1",
            "p50 ms",
            "p99 ms",
            "× floor",
        ],
        rows,
    )
    print()
    export = results["export"]
    rows = [
        [
            f"run {i + 1}",
            f"{run['rows']:,}",
            f"{run['MiB']:.1f}",
            f"{run['ttfb_ms']:.0f}",
            f"{run['total_s']:.2f}",
            f"{run['rows_per_s']:,.0f}",
        ]
        for i, run in enumerate(export["runs"])
    ]
    table(["CSV export", "rows", "MiB", "TTFB ms", "total s", "rows/s"], rows)
    growth = max(g["rss_peak_growth_mib"] for g in export["memory"].values())
    hwm = max(g["hwm_growth_mib"] for g in export["memory"].values())
    print(
        f"gunicorn workers' memory during the exports (fresh server, warmed with small "
        f"requests): peak RSS growth {growth:.1f} MiB, VmHWM growth {hwm:.1f} MiB (largest of "
        f"{len(export['memory'])} workers)"
    )
    print()
    small, large = results["queries"]["small"], results["queries"]["large"]
    rows = []
    for label in small["pages"]:
        few, many = small["pages"][label], large["pages"][label]
        rows.append(
            [
                label,
                few["queries"],
                many["queries"],
                "same" if few["queries"] == many["queries"] else "DIFFERENT",
                f"{many['app_cpu_ms']:,.1f}",
                f"{many['sql_ms']:,.1f}",
                f"{many['wall_ms']:,.1f}",
            ]
        )
    table(
        [
            "SQL queries per page",
            f"{small['entries']:,} entries",
            f"{large['entries']:,}",
            "",
            "app CPU ms",
            "SQL ms",
            "wall ms",
        ],
        rows,
    )
    print(
        f"(queries counted in-process with the test client; times at {large['entries']:,} "
        "entries, medians of 5 requests in-process: the Python process's CPU, and its SQL)"
    )
    print()
    print("Targets:")
    for line in targets(results):
        print(f"  {line}")


def targets(results):
    pages = results["pages"]
    floor = pages[FLOOR]["load"]["rps"]
    export = results["export"]
    best = statistics.median(run["rows_per_s"] for run in export["runs"])
    growth = max(g["rss_peak_growth_mib"] for g in export["memory"].values())
    selective = pages["list, selective filter"]
    unfiltered = pages["list, unfiltered + facets"]
    entry = pages["entry page"]["load"]["rps"] / floor
    small, large = results["queries"]["small"]["pages"], results["queries"]["large"]["pages"]
    same = all(small[k]["queries"] == large[k]["queries"] for k in small)

    def verdict(ok):
        return "met   " if ok else "MISSED"

    def p50(figures):
        return figures["p50"] if figures["p50"] is not None else float("inf")

    return [
        f"{verdict(p50(selective['idle']) <= TARGETS['selective_p50_ms'])} selective list "
        f"p50 ≤ {TARGETS['selective_p50_ms']} ms: {p50(selective['idle']):.1f} ms "
        f"(c{CONNECTIONS}: {p50(selective['load']):.1f} ms)",
        f"{verdict(p50(unfiltered['idle']) <= TARGETS['unfiltered_p50_ms'])} unfiltered list "
        f"p50 ≤ {TARGETS['unfiltered_p50_ms']} ms: {p50(unfiltered['idle']):.1f} ms "
        f"(c{CONNECTIONS}: {p50(unfiltered['load']):.1f} ms)",
        *(
            f"{verdict(p50(pages[label]['idle']) <= TARGETS[budget])} {label} "
            f"p50 ≤ {TARGETS[budget]} ms (the HTML list's budget): "
            f"{p50(pages[label]['idle']):.1f} ms (c{CONNECTIONS}: {p50(pages[label]['load']):.1f} ms)"
            for label, budget in (
                ("API list, unfiltered", "unfiltered_p50_ms"),
                ("API list, selective filter", "selective_p50_ms"),
                ("API instruments, selective filter", "selective_p50_ms"),
            )
        ),
        f"{verdict(entry >= TARGETS['entry_floor_ratio'])} entry page ≥ "
        f"{TARGETS['entry_floor_ratio']:.0%} of the floor's req/s: {entry:.0%}",
        f"{verdict(best >= TARGETS['export_rows_per_s'])} CSV export ≥ "
        f"{TARGETS['export_rows_per_s']:,} rows/s: {best:,.0f} (median of {len(export['runs'])})",
        f"{verdict(growth < TARGETS['export_growth_mib'])} CSV export memory growth < "
        f"{TARGETS['export_growth_mib']} MiB: {growth:.1f} MiB",
        f"{verdict(same)} same queries per page at {results['queries']['small']['entries']:,} "
        f"and {results['queries']['large']['entries']:,} entries",
    ]


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
    results = {"started": datetime.now().isoformat(timespec="seconds"), "seed": SEED}
    try:
        ensure_server(DATABASE_URL)
        results["entries"], entry = prepare(DATABASE_URL, env, synthetic=ENTRIES)
        prepare(SMALL_DATABASE_URL, env, total=SMALL_ENTRIES)
        results["machine"] = machine()

        manage(["collectstatic", "--no-input", "-v", "0"], DATABASE_URL, env)
        say("counting queries per page at 100 and at 100,000 entries")
        results["queries"] = {
            size: json.loads(
                subprocess.run(
                    [PYTHON, "bench/querycount.py", "--seed", str(SEED)],
                    cwd=ROOT,
                    env={**env, "DATABASE_URL": url},
                    capture_output=True,
                    text=True,
                    check=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            for size, url in (("small", SMALL_DATABASE_URL), ("large", DATABASE_URL))
        }

        RESULTS.mkdir(exist_ok=True)
        with open(RESULTS / f"gunicorn-{STAMP}.log", "w") as log:
            server_env = {**env, "DATABASE_URL": DATABASE_URL}
            server = start_gunicorn(server_env, log)
            try:
                results["pages"] = {}
                for label, path in PAGES:
                    path = path.format(entry=entry)
                    warm(path)
                    idle = wrk(path, 1, DURATION)
                    wait_idle(server.pid)
                    load = wrk(path, CONNECTIONS, DURATION)
                    wait_idle(server.pid)
                    say(
                        f"{label}: {load['rps']:,.1f} req/s at c{CONNECTIONS}, "
                        f"p50 {ms(idle['p50'])} ms at c1"
                    )
                    results["pages"][label] = {"path": path, "idle": idle, "load": load}
            finally:
                stop(server)
            # A fresh server for the export, so that the workers' memory before it is what
            # serving small requests takes, not the peak a heavy page left behind.
            server = start_gunicorn(server_env, log)
            try:
                say("CSV export of every row")
                wrk("/bench/floor/", CONNECTIONS, 2)  # every worker loads the URLconf
                for _ in range(3 * CONNECTIONS):
                    warm(EXPORT[1] + "&region=632823&type=project", times=1)
                wait_idle(server.pid)
                runs, memory = measure_export(server.pid)
                results["export"] = {"runs": runs, "memory": memory}
            finally:
                stop(server)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)

    report(results)
    path = RESULTS / f"bench-{STAMP}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    print(f"\nFigures saved to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
