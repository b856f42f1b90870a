"""Mixed pages and exports at 8 connections for 10 minutes: errors, and memory per worker over time.

    .venv/bin/python bench/soak.py [--duration 600] [--connections 8] [--sample 10]
                                   [--max-requests N]

Environment (all optional):

SOAK_DATABASE_URL  the database (default postgres://qhreform:qhreform@127.0.0.1:5432/qhreform_soak,
                   created when missing; a sqlite:/// URL works too)
SOAK_ENTRIES       synthetic entries to seed besides the knowledge base (default 0)

Steps: prepare the database and start gunicorn on 127.0.0.1 as bench/fuzz.py does (the project's
configuration, DEBUG off); crawl the public site as a visitor to collect its pages (every
pattern, at most 30 pages each: entries, measures, regions, list pages with their filters and
sorts, searches); then for --duration seconds, --connections clients each request, one after
another, a page drawn at random or, one time in ten, an export (CSV, JSON or XLSX, whole or
filtered). Every --sample seconds it prints the requests so far, their rate, the errors, and the
resident memory (RSS) of every gunicorn worker. gunicorn restarts a worker after about 1,000
requests (max_requests in qhreform/gunicorn.conf.py), which hides slow growth:
--max-requests 0 keeps the same workers for the whole run.

Prints per worker its first, highest and last RSS; writes the samples as JSON, and gunicorn's
log, under bench/results/. Exits 1 on any error (a status other than 200, or no answer).
Traffic goes to 127.0.0.1 only.
"""

import argparse
import json
import os
import random
import sys
import threading
import time
from collections import Counter
from datetime import datetime
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fuzz import Knowledge, crawl  # noqa: E402
from bench.server import prepare, request, rss_mib, say, serve, worker_pids  # noqa: E402

DEFAULT_URL = "postgres://qhreform:qhreform@127.0.0.1:5432/qhreform_soak"
RESULTS = ROOT / "bench" / "results"
EXPORTS = [
    f"/instruments/export.{fmt}{query}"
    for fmt in ("csv", "json", "xlsx")
    for query in ("", "?region=632800", "?type=project", "?q=%E7%94%9F%E6%80%81")
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=600, help="seconds (default 600)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--sample", type=float, default=10, help="seconds between samples")
    parser.add_argument("--max-requests", type=int, help="gunicorn's max_requests (0: never)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    url = os.environ.get("SOAK_DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qhreform.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # only to resolve URLs here; the server's is off
    import django

    django.setup()

    prepare(url, entries=int(os.environ.get("SOAK_ENTRIES", "0")), tool="soak")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    log_path = RESULTS / f"soak-{stamp}.log"
    options = () if args.max_requests is None else ("--max-requests", str(args.max_requests))
    with log_path.open("w+") as log, serve(url, log=log, options=options) as (port, master):
        knowledge = Knowledge()
        crawl(port, knowledge)
        pages = sorted(
            {
                path
                for route, paths in knowledge.examples.items()
                if not route.startswith(("admin/", "i18n/"))
                for path in paths
            }
            | set(knowledge_queries(knowledge))
        )
        say("soak", f"{len(pages)} pages and {len(EXPORTS)} exports, {args.connections} clients")

        statuses, errors, samples = Counter(), Counter(), []
        lock, stop = threading.Lock(), threading.Event()

        def client(number):
            rng = random.Random(args.seed * 1000 + number)
            conn = HTTPConnection("127.0.0.1", port, timeout=300)
            while not stop.is_set():
                path = rng.choice(EXPORTS) if rng.random() < 0.1 else rng.choice(pages)
                status, _, _ = request(port, "GET", path, conn=conn)
                if not isinstance(status, int):
                    conn = HTTPConnection("127.0.0.1", port, timeout=300)
                with lock:
                    statuses[status] += 1
                    if status != 200:
                        errors[status, path] += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.connections)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        previous = 0
        while (elapsed := time.monotonic() - started) < args.duration:
            time.sleep(min(args.sample, max(0.1, args.duration - elapsed)))
            elapsed = time.monotonic() - started
            with lock:
                done, failed = sum(statuses.values()), sum(errors.values())
            memory = {pid: rss_mib(pid) for pid in worker_pids(master.pid)}
            samples.append(
                {
                    "seconds": round(elapsed, 1),
                    "requests": done,
                    "errors": failed,
                    "rss_mib": {str(pid): round(mib, 1) for pid, mib in memory.items() if mib},
                }
            )
            rate = (done - previous) / args.sample
            previous = done
            workers = "  ".join(f"{pid}:{mib:.0f}" for pid, mib in memory.items() if mib)
            say(
                "soak",
                f"+{elapsed:5.0f} s  {done:7,} requests ({rate:5.1f}/s)  {failed} errors  "
                f"RSS MiB {workers}",
            )
        stop.set()
        for thread in threads:
            thread.join()

    print_summary(samples, statuses, errors)
    report = RESULTS / f"soak-{stamp}.json"
    report.write_text(
        json.dumps(
            {
                "duration": args.duration,
                "connections": args.connections,
                "statuses": {str(k): v for k, v in statuses.items()},
                "errors": [
                    {"status": str(s), "url": p, "count": n} for (s, p), n in errors.items()
                ],
                "samples": samples,
            },
            indent=1,
        )
    )
    say("soak", f"report {report}, log {log_path}")
    return 1 if errors else 0


def knowledge_queries(knowledge):
    """The list with each filter, sort and search value its links use."""
    for name, values in knowledge.query.get("instruments/", {}).items():
        for value in sorted(values)[:20]:
            if value:
                yield f"/instruments/?{name}={value}"


def print_summary(samples, statuses, errors):
    listed = ", ".join(
        f"{status}: {count:,}" for status, count in sorted(statuses.items(), key=str)
    )
    say("soak", f"{sum(statuses.values()):,} requests: {listed}")
    for (status, path), count in sorted(errors.items(), key=str):
        print(f"  {status} × {count}: {path}")
    seen = {}
    for sample in samples:
        for pid, mib in sample["rss_mib"].items():
            first, high, _, since = seen.get(pid, (mib, mib, mib, sample["seconds"]))
            seen[pid] = (first, max(high, mib), mib, since)
    say("soak", "RSS per worker (MiB): first, highest, last, seen from")
    for pid, (first, high, last, since) in seen.items():
        print(
            f"  worker {pid}: {first:.0f}, {high:.0f}, {last:.0f} (+{last - first:.0f}), +{since:.0f} s"
        )


if __name__ == "__main__":
    sys.exit(main())
