"""How the list's search reads a question: each word is a region, a type, a category or text.

`q=西宁 条例` is two words, both required: 西宁 names the region 西宁市 (so it finds what
happened there and in the units below it), 条例 is the mark of the type 地方性法规 (so it finds
that type's entries, and any entry with 条例 in its name). A word that names nothing is looked
for as a substring of the entry's name, its sentence and its measure's title, so two-character
words work without word segmentation. `measures.browse.filters.MentionFilter.search` turns
the words into one condition; `explain` tells a row why it matched, from what the row already
holds.
"""

import re
from dataclasses import dataclass, field

from django.utils import translation

from regions.models import Region, units_below

from ..models import InstrumentType

#: A search holds at most this many words; each is looked up on its own.
MAX_WORDS = 8

#: Spaces of either script separate words; "a quoted phrase" stays one word.
WORDS = re.compile(r'"([^"]+)"|“([^”]+)”|([^\s"“”]+)')

#: Parts of a Chinese type or category name: 生态补偿与损害赔偿 is 生态补偿 and 损害赔偿.
NAME_PARTS = re.compile("[与和及、]")

#: English words that say nothing about which type is meant.
EN_STOPWORDS = {"and", "or", "of", "the", "a", "an", "based", "instrument"}


def split_words(value):
    """The distinct words of a search, in the order given."""
    words = []
    for match in WORDS.finditer(value):
        word = next(group for group in match.groups() if group).strip()
        if word and word.casefold() not in {w.casefold() for w in words}:
            words.append(word)
    return words


def quoted(word):
    """A word as the search box takes it back: in quotes when it holds a space."""
    return f'"{word}"' if re.search(r"\s", word) else word


def _en_words(text):
    """Significant English words, lower case and singular (Regulations → regulation)."""
    words = set()
    for word in re.split(r"[^a-z]+", text.casefold()):
        if word and word not in EN_STOPWORDS:
            words.add(word[:-1] if len(word) > 3 and word.endswith("s") else word)
    return words


def _names_chinese(word, name, keywords=()):
    """Whether `word` names a type or category called `name` (Chinese) with these rule keywords:
    the name itself, one of its parts, its last characters (法规 for 地方性法规), a keyword."""
    if word == name:
        return True
    if len(word) < 2:
        return False
    return word in NAME_PARTS.split(name) or name.endswith(word) or word in keywords


def _names_english(word, name_en):
    if word.casefold() == name_en.casefold():
        return True
    wanted = _en_words(word)
    return bool(wanted) and wanted <= _en_words(name_en)


def names_region(word, region):
    """Whether `word` names `region`: one of its Chinese names or aliases, the start of its full
    or short name (西宁 for 西宁市), or its English name or the first word of it (Haixi)."""
    folded = word.casefold()
    if word in (region.name, region.short_name, *region.aliases):
        return True
    if len(word) >= 2 and (region.name.startswith(word) or region.short_name.startswith(word)):
        return True
    english = region.name_en.casefold()
    return bool(english) and folded in (english, english.split()[0])


@dataclass
class Word:
    """One word of a search and what it names (nothing named: plain text)."""

    text: str
    regions: list = field(default_factory=list)
    types: list = field(default_factory=list)
    #: [(value, label)] of the categories named, when no type is.
    categories: list = field(default_factory=list)
    #: Ids of the types in those categories, so that the search asks for ids on the entry.
    category_types: list = field(default_factory=list)
    #: Ids of the regions named and of every unit below them (none when no region is named).
    units: frozenset = field(default_factory=frozenset)

    @property
    def is_text(self):
        return not (self.regions or self.types or self.categories)


def read_words(value):
    """The words of `value` with what each names, and the ids of the regions and types they
    name; two small queries (regions, types)."""
    words = [Word(text) for text in split_words(value)]
    if not words:
        return words
    regions = Region.objects.only(
        "code", "name", "short_name", "name_en", "aliases", "parent"
    ).linked()
    types = list(InstrumentType.objects.all())
    categories = [
        (value, _both_languages(label)) for value, label in InstrumentType.Category.choices
    ]
    for word in words:
        word.regions = [r for r in regions if names_region(word.text, r)]
        word.units = units_below(word.regions, regions)
        word.types = [t for t in types if _names_type(word.text, t)]
        if not word.types:
            word.categories = [
                (value, labels[0])
                for value, labels in categories
                if _names_chinese(word.text, labels[0]) or _names_english(word.text, labels[1])
            ]
            named = {value for value, _label in word.categories}
            word.category_types = [t.pk for t in types if t.category in named]
    return words


def _names_type(word, type_):
    keywords = (*type_.rules.get("ends_with", ()), *type_.rules.get("contains", ()))
    return (
        _names_chinese(word, type_.name, keywords)
        or _names_english(word, type_.name_en)
        or word.casefold() == type_.slug
    )


def _both_languages(label):
    """A lazy label as (Chinese, English), whatever the interface language."""
    with translation.override("zh-hans"):
        chinese = str(label)
    with translation.override("en"):
        english = str(label)
    return chinese, english


# Why a row matched ----------------------------------------------------------------------------

#: Characters of the sentence shown on each side of a match.
SNIPPET_CONTEXT = 18


@dataclass(frozen=True)
class Run:
    text: str
    marked: bool = False


@dataclass
class Match:
    """Why one row matched: its name with the searched words marked, a piece of its sentence
    when a word was found only there, and the regions, types and categories it matched."""

    name_runs: list
    snippet_runs: list
    reasons: list


def marked_runs(text, words):
    """`text` as runs, every (case-insensitive) occurrence of any of `words` marked."""
    if not words:
        return [Run(text)]
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I)
    runs, cursor = [], 0
    for found in pattern.finditer(text):
        if found.start() > cursor:
            runs.append(Run(text[cursor : found.start()]))
        runs.append(Run(found.group(), marked=True))
        cursor = found.end()
    if cursor < len(text):
        runs.append(Run(text[cursor:]))
    return runs


def _snippet(quote, words):
    """A short piece of `quote` around the first of `words` it holds, the words marked."""
    folded = quote.casefold()
    positions = [folded.find(w.casefold()) for w in words]
    positions = [p for p in positions if p >= 0]
    if not positions:
        return []
    first = min(positions)
    start = max(0, first - SNIPPET_CONTEXT)
    end = min(len(quote), first + SNIPPET_CONTEXT * 2)
    runs = marked_runs(quote[start:end], words)
    if start > 0:
        runs.insert(0, Run("…"))
    if end < len(quote):
        runs.append(Run("…"))
    return runs


def explain(entry, words, *, name=None):
    """Why `entry` matched the search `words`, from what the row holds and what the words
    name (no query per row). `name` is the name the row shows, when not the entry's own (a
    row of instruments shows the instrument's)."""
    reasons = []
    name = entry.name if name is None else name
    in_name = [
        w.text
        for w in words
        if w.text.casefold() in name.casefold() or w.text.casefold() in entry.name.casefold()
    ]
    for word in words:
        if entry.region_id in word.units:
            reasons.append(("region", ", ".join(r.local_name for r in word.regions)))
        if any(t.pk == entry.type_id for t in word.types):
            reasons.append(("type", entry.type.local_name))
        if any(value == entry.type.category for value, _label in word.categories):
            reasons.append(("category", entry.type.get_category_display()))
    text_words = [w.text for w in words if w.is_text]
    in_quote_only = [
        w for w in text_words if w not in in_name and w.casefold() in entry.quote.casefold()
    ]
    if any(
        w not in in_name
        and w not in in_quote_only
        and w.casefold() in entry.measure.title.casefold()
        for w in text_words
    ):
        reasons.append(("measure", entry.measure.label))
    return Match(
        name_runs=marked_runs(name, in_name),
        snippet_runs=_snippet(entry.quote, in_quote_only),
        reasons=unique(reasons),
    )


def unique(items):
    seen, kept = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            kept.append(item)
    return kept
