"""The search's query plans and times with and without its index, interleaved in one run.

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=postgres://…/qhreform_bench \\
        .venv/bin/python bench/search_plans.py [--runs 5] [--plans] 试点 条例 冰川冻

For each word, taken as text (as if it named no region or type, so that 条例 is looked for in
the names and sentences rather than read as the regulation type), runs the type facet's query
of the list page (distinct instruments per type among the public entries that match) twice
per round: once with the condition the search had before its index (a substring of the name,
the sentence or the measure's title) and once with today's (`filters.in_text`, narrowed by
`search_index.MayHold`). Prints each one's median time in the database, as EXPLAIN ANALYZE
reports it, and with --plans the last plan of each. On SQLite the time is the wall-clock time of
running the query, since SQLite's EXPLAIN does not execute it.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402

from measures.browse.filters import MentionFilter  # noqa: E402
from measures.browse.search import Word  # noqa: E402
from measures.models import Measure, Mention  # noqa: E402


def before(word):
    """The search's condition for a text word before the index: substrings only."""
    titled = Measure.objects.filter(title__icontains=word).values_list("pk", flat=True)
    return Q(name__icontains=word) | Q(quote__icontains=word) | Q(measure__in=list(titled))


def now(word):
    return MentionFilter()._word_condition(Word(word))


def facet(condition):
    return (
        Mention.objects.published()
        .filter(condition)
        .order_by()
        .values_list("type_id")
        .annotate(n=Count("instrument", distinct=True))
    )


def timed(queryset):
    """(milliseconds, plan): the database's own execution time on PostgreSQL."""
    if connection.vendor == "postgresql":
        plan = queryset.explain(analyze=True, buffers=True)
        line = next(line for line in plan.splitlines() if line.startswith("Execution Time"))
        return float(line.split()[2]), plan
    started = time.perf_counter()
    list(queryset)
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, queryset.explain()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("words", nargs="+")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--plans", action="store_true")
    parser.add_argument(
        "--before-only",
        action="store_true",
        help="only the condition before the index (for a database without it)",
    )
    args = parser.parse_args()
    print(f"{connection.vendor}, {Mention.objects.count():,} entries, {args.runs} runs each")
    print(f"{'word':<8} {'rows':>7} before ms{'' if args.before_only else '    now ms'}")
    for word in args.words:
        conditions = (
            [("before", before)] if args.before_only else [("before", before), ("now", now)]
        )
        times = {name: [] for name, _condition in conditions}
        plans = {}
        for _ in range(args.runs):
            for name, condition in conditions:
                elapsed, plans[name] = timed(facet(condition(word)))
                times[name].append(elapsed)
        rows = Mention.objects.published().filter(before(word)).count()
        medians = {name: statistics.median(values) for name, values in times.items()}
        figures = "".join(f" {medians[name]:>9.1f}" for name, _condition in conditions)
        print(f"{word:<8} {rows:>7,}{figures}")
        if args.plans:
            for name, plan in plans.items():
                print(f"\n--- {word}, {name}\n{plan}\n")


if __name__ == "__main__":
    main()
