"""Import a new article of the same genre: parse it and load it as drafts for review.

An import only ever creates rows. An article whose slug or text matches a source already in the
knowledge base is refused with a message naming that source, unless the editor imports it as a
new version of that source: the new version then waits, as drafts beside the published one, until
an editor with the publish permission publishes it (`publishing.publish_source`).
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from regions.models import Region

from ..models import Instrument, Mention, Source, key_identity
from ..publishing import replaced_by
from .loading import LoadReport, RowExists, load_records
from .records import build_records, parse_text, prefixed_measure_slug

# How many characters of a Chinese title the default slug spells out in pinyin.
SLUG_TITLE_CHARACTERS = 8


class ImportRefused(Exception):
    """The import would change what is already in the knowledge base; nothing was written."""

    def __init__(self, message, *, source=None, new_version_possible=False):
        super().__init__(message)
        self.message = message
        #: The existing source the article collides with, if any.
        self.source = source
        #: Whether importing the article as a new version of `source` would be accepted.
        self.new_version_possible = new_version_possible


@dataclass
class Affected:
    """What a new version would replace when it is published, for the preview."""

    source: Source
    measures: int
    entries: int
    published_entries: int
    continued: int  # published entries of the old version the new one states too
    not_in_new_version: int
    new_entries: int


@dataclass
class ImportResult:
    slug: str
    title: str
    measures: int
    entries: int
    documents: int  # entries given in 《》
    entries_by_region: dict
    report: LoadReport
    dry_run: bool = False
    affected: Affected | None = None
    #: Each entry as the preview lists it: measure, region, type, name, the parser's rule, and
    #: the instrument already in the knowledge base it is another mention of (None: a new one).
    entry_rows: list = field(default_factory=list)
    #: The article is about another province or the national level, not about Qinghai.
    elsewhere: bool = False
    subject_code: str = ""


def article_slug(*, title, published_on=None, text=""):
    """A slug from the title (Chinese spelled in pinyin) and the date: never from a file name.

    e.g. 青海九项措施… of 2024-12-26 → qing-hai-jiu-xiang-cuo-shi-jin-yi-2024-12-26.
    """
    # Imported here, where an article is imported: its dictionaries are some 200,000 Python
    # objects, which every web process would otherwise hold and its garbage collector walk.
    from pypinyin import lazy_pinyin

    han = re.findall(r"[\u4e00-\u9fff]", title or "")
    words = lazy_pinyin("".join(han[:SLUG_TITLE_CHARACTERS])) if han else []
    latin = re.sub(r"[\u4e00-\u9fff]", " ", title or "") if not han else ""
    parts = [*words, latin, published_on.isoformat() if published_on else ""]
    slug = slugify(" ".join(part for part in parts if part))[:80].strip("-")
    return slug or f"article-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:10]}"


def version_slug(source):
    """The default slug of a new version of `source`: its slug with the next free -vN."""
    base = re.sub(r"-v\d+$", "", source.slug)
    number = 2
    while Source.objects.filter(slug=f"{base}-v{number}").exists():
        number += 1
    return f"{base}-v{number}"


def describe(source):
    """“title” (slug, Published: 13 measures, 90 entries), for messages."""
    return _("“%(title)s” (%(slug)s, %(status)s: %(measures)d measures, %(entries)d entries)") % {
        "title": source.title,
        "slug": source.slug,
        "status": source.get_status_display(),
        "measures": source.measures.count(),
        "entries": Mention.objects.filter(measure__source=source).count(),
    }


def refuse_oversized(text):
    """Raise ImportRefused, before parsing, for a text far longer than any article."""
    limits = settings.ARTICLE_LIMITS
    lines = text.count("\n") + 1
    if len(text) > limits["characters"] or lines > limits["lines"]:
        raise ImportRefused(
            _(
                "The text has %(characters)s characters in %(lines)s lines; an article is at "
                "most %(max_characters)s characters in %(max_lines)s lines."
            )
            % {
                "characters": f"{len(text):,}",
                "lines": f"{lines:,}",
                "max_characters": f"{limits['characters']:,}",
                "max_lines": f"{limits['lines']:,}",
            }
        )


def refuse_unusable_title(title):
    """Raise ImportRefused for a title a source cannot have (too long, or none at all)."""
    limit = Source._meta.get_field("title").max_length
    if not title or not title.strip():
        raise ImportRefused(_("The article has no title: give one."))
    if len(title) > limit:
        raise ImportRefused(
            _(
                "The title (by default the article's first line) has %(length)s characters; a "
                "title has at most %(limit)s. Give a shorter title."
            )
            % {"length": len(title), "limit": limit}
        )


def refuse_overwrite(*, slug, sha256, new_version_of):
    """Raise ImportRefused when the article would touch a source it did not create."""
    same = Source.objects.filter(Q(slug=slug) | Q(sha256=sha256)).order_by("pk").first()
    if same is None:
        return
    values = {"slug": slug, "source": describe(same)}
    if same.sha256 == sha256:
        message = _("This text is already in the knowledge base as %(source)s.") % values
    elif new_version_of is not None:
        message = (
            _("The slug %(slug)s is taken by %(source)s. Give the new version another slug.")
            % values
        )
    else:
        message = (
            _(
                "The slug %(slug)s is taken by %(source)s. An import never changes an existing "
                "source: import this text as a new version of it, or give another slug."
            )
            % values
        )
    raise ImportRefused(
        message,
        source=same,
        new_version_possible=same.sha256 != sha256 and new_version_of is None,
    )


def affected_by(new_version_of, records):
    """What publishing the new version would take off the public pages, and what continues."""
    old = replaced_by_version_of(new_version_of)
    if old is None:
        return None
    new_identities = {
        key_identity(r["fields"]["key"]) for r in records if r["model"] == "measures.mention"
    }
    entries = list(
        Mention.objects.filter(measure__source=old).values_list("key", "status", "parsed_digest")
    )
    published = [key for key, status, _digest in entries if status == Source.Status.PUBLISHED]
    old_identities = {key_identity(key) for key, _status, parsed in entries if parsed}
    continued = sum(1 for key in published if key_identity(key) in new_identities)
    return Affected(
        source=old,
        measures=old.measures.count(),
        entries=len(entries),
        published_entries=len(published),
        continued=continued,
        not_in_new_version=len(published) - continued,
        new_entries=len(new_identities - old_identities),
    )


def replaced_by_version_of(source):
    """The published source a new version of `source` would replace (`source` or an earlier one)."""
    return source if source.is_published else replaced_by(source)


def known_instruments(article):
    """{(region code, name): the instrument already in the knowledge base that the identity rule
    says each of the article's mentions names}; a mention of a new instrument has no entry."""
    mentions = {(e.region_code, e.name) for m in article.measures for e in m.instruments}
    regions = Region.objects.in_bulk({code for code, _name in mentions}, field_name="code")
    known = {}
    for code, name in mentions:
        if code in regions:
            instrument = Instrument.objects.matching(name, regions[code])
            if instrument is not None:
                known[(code, name)] = instrument
    return known


def import_article(
    *,
    text,
    slug=None,
    title=None,
    published_on=None,
    url="",
    new_version_of=None,
    dry_run=False,
):
    """Parse `text` and create its Source, measures and entries as drafts.

    Refuses (ImportRefused, nothing written) when the slug or the text matches an existing
    source; with `new_version_of` (a Source) the article becomes a new version of it.
    """
    text = text.replace("\r\n", "\n")
    refuse_oversized(text)
    article = parse_text(text)
    title = title or article.title
    published_on = published_on or article.published_on
    if not slug:
        slug = (
            version_slug(new_version_of)
            if new_version_of is not None
            else article_slug(title=title, published_on=published_on, text=text)
        )
    refuse_unusable_title(title)
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    refuse_overwrite(slug=slug, sha256=sha256, new_version_of=new_version_of)
    records = build_records(
        article,
        text=text,
        slug=slug,
        url=url,
        title=title,
        published_on=published_on,
        status="draft",
        measure_slug=prefixed_measure_slug,
    )
    if new_version_of is not None:
        records[0]["fields"]["previous_version"] = [new_version_of.slug]
    # Read before the load: what the knowledge base already holds, not what this article adds.
    known = known_instruments(article)
    try:
        report = load_records(records, dry_run=dry_run, status="draft", create_only=True)
    except RowExists as error:
        raise ImportRefused(
            _("The import would change %(row)s, which already exists; give another slug.")
            % {"row": error.label}
        ) from error
    except ValidationError as error:
        raise ImportRefused(
            _("The article cannot be stored: %(problems)s")
            % {"problems": " ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())}
        ) from error
    except ObjectDoesNotExist as error:
        raise ImportRefused(
            _(
                "Regions and instrument types are missing: load them first with "
                "“manage.py load_knowledge_base”."
            )
        ) from error
    entries = [entry for measure in article.measures for entry in measure.instruments]
    # Documents of the intro belong to no measure: the preview lists them, the import cannot
    # store them yet (an entry needs a measure).
    entry_rows = [
        {"measure": slug, "region": e.region_code, "type": e.type_slug, "name": e.name,
         "rule": e.rule, "instrument": known.get((e.region_code, e.name)) if slug else None}
        for slug, group in [
            ("", article.instruments),
            *((m.slug, m.instruments) for m in article.measures),
        ]
        for e in group
    ]  # fmt: skip
    by_region = {}
    for entry in entries:
        by_region[entry.region_code] = by_region.get(entry.region_code, 0) + 1
    return ImportResult(
        slug=slug,
        title=title,
        measures=len(article.measures),
        entries=len(entries),
        documents=sum(1 for entry in entries if entry.is_document_title),
        entries_by_region=dict(sorted(by_region.items())),
        report=report,
        dry_run=dry_run,
        affected=affected_by(new_version_of, records) if new_version_of is not None else None,
        entry_rows=entry_rows,
        elsewhere=article.elsewhere,
        subject_code=article.subject_code,
    )
