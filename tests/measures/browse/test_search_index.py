"""The search index gives exactly what a plain substring search gives, on the knowledge base and
on synthetic data, for words of every length, after every kind of write, on both databases."""

import random

import pytest
from django.db import connection
from django.db.models import Q
from django.http import QueryDict

from bench.synthetic import seed_synthetic
from measures import instruments, search_index
from measures.apps import restore_search_triggers
from measures.browse.filters import MentionFilter, in_text
from measures.management.commands.load_knowledge_base import load_knowledge_base
from measures.models import Instrument, Mention
from tests.factories import make_mention

pytestmark = pytest.mark.django_db

INDEXED = connection.vendor in ("postgresql", "sqlite")


def by_substring(word):
    """The rows the search found before it had an index: every name or sentence holding `word`."""
    condition = Q(name__icontains=word) | Q(quote__icontains=word)
    return set(Mention.objects.filter(condition).values_list("pk", flat=True))


def by_index(word):
    return set(
        Mention.objects.filter(in_text(word, ("name", "quote"))).values_list("pk", flat=True)
    )


def narrowed(word):
    """The rows the index alone lets through, before the substring condition decides."""
    return set(Mention.objects.filter(search_index.MayHold(word)).values_list("pk", flat=True))


def pieces_of(texts, seed, per_length=30):
    """Pieces of `texts` (names and sentences) of 1, 2, 3, 4 and 7 characters, the same ones
    on every run."""
    rng = random.Random(seed)
    texts = [text for pair in texts for text in pair]
    pieces = set()
    for length in (1, 2, 3, 4, 7):
        long_enough = [text for text in texts if len(text) >= length]
        for _ in range(per_length):
            text = rng.choice(long_enough)
            start = rng.randrange(len(text) - length + 1)
            pieces.add(text[start : start + length])
    return pieces


def variants_of(pieces, texts, seed):
    """Words that span a name and its sentence, the pieces' letters in the other case, and their
    characters reversed (most of which occur nowhere)."""
    rng = random.Random(seed)
    pairs = [(name, quote) for name, quote in texts if name and quote]
    words = set()
    for name, quote in rng.sample(pairs, min(20, len(pairs))):
        words |= {name[-1] + quote[0], name[-2:] + quote[:2]}
    words |= {word.swapcase() for word in pieces if word != word.swapcase()}
    words |= {word[::-1] for word in pieces if len(word) > 1}
    return words


def words_of(texts, seed, per_length=30):
    pieces = pieces_of(texts, seed, per_length)
    return sorted(pieces | variants_of(pieces, texts, seed))


def mismatches(words):
    return {
        word: (by_index(word), by_substring(word))
        for word in words
        if by_index(word) != by_substring(word)
    }


def mentions_text():
    return list(Mention.objects.values_list("name", "quote"))


# What the two searches find -----------------------------------------------------------------------

MIXED_WORDS = ["GEP", "gep", "(GEP)", "GEP)考核", "EOD模式", "eod", "G", "e", "GDP", "N", "20"]
ODD_WORDS = ["%", "_", "\\", '"', "“", "a_b", "100%", "《", "》，", "。", " 条例", "条例 "]


def test_the_knowledge_base_gives_the_same_rows_for_words_of_every_length(knowledge_base):
    texts = mentions_text()
    pieces = pieces_of(texts, seed=19)
    assert {len(word) for word in pieces} == {1, 2, 3, 4, 7}
    assert mismatches([*pieces, *variants_of(pieces, texts, 19), *MIXED_WORDS, *ODD_WORDS]) == {}
    # Not a comparison of two empty results: a piece of a text is found in it.
    assert all(by_index(piece) for piece in pieces)


def test_synthetic_entries_give_the_same_rows_for_words_of_every_length(reference_data):
    seed_synthetic(mentions=400, seed=19, per_source=200)
    assert mismatches(words_of(mentions_text(), seed=19)) == {}


@pytest.mark.parametrize(
    "query",
    ["q=西宁", "q=试点 海西", "q=冰川冻土", "q=海西&kind=reform&category=legal"],
)
def test_the_searchs_tests_on_rows_found_otherwise_select_the_same_mentions(reference_data, query):
    # An instrument's earlier mentions are tested without the index condition (`row_tests`):
    # the same mentions must pass, or the list would name an instrument twice or not at all.
    seed_synthetic(mentions=400, seed=19, per_source=200)
    filterset = MentionFilter(QueryDict(query), queryset=Mention.objects.published())
    assert filterset.is_valid()
    found = set(filterset.qs.values_list("pk", flat=True))
    assert found
    assert set(filterset.row_tests.values_list("pk", flat=True)) == found


@pytest.mark.parametrize(
    "query",
    ["q=西宁", "q=西宁 法规", "q=试点 海西", "q=冰川冻土", "q=海西&kind=reform&category=legal"],
)
def test_a_search_read_in_parts_reads_each_match_once(reference_data, query):
    # The counts read a search's matches in parts (`searched_parts`): no row in two parts, and
    # together every row the search's one condition selects.
    seed_synthetic(mentions=400, seed=19, per_source=200)
    filterset = MentionFilter(QueryDict(query), queryset=Mention.objects.published())
    assert filterset.is_valid()
    parts = filterset.searched_parts(filterset.queryset, filterset.form.cleaned_data["q"])
    read = [pk for part in parts for pk in part.values_list("pk", flat=True)]
    searched = filterset.search(filterset.queryset, "q", filterset.form.cleaned_data["q"])
    assert read and len(read) == len(set(read))
    assert set(read) == set(searched.values_list("pk", flat=True))
    if "西宁" in query or "海西" in query:
        assert len(parts) > 1


def test_latin_letters_match_in_either_case_and_words_across_name_and_sentence_do_not(
    reference_data,
):
    abroad = make_mention(name="Écologie试点GEP", quote="海西州开展gep核算。")
    across = make_mention(name="冰川保护", quote="试点开展。")
    assert by_index("gep") == by_substring("gep") == {abroad.pk}
    assert by_index("P海") == by_substring("P海") == set()
    assert by_index("écologie") == by_substring("écologie")
    assert by_index("ÉCOLOGIE") == by_substring("ÉCOLOGIE")
    # 护试 is the end of one entry's name and the start of its sentence: in neither.
    assert by_index("护试") == by_substring("护试") == set()
    assert by_index("保护") == {across.pk}


@pytest.mark.skipif(not INDEXED, reason="no search index on this database")
def test_the_index_narrows_the_rows_before_the_substring_condition(knowledge_base):
    # What every two- or one-character word relies on: far fewer rows than the table holds
    # reach the substring condition, yet every row holding the word does.
    every_row = set(Mention.objects.values_list("pk", flat=True))
    for word in ("西宁", "试点", "条例", "冰川冻土", "宁", "GEP", "gep"):
        assert by_substring(word) <= narrowed(word) < every_row, word


# Kept in step with every write ----------------------------------------------------------------


def test_the_index_follows_saves_updates_and_deletes(reference_data):
    mention = make_mention(
        name="湟水河流域生态补偿机制", quote="西宁市建立湟水河流域生态补偿机制。"
    )
    assert by_index("湟水") == {mention.pk}

    mention.name = "黄河流域横向补偿办法"
    mention.quote = "海东市制定黄河流域横向补偿办法。"
    mention.save()
    assert by_index("湟水") == set()
    assert by_index("横向") == {mention.pk}

    Mention.objects.filter(pk=mention.pk).update(quote="海东市印发隆务河补偿细则。")
    assert by_index("隆务") == {mention.pk}
    assert by_index("制定") == set()

    # A write no code of the project makes: the database keeps the index, not the model.
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Mention._meta.db_table)
        cursor.execute(
            f"UPDATE {table} SET name = %s WHERE id = %s", ["可可西里保护站", mention.pk]
        )
    assert by_index("可可") == {mention.pk}
    assert by_index("横向") == set()

    mention.delete()
    assert by_index("可可") == set()
    assert by_index("隆务") == set()


def test_the_index_follows_the_loader_and_bulk_creation(reference_data):
    load_knowledge_base()
    seed_synthetic(mentions=200, seed=3, per_source=100)
    words = words_of(mentions_text(), seed=3, per_length=15)
    assert mismatches([*words, *MIXED_WORDS]) == {}


def test_the_index_follows_a_merge(knowledge_base):
    into, other = Instrument.objects.order_by("pk")[:2]
    word = other.mentions.first().name[:2]
    before = by_index(word)
    instruments.merge(into, [other])
    assert by_index(word) == by_substring(word) == before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="triggers keep the index on SQLite")
def test_after_a_migration_rebuilds_the_table_its_triggers_are_restored(reference_data):
    # Django alters a table on SQLite by copying it to a new one, which has no triggers; the
    # entries written meanwhile are missing from the index until it is rebuilt.
    with connection.cursor() as cursor:
        for trigger in search_index.SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {trigger}")
    unindexed = make_mention(name="玛可河林区保护规划", quote="果洛州编制玛可河林区保护规划。")
    assert by_index("玛可") == set()

    restore_search_triggers(sender=None, using=connection.alias, verbosity=0)

    assert by_index("玛可") == {unindexed.pk}
    later = make_mention(name="玛多县黄河源保护条例", quote="玛多县制定黄河源保护条例。")
    assert by_index("玛多") == {later.pk}
