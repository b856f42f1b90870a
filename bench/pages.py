"""The pages the benchmark measures, shared by bench/run.py and bench/querycount.py."""

from urllib.parse import quote

#: (label, path); "{entry}" is replaced by the id of an instrument of the synthetic data
#: (`entry_to_measure`).
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


#: How many mentions the measured instrument has, at every size. Its page lists them all, and
#: instruments recur more often in more articles: the instrument of the middle mention had 2
#: mentions at 100,000 entries and 17 at a million, a page eight times the size. An instrument
#: with this many keeps the entry page the same page at every size.
ENTRY_MENTIONS = 2


def middle_entry_sql(seed, *, mentions=ENTRY_MENTIONS, placeholder="%s"):
    """SQL for the id of an instrument with `mentions` mentions (any number: None), of the
    synthetic mention of `seed` in the middle of the id range of those: what
    `/instruments/<id>/` shows (a mention's id there is an old link, redirected). `placeholder`
    is the driver's: %s for psycopg and Django's cursors, ? for sqlite3."""
    prefix = f"synthetic-{seed}-entry-"
    candidates = f"SELECT id, instrument_id FROM measures_mention WHERE key LIKE {placeholder}"
    if mentions is not None:
        candidates += (
            " AND instrument_id IN (SELECT instrument_id FROM measures_mention "
            f"GROUP BY instrument_id HAVING count(*) = {int(mentions)})"
        )
    return (
        f"SELECT instrument_id FROM ({candidates}) AS candidate ORDER BY id "
        f"LIMIT 1 OFFSET (SELECT count(*) / 2 FROM ({candidates}) AS counted)",
        [prefix + "%", prefix + "%"],
    )


def entry_to_measure(fetch_one, seed, *, placeholder="%s"):
    """The id of the instrument whose page is measured: one with `ENTRY_MENTIONS` mentions, or
    any when there is none (a database of a few entries, for the query counts).
    `fetch_one(sql, params)` runs a query and gives its first row, or None."""
    for mentions in (ENTRY_MENTIONS, None):
        found = fetch_one(*middle_entry_sql(seed, mentions=mentions, placeholder=placeholder))
        if found:
            return found[0]
    raise LookupError(f"No synthetic entry of seed {seed}: seed the database first.")


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
