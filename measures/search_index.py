"""An index of the characters and character pairs of each entry's name and sentence, kept by the
database itself, so that the list's search finds a word of any length without reading every row.

The search (`browse.filters.MentionFilter.search`) matches a word as a substring of the name
or the sentence (`icontains`). Chinese has no spaces to split words on, and its commonest
search words have two characters (西宁, 试点, 条例), too short for a trigram index. So each entry
is indexed by its *grams*: every single character and every pair of neighbouring characters
of its name and of its sentence. A word is in a text only if all its pairs are (a
one-character word: only if that character is), so `MayHold(word)` narrows the rows through
the index and the substring condition, kept beside it, decides; the results are exactly the
substring search's (tests/measures/browse/test_search_index.py compares the two).

- PostgreSQL: `measures_mention_grams(name, quote)`, an IMMUTABLE SQL function returning the
  grams of the upper-cased texts as a text[], under an expression GIN index; a query asks
  `measures_mention_grams(name, quote) @> measures_word_grams(word)`. The index is part of
  the table: every INSERT and UPDATE, from any code, keeps it. The database computes a row's
  grams when it writes the row, and again only when it must recheck the row (a lossy
  bitmap, or a plan that reads every row), at some 15 µs a row; so the condition is written
  for the index to answer it alone (`browse.filters.in_text`).
- SQLite: an FTS5 table `measures_mention_search` (contentless, no positions: only which rows
  hold which gram) whose rows triggers on `measures_mention` write on every INSERT, UPDATE and
  DELETE. The grams are written out as text, space-separated, and split by FTS5's `ascii`
  tokenizer, which folds ASCII letters as SQLite's LIKE does; a query asks for every gram of
  the word. Django rebuilds a table to alter it on SQLite, which drops its triggers, so
  `ensure_sqlite_triggers` runs after every `migrate` and restores them (and refills the
  index) when missing.

Both are built by `migrate` (migration 0022_search_index).

Names have indexes of their own on PostgreSQL, on `measures_grams(upper(name))` (migration
0023), which `NameMayHold` asks:
- `mention_name_grams_idx`, of entries' names: a word that names a region or a type is
  looked for in entries' names only (`browse.search`), and the index of names and sentences
  together would give every entry whose sentence holds it, each then read to be rejected;
- `instrument_name_grams_idx`: a searched list reads which instruments its words name, to
  place their rows first (`browse.bands`), without reading every instrument (170,000 at a
  million entries).
On SQLite an entry's name is looked for through the FTS5 table, and instruments are all read
(a few milliseconds at the 100,000 entries it is measured with).
"""

from django.db import OperationalError
from django.db.models import BooleanField, F, Func

# PostgreSQL --------------------------------------------------------------------------------------

POSTGRESQL_FUNCTIONS = """
-- Every character, then every pair. No DISTINCT: the GIN index keeps each key once per row
-- anyway, and sorting the grams would make the function four times slower.
CREATE OR REPLACE FUNCTION measures_grams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT string_to_array(value, NULL) || ARRAY(
        SELECT substr(value, position, 2) FROM generate_series(1, char_length(value) - 1) AS position
    )
$$;

CREATE OR REPLACE FUNCTION measures_mention_grams(name text, quote text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT {schema}.measures_grams(upper(name)) || {schema}.measures_grams(upper(quote))
$$;

-- What a text must hold to contain `word`: its pairs (its one character when it has one).
CREATE OR REPLACE FUNCTION measures_word_grams(word text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE char_length(upper(word))
        WHEN 0 THEN '{}'::text[]
        WHEN 1 THEN ARRAY[upper(word)]
        ELSE ARRAY(
            SELECT DISTINCT substr(upper(word), position, 2)
            FROM generate_series(1, char_length(upper(word)) - 1) AS position
        )
    END
$$;
"""

POSTGRESQL_INDEX = "mention_search_grams_idx"

#: The indexes of names (`NameMayHold`, `InstrumentNameMayHold`): {table: index}. Not partial
#: (public entries only), though the search reads no other: PostgreSQL keeps no statistics of a
#: partial index's expression, and without them guessed that 条例 is in 5,000 names, not 40,000.
POSTGRESQL_NAME_INDEXES = {
    "measures_mention": "mention_name_grams_idx",
    "measures_instrument": "instrument_name_grams_idx",
}

POSTGRESQL_DROP = f"""
DROP INDEX IF EXISTS {POSTGRESQL_INDEX};
DROP FUNCTION IF EXISTS measures_word_grams(text);
DROP FUNCTION IF EXISTS measures_mention_grams(text, text);
DROP FUNCTION IF EXISTS measures_grams(text);
"""

#: The trigram indexes of migration 0006, which served searches of three characters or more
#: and which this index replaces: index name -> column.
TRIGRAM_INDEXES = {"mention_name_trgm_idx": "name", "mention_quote_trgm_idx": "quote"}


def install_postgresql(schema_editor, table):
    # The index's function names the function it calls with its schema: pg_restore builds the
    # index with an empty search_path, where an unqualified name is not found.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = schema_editor.quote_name(cursor.fetchone()[0])
    schema_editor.execute(POSTGRESQL_FUNCTIONS.replace("{schema}", schema))
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {POSTGRESQL_INDEX} ON {table} "
        "USING gin (measures_mention_grams(name, quote))"
    )
    # Beside this index, a trigram index made the planner combine the two, and its lossy
    # matches made the database recompute every candidate row's grams (100 times slower than
    # this index alone, docs/performance.md); nothing else reads them (the admin's search
    # also looks in the notes, so it reads every row either way).
    for index in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


def install_postgresql_name_indexes(schema_editor):
    """The indexes of names (`measures_grams` is migration 0022's)."""
    for table, index in POSTGRESQL_NAME_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON {schema_editor.quote_name(table)} "
            "USING gin (measures_grams(upper(name)))"
        )


def uninstall_postgresql_name_indexes(schema_editor):
    for index in POSTGRESQL_NAME_INDEXES.values():
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


def uninstall_postgresql(schema_editor, table):
    schema_editor.execute(POSTGRESQL_DROP)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        has_trigrams = cursor.fetchone() is not None
    if has_trigrams:
        for index, column in TRIGRAM_INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON {table} "
                f"USING gin (UPPER({column}::text) gin_trgm_ops)"
            )


# SQLite ------------------------------------------------------------------------------------------

SQLITE_TABLE = "measures_mention_search"
SQLITE_TRIGGERS = (
    "measures_mention_search_insert",
    "measures_mention_search_update",
    "measures_mention_search_delete",
)


def _sqlite_grams(text):
    """SQL for the grams of the SQL expression `text`: each character and the pair it starts,
    space-separated (the last character's "pair" is itself again, which changes nothing)."""
    return (
        "(WITH RECURSIVE position(i) AS "
        f"(SELECT 1 UNION ALL SELECT i + 1 FROM position WHERE i < length({text})) "
        f"SELECT group_concat(substr({text}, i, 1) || ' ' || substr({text}, i, 2), ' ') "
        "FROM position)"
    )


def _sqlite_document(row):
    # Apart, so that the last character of the name and the first of the sentence make no pair.
    return f"{_sqlite_grams(f'{row}.name')} || ' ' || {_sqlite_grams(f'{row}.quote')}"


def _sqlite_insert(row):
    return f"INSERT INTO {SQLITE_TABLE}(rowid, grams) VALUES ({row}.id, {_sqlite_document(row)});"


def _sqlite_delete(row):
    # A contentless table forgets a row given exactly the text it was given for it.
    return (
        f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}, rowid, grams) "
        f"VALUES ('delete', {row}.id, {_sqlite_document(row)});"
    )


def _sqlite_trigger_sql(table):
    insert, update, delete = SQLITE_TRIGGERS
    return [
        f"CREATE TRIGGER IF NOT EXISTS {insert} AFTER INSERT ON {table} "
        f"BEGIN {_sqlite_insert('NEW')} END",
        f"CREATE TRIGGER IF NOT EXISTS {update} AFTER UPDATE OF id, name, quote ON {table} "
        f"BEGIN {_sqlite_delete('OLD')} {_sqlite_insert('NEW')} END",
        f"CREATE TRIGGER IF NOT EXISTS {delete} AFTER DELETE ON {table} "
        f"BEGIN {_sqlite_delete('OLD')} END",
    ]


def install_sqlite(execute, table):
    """Create the FTS5 table and its triggers, and index every entry already there."""
    try:
        execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} "
            "USING fts5(grams, content='', detail='none', columnsize=0, tokenize='ascii')"
        )
    except OperationalError as error:
        raise OperationalError(
            f"{error}: the search index needs SQLite's FTS5 extension, which Python's own "
            "sqlite3 and Debian's libsqlite3 include; this Python's SQLite lacks it."
        ) from error
    for statement in _sqlite_trigger_sql(table):
        execute(statement)
    rebuild_sqlite(execute, table)


def rebuild_sqlite(execute, table):
    execute(f"INSERT INTO {SQLITE_TABLE}({SQLITE_TABLE}) VALUES ('delete-all')")
    execute(
        f"INSERT INTO {SQLITE_TABLE}(rowid, grams) "
        f"SELECT {table}.id, {_sqlite_document(table)} FROM {table}"
    )


def drop_sqlite(execute):
    for trigger in SQLITE_TRIGGERS:
        execute(f"DROP TRIGGER IF EXISTS {trigger}")
    execute(f"DROP TABLE IF EXISTS {SQLITE_TABLE}")


def ensure_sqlite_triggers(connection, table):
    """Restore the triggers a table rebuild dropped, and reindex every entry, since writes made
    without them are missing from the index. Nothing to do when they are all there, or when
    the index does not exist (before migration 0020, or after it is reversed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name FROM sqlite_master WHERE name IN (%s, %s, %s, %s)",
            [SQLITE_TABLE, *SQLITE_TRIGGERS],
        )
        present = {name for _type, name in cursor.fetchall()}
        if SQLITE_TABLE not in present or present >= set(SQLITE_TRIGGERS):
            return False
        for statement in _sqlite_trigger_sql(table):
            cursor.execute(statement)
        rebuild_sqlite(cursor.execute, table)
    return True


def _fts_token_char(char):
    # FTS5's ascii tokenizer: ASCII letters and digits and every non-ASCII character make
    # tokens; other ASCII characters separate them.
    return char.isascii() and char.isalnum() or not char.isascii()


def sqlite_match(word):
    """The FTS5 query for the rows whose grams include every pair of `word` (its character,
    when it has one), or None when no gram of it is indexed (a word of ASCII punctuation)."""
    grams = [word] if len(word) == 1 else {word[i : i + 2] for i in range(len(word) - 1)}
    # A pair with one ASCII separator indexes as its other character: still a condition every
    # text holding the word meets.
    grams = sorted(g for g in grams if any(_fts_token_char(c) for c in g))
    if not grams:
        return None
    return " ".join('"{}"'.format(g.replace('"', '""')) for g in grams)


# The condition ----------------------------------------------------------------------------------


class MayHold(Func):
    """True for the entries whose name or sentence may contain `word`: all that hold it, and a
    few that hold its characters elsewhere. Only ever beside the substring condition, which
    decides; on a database without the index it is simply true."""

    output_field = BooleanField()

    def __init__(self, word):
        super().__init__(F("pk"), F("name"), F("quote"))
        self.word = word

    def as_sql(self, compiler, connection, **extra_context):
        return "1 = 1", []

    def as_postgresql(self, compiler, connection, **extra_context):
        _pk, name, quote = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"measures_mention_grams({name[0]}, {quote[0]}) @> measures_word_grams(%s)"
        return sql, (*name[1], *quote[1], self.word)

    def as_sqlite(self, compiler, connection, **extra_context):
        match = sqlite_match(self.word)
        if match is None:
            return self.as_sql(compiler, connection)
        pk, params = compiler.compile(self.get_source_expressions()[0])
        sql = f"{pk} IN (SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s)"
        return sql, (*params, match)


def _name_may_hold(compiler, name, word):
    sql, params = compiler.compile(name)
    return f"measures_grams(upper({sql})) @> measures_word_grams(%s)", (*params, word)


class NameMayHold(MayHold):
    """True for the entries whose name may contain `word`: on PostgreSQL through the index of
    entries' names, elsewhere as `MayHold`."""

    def as_postgresql(self, compiler, connection, **extra_context):
        return _name_may_hold(compiler, self.get_source_expressions()[1], self.word)


class InstrumentNameMayHold(Func):
    """True for the instruments whose name may contain `word`: on PostgreSQL through
    `instrument_name_grams_idx`, elsewhere simply true. Only ever beside the substring
    condition, which decides."""

    output_field = BooleanField()

    def __init__(self, word):
        super().__init__(F("name"))
        self.word = word

    def as_sql(self, compiler, connection, **extra_context):
        return "1 = 1", []

    def as_postgresql(self, compiler, connection, **extra_context):
        return _name_may_hold(compiler, self.get_source_expressions()[0], self.word)
