"""Hostile requests against every URL pattern, anonymous and signed in as an editor: no 5xx.

    .venv/bin/python bench/fuzz.py [--requests 100000] [--seed 1] [--connections 8]

Environment (all optional):

FUZZ_DATABASE_URL  the database (default postgres://qhreform:qhreform@127.0.0.1:5432/qhreform_fuzz,
                   created when missing; a sqlite:/// URL works too). Fuzzed POSTs signed in as
                   an editor may change what it holds: never point it at real data
FUZZ_ENTRIES       synthetic entries to seed besides the knowledge base (default 0)

Steps: prepare the database (bench/server.py: migrate, load, an editor account) and start
gunicorn on 127.0.0.1 with the project's configuration and DEBUG off. Then crawl: from the home
page, the instruments list and the admin, as a visitor and as the signed-in editor, follow links
(at most 30 pages a pattern) to learn, for each URL pattern, real values of its path parameters,
the query parameters its links and GET forms use, and the fields its POST forms send. Every
pattern of the URLconf (qhreform.urls) is fuzzed, reached by the crawl or not. Each fuzzed
request picks a pattern, a visitor or the editor, GET or (one in six) POST, and fills the path
parameters, query and form with real values or hostile ones: NUL, 3,000- and 10,000-character
strings, invalid UTF-8 and malformed percent-escapes, huge and negative numbers, repeated and
unknown parameters, markup and script payloads, SQL, CRLF. Requests are made from the seed and
their number, so a run can be repeated exactly.

Prints the count per status, as a visitor and as the editor, and every 5xx with its method and
URL (the tracebacks are in gunicorn's log, kept under bench/results/); exits 1 on any 5xx or a
request without an answer. Traffic goes to 127.0.0.1 only.
"""

import argparse
import html
import json
import os
import random
import re
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import prepare, request, say, serve, sign_in  # noqa: E402

DEFAULT_URL = "postgres://qhreform:qhreform@127.0.0.1:5432/qhreform_fuzz"
RESULTS = ROOT / "bench" / "results"
CRAWL_PER_PATTERN = 30
SEEDS = ("/", "/instruments/", "/regions/", "/matrix/", "/admin/")

#: Hostile values, already percent-encoded as they go on the wire.
HOSTILE = [
    "%00",
    "a%00b",
    "%00" * 50,
    quote("长" * 1000),  # 3,000 characters encoded as 9,000 bytes: past gunicorn's line limit
    "x" * 3000,
    "x" * 10_000,
    "%ff",
    "%c3%28",
    "%e4%b8",
    "%ed%a0%80",  # an encoded surrogate
    "%fe%ff%00",
    "%zz",
    "%",
    "%%",
    "%2",
    "9" * 30,
    "99999999999",
    "-1",
    "0",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "0x10",
    quote("１２３"),
    quote("<script>alert(1)</script>"),
    quote('"><img src=x onerror=alert(1)>'),
    quote("javascript:alert(1)"),
    quote("' OR 1=1 --"),
    quote("'; DROP TABLE measures_mention; --"),
    "..%2F..%2Fetc%2Fpasswd",
    "%0d%0aSet-Cookie:%20x=1",
    quote("\u202e\u200b\ufeff"),
    quote("😀" * 20),
    "",
    "+",
    "%20",
    quote("__proto__"),
    quote("[]"),
    quote("{}"),
    quote("a" * 300),
]
UNKNOWN_NAMES = ["zzz", "x" * 300, "%00", "%ff", quote("名"), "_popup", "_to_field", "debug", "e"]


def route_patterns():
    """(route, name) of every pattern in qhreform.urls, routes joined as Django resolves them."""
    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = URLResolver._join_route(prefix, str(pattern.pattern))
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            else:
                yield route, pattern.name

    return list(walk(get_resolver("qhreform.urls").url_patterns))


PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)")


def fill(route, values):
    """A path for `route` with each parameter replaced by values(name, converter or regex)."""
    path, at = "", 0
    for match in PARAMETER.finditer(route):
        path += literal(route[at : match.start()])
        name = match.group(2) or match.group(3)
        path += values(name, match.group(1) or match.group(4) or "str")
        at = match.end()
    return "/" + path + literal(route[at:])


def literal(text):
    return text.replace("^", "").replace("$", "").replace("\\", "")


class Knowledge:
    """What the crawl learned, per route."""

    def __init__(self):
        self.examples = defaultdict(list)  # route → [path]
        self.kwargs = defaultdict(lambda: defaultdict(set))  # route → name → {value}
        self.query = defaultdict(lambda: defaultdict(set))  # route → name → {value}
        self.post = defaultdict(lambda: defaultdict(set))  # route → name → {value}


def route_of(path):
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return None, {}
    return match.route, match.kwargs


FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
FIELD = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"[^>]*>", re.I)
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def crawl(port, knowledge, *, cookie=None, budget=1500):
    headers = {"Cookie": cookie} if cookie else {}
    seen, queue, fetched = set(), list(SEEDS), 0
    conn = HTTPConnection("127.0.0.1", port, timeout=60)
    while queue and fetched < budget:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        route, kwargs = route_of(parts.path)
        if route is None or len(knowledge.examples[route]) >= CRAWL_PER_PATTERN:
            continue
        status, response_headers, body = request(port, "GET", url, headers=headers, conn=conn)
        fetched += 1
        if not isinstance(status, int):
            conn = HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        knowledge.examples[route].append(parts.path)
        for name, value in kwargs.items():
            knowledge.kwargs[route][name].add(quote(str(value), safe=""))
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            knowledge.query[route][name].add(quote(value, safe=""))
        content_type = dict((k.lower(), v) for k, v in response_headers).get("content-type", "")
        if status != 200 or "html" not in content_type:
            continue
        text = body.decode("utf-8", "replace")
        for attributes, inside in FORM.findall(text):
            attributes = dict(ATTRIBUTE.findall(attributes))
            action = html.unescape(attributes.get("action", "")) or parts.path
            target, _ = route_of(urlsplit(action).path)
            target = target or route
            fields = knowledge.post if attributes.get("method", "get").lower() == "post" else None
            for name in FIELD.findall(inside):
                (fields or knowledge.query)[target][html.unescape(name)].add("")
        for link in re.findall(r'href="([^"#]*)"', text):
            link = html.unescape(link)
            if link.startswith("?"):
                link = parts.path + link
            if link.startswith("/") and not link.startswith(("/static/", "//")):
                queue.append(link)
    conn.close()
    return fetched


def build(rng, route, knowledge, editor, csrf):
    """(method, url, body, headers) of one fuzzed request for `route`."""

    def path_value(name, kind):
        known = sorted(knowledge.kwargs[route].get(name, ()))
        if known and rng.random() < 0.6:
            return rng.choice(known)
        if not known and rng.random() < 0.3:
            # A value of the same name from another route: an id of another model, say.
            others = sorted({v for r in knowledge.kwargs.values() for v in r.get(name, ())})
            if others:
                return rng.choice(others)
        return rng.choice(HOSTILE) or "1"

    path = fill(route, path_value)
    method = "POST" if rng.random() < 1 / 6 else "GET"
    names = sorted(knowledge.query[route])
    fields = []
    for name in rng.sample(names, min(len(names), rng.randint(0, 4))):
        known = sorted(v for v in knowledge.query[route][name] if v)
        value = rng.choice(known) if known and rng.random() < 0.5 else rng.choice(HOSTILE)
        fields.append((quote(name, safe=""), value))
    if rng.random() < 0.3:
        fields.append((rng.choice(UNKNOWN_NAMES), rng.choice(HOSTILE)))
    if fields and rng.random() < 0.2:
        fields.extend([rng.choice(fields)] * rng.randint(2, 60))  # repeated parameters
    query = "&".join(f"{name}={value}" for name, value in fields)
    url = path + ("?" + query if query else "")
    headers, body = {}, None
    if editor:
        headers["Cookie"] = editor
    if method == "POST":
        form = [
            (quote(name, safe=""), rng.choice(HOSTILE) if rng.random() < 0.7 else "1")
            for name in sorted(knowledge.post[route])
            if name != "csrfmiddlewaretoken"
        ]
        if editor and rng.random() < 0.9:
            form.append(("csrfmiddlewaretoken", csrf))
            headers["X-CSRFToken"] = csrf
        body = "&".join(f"{name}={value}" for name, value in form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    return method, url, body, headers


def server_errors(log_path):
    """{last exception of a chain (values masked) at its innermost frame outside Django: (count,
    an example path)}, from the tracebacks in the application log."""
    causes, path, frame, last = {}, None, "", None

    def count():
        if path and last:
            number, example = causes.get(last, (0, path))
            causes[last] = (number + 1, example)

    for line in log_path.read_text(errors="replace").splitlines():
        called = re.match(r'\s+File "(?:.*/site-packages/|.*/wt-[^/]+/|)([^"]+)", line (\d+)', line)
        if re.match(r"\d{4}-\d\d-\d\d |127\.0\.0\.1 |\[", line):  # the next log line
            count()
            logged = re.search(r"ERROR django\.request Internal Server Error: (.*)", line)
            path, frame, last = (logged.group(1) if logged else None), "", None
        elif path and called and (not called.group(1).startswith("django/") or not frame):
            # The innermost frame outside Django itself: the app or library that called it.
            frame = f"{called.group(1)}:{called.group(2)}"
        elif path and re.match(r"(?:[a-z_]\w*\.)*[A-Z]\w*(?::|$)", line):  # "module.Class: …"
            masked = re.sub(r"'[^']*(?:'|$)|\"[^\"]*(?:\"|$)", "'…'", line)[:120]
            last, frame = f"{masked} at {frame}", ""
    count()
    return causes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()

    url = os.environ.get("FUZZ_DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qhreform.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # only to resolve URLs here; the server's is off
    import django

    django.setup()

    prepare(url, entries=int(os.environ.get("FUZZ_ENTRIES", "0")), tool="fuzz")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    log_path = RESULTS / f"fuzz-{stamp}.log"
    routes = route_patterns()
    with log_path.open("w+") as log, serve(url, log=log) as (port, _master):
        editor_cookie, csrf = sign_in(port)
        knowledge = Knowledge()
        pages = crawl(port, knowledge) + crawl(port, knowledge, cookie=editor_cookie)
        reached = sum(1 for route, _ in routes if knowledge.examples.get(route))
        say("fuzz", f"crawled {pages} pages: {reached} of {len(routes)} URL patterns reached")

        # The editor fuzzes everything but signing out, which would end the session.
        visitor_routes = [route for route, _ in routes]
        editor_routes = [route for route, name in routes if name != "logout"]
        statuses = {"visitor": Counter(), "editor": Counter()}
        failures = defaultdict(int)
        lock, counter = threading.Lock(), iter(range(args.requests))
        started = time.monotonic()

        crashed = []

        def run():
            try:
                send()
            except BaseException as error:  # the fuzzer's own fault: stop and say so
                crashed.append(error)
                raise

        def send():
            conn = HTTPConnection("127.0.0.1", port, timeout=120)
            while True:
                with lock:
                    number = next(counter, None)
                if number is None or crashed:
                    break
                rng = random.Random(args.seed * 1_000_003 + number)
                editor = rng.random() < 0.5
                route = rng.choice(editor_routes if editor else visitor_routes)
                method, target, body, headers = build(
                    rng, route, knowledge, editor_cookie if editor else None, csrf
                )
                status, _, _ = request(port, method, target, body=body, headers=headers, conn=conn)
                if not isinstance(status, int):
                    conn = HTTPConnection("127.0.0.1", port, timeout=120)
                who = "editor" if editor else "visitor"
                with lock:
                    statuses[who][status] += 1
                    if not isinstance(status, int) or status >= 500:
                        failures[status, who, method, target[:400]] += 1
                    if (number + 1) % 10_000 == 0:
                        say("fuzz", f"{number + 1:,} requests")

        threads = [threading.Thread(target=run) for _ in range(args.connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started

    say("fuzz", f"{args.requests:,} requests in {elapsed:.0f} s (seed {args.seed})")
    for who, counts in statuses.items():
        listed = ", ".join(
            f"{status}: {count:,}" for status, count in sorted(counts.items(), key=str)
        )
        say("fuzz", f"  as {who}: {listed}")
    for (status, who, method, target), count in sorted(failures.items(), key=str):
        print(f"  {status} × {count} as {who}: {method} {target}")
    report = RESULTS / f"fuzz-{stamp}.json"
    report.write_text(
        json.dumps(
            {
                "requests": args.requests,
                "server_errors": {c: n for c, (n, _) in server_errors(log_path).items()},
                "seed": args.seed,
                "seconds": round(elapsed, 1),
                "patterns": len(routes),
                "patterns_reached_by_crawl": reached,
                "statuses": {who: {str(k): v for k, v in c.items()} for who, c in statuses.items()},
                "failures": [
                    {"status": str(s), "as": w, "method": m, "url": t, "count": n}
                    for (s, w, m, t), n in sorted(failures.items(), key=str)
                ],
            },
            indent=1,
        )
    )
    causes = server_errors(log_path)
    if causes:
        say("fuzz", "server errors by cause (from gunicorn's log):")
        for cause, (count, path) in sorted(causes.items(), key=lambda item: -item[1][0]):
            print(f"  {count} × {cause}\n      e.g. {path[:160]}")
    say("fuzz", f"{len(failures)} failing requests (distinct); report {report}, log {log_path}")
    if crashed:
        raise SystemExit(f"the fuzzer itself failed: {crashed[0]!r}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
