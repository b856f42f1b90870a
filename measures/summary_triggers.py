"""The database triggers that keep the summary (measures/summary.py) in step with the mentions.

Triggers on mentions keep five tables in step with every write of a mention, in the write's own
transaction, whatever wrote it (the admin, the loader, an import, a bulk update of the public
flag, a merge): `summarycell` counts public mentions and distinct instruments per (scope, region,
type), `summaryinstrument` counts each instrument's public mentions per cell, `summaryspread`
counts the cells of scope "all" each instrument is in, `summarymeasure` counts public mentions
per measure and region, a region counting those of the units below it as its page does
(`counting_units`), and `summarymeasurecount` how many measures each region has there. The
scope is "all" and the kind of the mention's measure; a trigger on measures moves a measure's
mentions when its kind changes (which `summarymeasure`, having no scope, does not notice). A
region moved in the gazetteer has `summarymeasure` and its counts written again
(`summary.on_region_moved`).

The statements are plain SQL that SQLite and PostgreSQL both run; only the trigger around them
differs (SQLite runs statements in the trigger, PostgreSQL in a PL/pgSQL function).

They are not made by a migration but around every `migrate` that applies any
(`apps.MeasuresConfig`): dropped before, so that no migration trips over them (SQLite rebuilds
a table to alter it, which drops the triggers on it and refuses to rename one that another
trigger names), created after, and the summary written again from the mentions, since the
migrations in between may have changed them unseen.
"""

from contextlib import contextmanager

from django.db import connections

CELL = "measures_summarycell"
PER_INSTRUMENT = "measures_summaryinstrument"
SPREAD = "measures_summaryspread"
MEASURE = "measures_summarymeasure"
MEASURE_COUNT = "measures_summarymeasurecount"
ALL = "'all'"


def kind_of(row):
    return f"(SELECT kind FROM measures_measure WHERE id = {row}.measure_id)"


def added(row, scope):
    """Statements counting the public mention `row` (NEW or OLD) in `scope` (an expression)."""
    cell = f"scope = {scope} AND region_id = {row}.region_id AND type_id = {row}.type_id"
    its = f"{cell} AND instrument_id = {row}.instrument_id"
    statements = [
        f"INSERT INTO {CELL} (scope, region_id, type_id, instruments, mentions) "
        f"VALUES ({scope}, {row}.region_id, {row}.type_id, 0, 1) "
        f"ON CONFLICT (scope, region_id, type_id) DO UPDATE SET mentions = {CELL}.mentions + 1",
        f"INSERT INTO {PER_INSTRUMENT} (scope, region_id, type_id, instrument_id, mentions) "
        f"VALUES ({scope}, {row}.region_id, {row}.type_id, {row}.instrument_id, 1) "
        f"ON CONFLICT (scope, region_id, type_id, instrument_id) "
        f"DO UPDATE SET mentions = {PER_INSTRUMENT}.mentions + 1",
        # The instrument's first mention in the cell makes it one more instrument there.
        f"UPDATE {CELL} SET instruments = instruments + 1 WHERE {cell} "
        f"AND (SELECT mentions FROM {PER_INSTRUMENT} WHERE {its}) = 1",
    ]
    if scope == ALL:
        statements.append(
            f"INSERT INTO {SPREAD} (instrument_id, cells) SELECT {row}.instrument_id, 1 "
            f"WHERE (SELECT mentions FROM {PER_INSTRUMENT} WHERE {its}) = 1 "
            f"ON CONFLICT (instrument_id) DO UPDATE SET cells = {SPREAD}.cells + 1"
        )
    return statements


def removed(row, scope):
    """Statements no longer counting the public mention `row` in `scope`."""
    cell = f"scope = {scope} AND region_id = {row}.region_id AND type_id = {row}.type_id"
    its = f"{cell} AND instrument_id = {row}.instrument_id"
    statements = [
        f"UPDATE {PER_INSTRUMENT} SET mentions = mentions - 1 WHERE {its}",
        # Its last mention in the cell makes it one instrument fewer there.
        f"UPDATE {CELL} SET mentions = mentions - 1, instruments = instruments - "
        f"(SELECT COUNT(*) FROM {PER_INSTRUMENT} WHERE {its} AND mentions = 0) WHERE {cell}",
    ]
    if scope == ALL:
        statements += [
            f"UPDATE {SPREAD} SET cells = cells - 1 WHERE instrument_id = {row}.instrument_id "
            f"AND EXISTS (SELECT 1 FROM {PER_INSTRUMENT} WHERE {its} AND mentions = 0)",
            f"DELETE FROM {SPREAD} WHERE instrument_id = {row}.instrument_id AND cells = 0",
        ]
    return statements + [
        f"DELETE FROM {PER_INSTRUMENT} WHERE {its} AND mentions = 0",
        f"DELETE FROM {CELL} WHERE {cell} AND mentions = 0",
    ]


#: How many levels above a region `counting_units` looks: the gazetteer's five levels (nation,
#: province, prefecture, county, township) with room for townships below townships.
UNIT_DEPTH = 6


def counting_units(region):
    """FROM and WHERE of a query whose `u` is each region whose page counts the mentions of
    `region` (an expression: a region's id): the region itself and each unit above it that
    takes in the units below (`Region.counts_units_below`: not a province or the nation), as
    `summary.units_counting` says, up to UNIT_DEPTH levels up. A chain of joins rather than a
    recursive query, which SQLite does not allow in a trigger."""
    parents = "".join(
        f" LEFT JOIN regions_region r{level} ON r{level}.id = r{level - 1}.parent_id"
        for level in range(1, UNIT_DEPTH + 1)
    )
    chain = ", ".join(f"r{level}.id" for level in range(UNIT_DEPTH + 1))
    return (
        f"regions_region r0{parents} JOIN regions_region u ON u.id IN ({chain}) "
        f"WHERE r0.id = {region} AND (u.id = r0.id OR u.level NOT IN ('province', 'national'))"
    )


def measure_added(row):
    """Statements counting the public mention `row` for its measure in each region that
    counts it (`counting_units`): a region without the measure yet has one measure more."""
    return [
        f"INSERT INTO {MEASURE_COUNT} (region_id, measures) "
        f"SELECT u.id, 1 FROM {counting_units(f'{row}.region_id')} AND NOT EXISTS "
        f"(SELECT 1 FROM {MEASURE} s WHERE s.region_id = u.id AND s.measure_id = {row}.measure_id) "
        f"ON CONFLICT (region_id) DO UPDATE SET measures = {MEASURE_COUNT}.measures + 1",
        f"INSERT INTO {MEASURE} (region_id, measure_id, mentions) "
        f"SELECT u.id, {row}.measure_id, 1 FROM {counting_units(f'{row}.region_id')} "
        f"ON CONFLICT (region_id, measure_id) DO UPDATE SET mentions = {MEASURE}.mentions + 1",
    ]


def measure_removed(row):
    """Statements no longer counting the public mention `row` for its measure in the regions
    that count it; a row goes with its region's last mention under the measure."""
    gone = f"SELECT region_id FROM {MEASURE} WHERE measure_id = {row}.measure_id AND mentions = 0"
    return [
        f"UPDATE {MEASURE} SET mentions = mentions - 1 WHERE measure_id = {row}.measure_id "
        f"AND region_id IN (SELECT u.id FROM {counting_units(f'{row}.region_id')})",
        # A region left without the measure's mentions has one measure fewer.
        f"UPDATE {MEASURE_COUNT} SET measures = measures - 1 WHERE region_id IN ({gone})",
        f"DELETE FROM {MEASURE_COUNT} WHERE region_id IN ({gone}) AND measures = 0",
        f"DELETE FROM {MEASURE} WHERE measure_id = {row}.measure_id AND mentions = 0",
    ]


def counted(row):
    return added(row, ALL) + added(row, kind_of(row)) + measure_added(row)


def uncounted(row):
    return removed(row, ALL) + removed(row, kind_of(row)) + measure_removed(row)


def kind_changed():
    """Statements moving a measure's public mentions from the scope of its old kind to its new
    one, in sets (SQLite triggers have no loops)."""
    mine = "FROM measures_mention m WHERE m.measure_id = NEW.id AND m.public"
    in_cell = "m.region_id = {t}.region_id AND m.type_id = {t}.type_id"
    return [
        f"UPDATE {PER_INSTRUMENT} SET mentions = mentions - (SELECT COUNT(*) {mine} AND "
        f"{in_cell.format(t=PER_INSTRUMENT)} AND m.instrument_id = {PER_INSTRUMENT}.instrument_id)"
        f" WHERE scope = OLD.kind AND instrument_id IN (SELECT m.instrument_id {mine})",
        f"UPDATE {CELL} SET mentions = mentions - (SELECT COUNT(*) {mine} AND "
        f"{in_cell.format(t=CELL)}), instruments = instruments - (SELECT COUNT(*) FROM "
        f"{PER_INSTRUMENT} s WHERE s.scope = OLD.kind AND s.region_id = {CELL}.region_id AND "
        f"s.type_id = {CELL}.type_id AND s.mentions = 0) WHERE scope = OLD.kind AND EXISTS "
        f"(SELECT 1 {mine} AND {in_cell.format(t=CELL)})",
        f"DELETE FROM {PER_INSTRUMENT} WHERE scope = OLD.kind AND mentions = 0",
        f"DELETE FROM {CELL} WHERE scope = OLD.kind AND mentions = 0",
        f"INSERT INTO {CELL} (scope, region_id, type_id, instruments, mentions) "
        f"SELECT NEW.kind, m.region_id, m.type_id, 0, COUNT(*) {mine} "
        f"GROUP BY m.region_id, m.type_id "
        f"ON CONFLICT (scope, region_id, type_id) "
        f"DO UPDATE SET mentions = {CELL}.mentions + excluded.mentions",
        f"UPDATE {CELL} SET instruments = instruments + (SELECT COUNT(DISTINCT m.instrument_id) "
        f"{mine} AND {in_cell.format(t=CELL)} AND NOT EXISTS (SELECT 1 FROM {PER_INSTRUMENT} s "
        f"WHERE s.scope = NEW.kind AND s.region_id = m.region_id AND s.type_id = m.type_id AND "
        f"s.instrument_id = m.instrument_id)) WHERE scope = NEW.kind AND EXISTS "
        f"(SELECT 1 {mine} AND {in_cell.format(t=CELL)})",
        f"INSERT INTO {PER_INSTRUMENT} (scope, region_id, type_id, instrument_id, mentions) "
        f"SELECT NEW.kind, m.region_id, m.type_id, m.instrument_id, COUNT(*) {mine} "
        f"GROUP BY m.region_id, m.type_id, m.instrument_id "
        f"ON CONFLICT (scope, region_id, type_id, instrument_id) "
        f"DO UPDATE SET mentions = {PER_INSTRUMENT}.mentions + excluded.mentions",
    ]


#: What changes a mention's place in the summary.
COUNTED_COLUMNS = ("public", "region_id", "type_id", "instrument_id", "measure_id")

#: name -> (table, event, condition, statements). Conditions use `DIFFERS`, which each database
#: spells its own way.
TRIGGERS = {
    "mention_summary_insert": ("measures_mention", "INSERT", "NEW.public", counted("NEW")),
    "mention_summary_delete": ("measures_mention", "DELETE", "OLD.public", uncounted("OLD")),
    "mention_summary_update_old": (
        "measures_mention",
        "UPDATE",
        "OLD.public AND ({changed})",
        uncounted("OLD"),
    ),
    "mention_summary_update_new": (
        "measures_mention",
        "UPDATE",
        "NEW.public AND ({changed})",
        counted("NEW"),
    ),
    "measure_kind_summary": ("measures_measure", "UPDATE", "{kind_changed}", kind_changed()),
}


#: The summary's tables; the triggers write to them, so they are made only where all exist.
TABLES = (CELL, PER_INSTRUMENT, SPREAD, MEASURE, MEASURE_COUNT)


def install(connection):
    """Create the triggers (after `remove`, or on a database without them); False, creating
    none, where the summary's tables do not exist (before their migration)."""
    if not set(TABLES) <= set(connection.introspection.table_names()):
        return False
    postgresql = connection.vendor == "postgresql"
    differs = "IS DISTINCT FROM" if postgresql else "IS NOT"
    changed = " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in COUNTED_COLUMNS)
    for name, (table, event, condition, statements) in TRIGGERS.items():
        condition = condition.format(changed=changed, kind_changed=f"OLD.kind {differs} NEW.kind")
        body = "".join(f"{statement};\n" for statement in statements)
        if postgresql:
            execute(
                connection,
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n{body}RETURN NULL;\nEND\n$$",
            )
            execute(
                connection,
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
                f"WHEN ({condition}) EXECUTE FUNCTION {name}()",
            )
        else:
            execute(
                connection,
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
                f"WHEN {condition} BEGIN\n{body}END",
            )
    return True


def remove(connection):
    """Drop the triggers, where they and their tables exist."""
    postgresql = connection.vendor == "postgresql"
    tables = set(connection.introspection.table_names())
    for name, (table, *_rest) in TRIGGERS.items():
        if table not in tables:
            continue
        if postgresql:
            execute(connection, f"DROP TRIGGER IF EXISTS {name} ON {table}")
            execute(connection, f"DROP FUNCTION IF EXISTS {name}()")
        else:
            execute(connection, f"DROP TRIGGER IF EXISTS {name}")


@contextmanager
def suspended(using="default"):
    """Inside: no triggers keep the summary; after: the triggers again and the summary written
    anew from the mentions. For a bulk write of many thousands of rows, where one rebuild costs
    far less than the triggers' work per row. Use it inside the write's transaction, so that no
    other write can slip by uncounted (PostgreSQL and SQLite both make and drop triggers
    transactionally)."""
    connection = connections[using]
    remove(connection)
    yield
    if install(connection):
        from .summary import rebuild

        rebuild(using=using)


def before_migrate(sender, using, plan=None, **kwargs):
    """pre_migrate: drop the triggers when migrations are about to be applied."""
    if plan:
        remove(connections[using])


def after_migrate(sender, using, plan=None, **kwargs):
    """post_migrate: after migrations were applied, create the triggers and write the summary
    again from the mentions."""
    if plan and install(connections[using]):
        from .summary import rebuild

        rebuild(using=using)


def execute(connection, sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
