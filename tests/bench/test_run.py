"""`make bench`'s report: the pages on SQLite beside PostgreSQL's at 100,000 entries, and their
target."""

import sqlite3
from collections import Counter

import pytest
from django.db import connection

from bench import run
from bench.pages import ENTRY_MENTIONS, FLOOR, PAGES, entry_to_measure
from bench.synthetic import seed_synthetic, synthetic_mentions

SQLITE_TARGET = next(target for target in run.TARGETS if target[1] == "sqlite_over_postgresql")


def wrk_figures(p50):
    return {
        "rps": 1000 / p50,
        "requests": 100,
        "p50": p50,
        "p99": p50 * 2,
        "errors": 0,
        "timeouts": 0,
    }


def measured(p50s):
    """Pages as measure_pages gives them: every page of bench/pages.py, 10 ms unless given."""
    return {
        label: {"path": path, "idle": wrk_figures(p50s.get(label, 10.0)), "load": wrk_figures(20.0)}
        for label, path in PAGES
    }


def results_of(postgresql, sqlite=None):
    """A run at 100,000 entries as main() saves it, with these p50s in ms on PostgreSQL and,
    unless None, on SQLite."""
    counts = {label: {"queries": 10, "app_cpu_ms": 5.0, "sql_ms": 2.0} for label, _ in PAGES}
    results = {
        "seed": 1,
        "duration": 3,
        "connections": 8,
        "machine": {
            "nproc": 2,
            "cpu": "test",
            "memory_gib": 1.0,
            "postgresql": "15",
            "python": "3.11",
            "load_average": (0.0, 0.0, 0.0),
        },
        "queries": {"small": {"entries": 100, "pages": counts}},
        "sizes": {
            100_000: {
                "entries": 100_090,
                "database": "qhreform_bench",
                "queries": {"entries": 100_090, "pages": counts},
                "pages": {"uncached": measured(postgresql)},
                "export": {
                    "runs": [
                        {"rows": 100_090, "MiB": 40.0, "ttfb_ms": 30.0, "total_s": 1.5}
                        | {"rows_per_s": 66_727.0}
                    ],
                    "memory": {"1": {"rss_peak_growth_mib": 9.0, "hwm_growth_mib": 9.5}},
                },
            }
        },
    }
    if sqlite is not None:
        results["sqlite"] = {
            "entries": 100_090,
            "synthetic": 100_000,
            "database": "bench/results/bench-sqlite.sqlite3",
            "version": "3.40.1",
            "pages": {"uncached": measured(sqlite)},
        }
    return results


def test_a_page_on_sqlite_within_twice_postgresqls_p50_is_met_and_beyond_it_missed():
    results = results_of(
        {"home": 30.0, "matrix": 20.0},
        sqlite={"home": 60.0, "matrix": 40.5, FLOOR: 100.0},
    )

    verdicts = {
        text.split(" on SQLite")[0]: (met, text) for met, text in run.check(SQLITE_TARGET, results)
    }

    # Every page but the floor, which reads no data, has a verdict of its own.
    assert set(verdicts) == {f"at 100k: {label}" for label, _ in PAGES if label != FLOOR}
    met, text = verdicts["at 100k: home"]
    assert met is True
    assert text.endswith("60.0 ms against 30.0 ms, 2.00×")
    met, text = verdicts["at 100k: matrix"]
    assert met is False
    assert text.endswith("40.5 ms against 20.0 ms, 2.02×")


def test_a_run_without_the_pages_on_sqlite_cannot_tell():
    assert run.check(SQLITE_TARGET, results_of({})) == [
        (None, "at 100k: pages on SQLite: not measured (BENCH_SQLITE=0)")
    ]


def test_the_report_shows_sqlite_beside_postgresql_at_100k_with_the_ratio(capsys):
    run.report(results_of({"home": 30.0}, sqlite={"home": 45.0}))
    output = capsys.readouterr().out

    header = next(line for line in output.splitlines() if line.startswith("uncached page"))
    # SQLite's p50 and the ratio right after PostgreSQL's p50 at the same size.
    assert "p50 ms 100k  p50 ms SQLite 100k  × SQLite/PG" in header
    assert "req/s c8 SQLite 100k" in header
    home = next(line for line in output.splitlines() if line.startswith("home "))
    assert home.split()[1:4] == ["30.0", "45.0", "1.50"]
    assert "SQLite: 100,090 published entries (100,000 synthetic, seed 1)" in output
    assert (
        "  met    at 100k: home on SQLite p50 ≤ 2× PostgreSQL's: 45.0 ms against 30.0 ms" in output
    )


def test_a_run_saved_before_reports_as_it_did(capsys):
    """A saved run without SQLite's figures keeps its table as it was."""
    run.report(results_of({"home": 30.0}))
    output = capsys.readouterr().out

    header = next(line for line in output.splitlines() if line.startswith("uncached page"))
    assert "SQLite" not in header
    home = next(line for line in output.splitlines() if line.startswith("home "))
    assert home.split()[1:3] == ["30.0", "50.0"]
    assert "  n/a    at 100k: pages on SQLite: not measured (BENCH_SQLITE=0)" in output


def test_every_targets_verdict_is_listed_for_the_json():
    verdicts = run.verdicts(results_of({"home": 30.0}, sqlite={"home": 90.0}))

    assert (
        False,
        "at 100k: home on SQLite p50 ≤ 2× PostgreSQL's: 90.0 ms against 30.0 ms, 3.00×",
    ) in verdicts
    assert (None, "at 1M: not measured (add 1000000 to BENCH_ENTRIES)") in verdicts


@pytest.mark.django_db
def test_the_entry_measured_has_the_same_mentions_at_every_size_on_either_driver(reference_data):
    seed_synthetic(mentions=600, seed=3, per_source=100)
    rows = list(synthetic_mentions(3).order_by("id").values_list("id", "key", "instrument_id"))
    mentions_of = Counter(instrument for _id, _key, instrument in rows)
    candidates = [row for row in rows if mentions_of[row[2]] == ENTRY_MENTIONS]
    assert len(candidates) >= 4
    middle = candidates[len(candidates) // 2][2]

    assert entry_to_measure(django_fetch_one, 3) == middle

    # The same SQL with sqlite3's placeholder, on a table of the ids and keys alone.
    with sqlite3.connect(":memory:") as conn:
        conn.execute("CREATE TABLE measures_mention (id, key, instrument_id)")
        conn.executemany("INSERT INTO measures_mention VALUES (?, ?, ?)", rows)
        fetch_one = lambda *query: conn.execute(*query).fetchone()  # noqa: E731
        assert entry_to_measure(fetch_one, 3, placeholder="?") == middle


@pytest.mark.django_db
def test_with_no_instrument_of_that_many_mentions_the_entry_is_the_middle_one(reference_data):
    seed_synthetic(mentions=9, seed=3, per_source=10)
    rows = list(synthetic_mentions(3).order_by("id").values_list("instrument_id", flat=True))
    assert len(set(rows)) == len(rows)
    assert entry_to_measure(django_fetch_one, 3) == rows[4]


def django_fetch_one(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
