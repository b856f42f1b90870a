"""The pages the benchmark measures, shared by bench/run.py and bench/querycount.py."""

from urllib.parse import quote

#: (label, path); "{entry}" is replaced by the id of the instrument of a synthetic mention in the
#: middle of the data.
PAGES = (
    ("floor (bare view)", "/bench/floor/"),
    ("home", "/"),
    ("prefecture 632800", "/regions/632800/"),
    ("prefectures", "/regions/"),
    ("matrix", "/matrix/"),
    ("list, unfiltered + facets", "/instruments/"),
    ("list, selective filter", "/instruments/?region=632823&type=project"),
    ("list, search 西宁 (2 chars)", "/instruments/?q=" + quote("西宁")),
    ("list, search 冰川冻土 (4 chars)", "/instruments/?q=" + quote("冰川冻土")),
    ("entry page", "/instruments/{entry}/"),
    # The read API's lists, held to the HTML list's budgets (a page of 50 in id order).
    ("API list, unfiltered", "/api/v1/mentions/"),
    ("API list, selective filter", "/api/v1/mentions/?region=632823&type=project"),
    ("API instruments, selective filter", "/api/v1/instruments/?region=632823&type=project"),
)

FLOOR = PAGES[0][0]

# One row per mention, as the export was measured before instruments had rows of their own.
EXPORT = ("CSV export, all rows", "/instruments/export.csv?per=mention")


def middle_entry_sql(seed, *, placeholder="%s"):
    """SQL for the id of the instrument of the synthetic mention of `seed` in the middle of the
    id range: what `/instruments/<id>/` shows (a mention's id there is an old link, redirected).
    `placeholder` is the driver's: %s for psycopg and Django's cursors, ? for sqlite3."""
    prefix = f"synthetic-{seed}-entry-"
    return (
        f"SELECT instrument_id FROM measures_mention WHERE key LIKE {placeholder} ORDER BY id "
        "LIMIT 1 OFFSET (SELECT count(*) / 2 FROM measures_mention "
        f"WHERE key LIKE {placeholder})",
        [prefix + "%", prefix + "%"],
    )


def synthetic_count_sql(seed, *, placeholder="%s"):
    """SQL for how many synthetic entries of `seed` there are to measure: none when one of its
    articles is dated on or after the knowledge base's newest (data seeded before synthetic
    articles were dated before it, which home and the matrix would then show instead), so that
    such data is seeded again. `placeholder` as for `middle_entry_sql`."""
    p = placeholder
    return (
        f"SELECT CASE WHEN EXISTS (SELECT 1 FROM measures_source WHERE slug LIKE {p} "
        "AND published_on >= (SELECT max(published_on) FROM measures_source "
        f"WHERE slug NOT LIKE {p})) THEN 0 "
        f"ELSE (SELECT count(*) FROM measures_mention WHERE key LIKE {p}) END",
        [f"synthetic-{seed}-%", "synthetic-%", f"synthetic-{seed}-entry-%"],
    )
