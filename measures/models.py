import datetime
import hashlib
import json
import uuid
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Window
from django.db.models.functions import Cast, Coalesce, Concat, LPad, Replace, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from collation.fields import PinyinKeyField
from regions.models import Region

from . import identity
from .ingest.parsing import TypeRule


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


def _natural(value):
    if isinstance(value, models.Model):
        return list(value.natural_key())
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def natural_values(obj, fields):
    """The row's values of `fields` as a fixture writes them (natural keys, ISO dates)."""
    values = {}
    for name in fields:
        model_field = obj._meta.get_field(name)
        if model_field.many_to_many:
            values[name] = sorted(_natural(related) for related in getattr(obj, name).all())
        else:
            values[name] = _natural(getattr(obj, name))
    return values


def digest(values, fields):
    """Digest of the parser-owned values, the same for a fixture record and for the row it wrote."""
    canonical = {}
    for name in fields:
        value = values.get(name)
        if isinstance(value, list) and value and isinstance(value[0], list):
            value = sorted(value)
        canonical[name] = value
    payload = json.dumps(canonical, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ParsedRecord(models.Model):
    """A row the knowledge-base loader may write.

    `parsed_digest` is the digest of the parser-owned fields as the loader last wrote them. If the
    row's current values no longer match it, an editor has changed the row and the loader leaves
    it alone. Rows editors create have an empty digest and are never touched by the loader.
    """

    #: Fields the parser owns; subclasses list them.
    PARSER_FIELDS: tuple[str, ...] = ()

    parsed_digest = models.CharField(
        _("parsed digest"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Set by the knowledge-base loader; empty for entries editors created."),
    )

    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_(
            "Counts the saves of this row; a form saved over a newer version is refused, so "
            "that no one's change is silently overwritten."
        ),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Every save makes a new version (raw loads from fixtures keep theirs).
        if not kwargs.get("raw", False) and not self._state.adding:
            self.version = (self.version or 0) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = [*kwargs["update_fields"], "version"]
        super().save(*args, **kwargs)

    def stored_version(self):
        """The version in the database now (None for a row not stored yet)."""
        if self.pk is None:
            return None
        rows = type(self)._default_manager.filter(pk=self.pk)
        return rows.values_list("version", flat=True).first()

    @property
    def is_parsed(self):
        return bool(self.parsed_digest)

    def changed_by_editor(self):
        """Whether an editor changed (or created) this row: its parser-owned fields no longer
        match the digest the loader last wrote, or the loader never wrote it."""
        fields = self.PARSER_FIELDS
        return not self.parsed_digest or digest(natural_values(self, fields), fields) != (
            self.parsed_digest
        )


class SourceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def newest(self):
        """The most recently published source (or None), without its text; undated ones last."""
        return self.newest_first().defer("text").first()

    def newest_first(self):
        """Newest first, undated last, on every database (PostgreSQL would put them first)."""
        return self.order_by(models.F("published_on").desc(nulls_last=True), "slug")

    def in_article_order(self):
        """Oldest first, undated first, then as added: the order `Measure.in_article_order`
        and `Mention.article_order` begin with."""
        return self.order_by(models.F("published_on").asc(nulls_first=True), "pk")


class SourceManager(models.Manager.from_queryset(SourceQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Source(ParsedRecord):
    """One article the knowledge base is built from."""

    Status = Status

    PARSER_FIELDS = ("title", "publisher", "published_on", "url", "text", "sha256")

    slug = models.SlugField(_("slug"), max_length=100, help_text=_("Used in URLs."))
    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    url = models.URLField(
        _("URL"), max_length=500, blank=True, help_text=_("Where it was published.")
    )
    text = models.TextField(_("text"), help_text=_("The full article, verbatim."))
    sha256 = models.CharField(
        _("SHA-256"), max_length=64, blank=True, help_text=_("Digest of the text, UTF-8.")
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_(
            "Only a published source's measures and entries appear on public pages; "
            "an imported article stays a draft until it has been reviewed."
        ),
    )
    previous_version = models.ForeignKey(
        "self",
        verbose_name=_("new version of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="later_versions",
        help_text=_(
            "The source this one replaces once it is published: its measures and entries then "
            "leave the public pages and this version's take their place."
        ),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    objects = SourceManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "slug"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [models.UniqueConstraint(fields=["slug"], name="source_slug_unique")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Set here rather than with auto_now, which loaddata's raw saves skip.
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)
        Mention.objects.filter(measure__source=self).refresh_public()
        Mention.objects.filter(measure__source=self).refresh_article_order()

    def get_absolute_url(self):
        return reverse("measures:source", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def short_label(self):
        """The article in a few characters, where a list names the article of a mention: its
        date (YYYY-MM-DD), or its slug when it has none (`article_label`)."""
        return article_label(self.published_on, self.slug)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def published_successor(self):
        """The published version that replaced this source, following later versions (or None).

        Old links to a replaced article lead there.
        """
        later = self.later_versions.order_by("-created_at", "-pk").first()
        while later is not None:
            if later.is_published:
                return later
            later = later.later_versions.order_by("-created_at", "-pk").first()
        return None


class MeasureQuerySet(models.QuerySet):
    def published(self):
        """Published measures of published sources."""
        return self.filter(status=Status.PUBLISHED, source__status=Status.PUBLISHED)

    def in_article_order(self):
        """By source (oldest first, undated first, then as added), reform measures first, then
        directions, each by number: the order of `Mention.article_order`."""
        return self.order_by(
            models.F("source__published_on").asc(nulls_first=True), "source_id", "-kind", "number"
        )

    def newest_article_first(self):
        """By source as `SourceQuerySet.newest_first` orders them (newest first, undated last),
        then each source's in article order: what a reader of one region wants first."""
        return self.order_by(
            models.F("source__published_on").desc(nulls_last=True),
            "source__slug",
            "-kind",
            "number",
        )


class MeasureManager(models.Manager.from_queryset(MeasureQuerySet)):
    def get_by_natural_key(self, source_slug, kind, number):
        return self.get(source__slug=source_slug, kind=kind, number=number)


class Measure(ParsedRecord):
    """A reform measure carried out (一是…九是) or a next-step direction (下一步 一是…四是)."""

    Status = Status

    PARSER_FIELDS = ("slug", "title", "body", "start", "end", "continues")

    class Kind(models.TextChoices):
        REFORM = "reform", _("Reform measure")
        DIRECTION = "direction", _("Next-step direction")

    slug = models.SlugField(
        _("slug"), max_length=150, help_text=_("Used in URLs and filters, e.g. reform-1.")
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="measures"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number"), help_text=_("Its ordinal: 一是 is 1."))
    title = models.CharField(
        _("title"),
        max_length=300,
        help_text=_("The first clause, e.g. 在推动生态环保责任落实上深化改革."),
    )
    title_en = models.CharField(
        _("English title"),
        max_length=300,
        blank=True,
        help_text=_(
            "Shown on the English pages; when empty they show the Chinese title. Yours to "
            "keep: reloading the knowledge base never changes it."
        ),
    )
    body = models.TextField(
        _("paragraph"), help_text=_("The whole paragraph as the source gives it.")
    )
    start = models.PositiveIntegerField(
        _("start"), null=True, blank=True, help_text=_("Character offset of the paragraph.")
    )
    end = models.PositiveIntegerField(
        _("end"), null=True, blank=True, help_text=_("Character offset just after the paragraph.")
    )
    continues = models.ManyToManyField(
        "self",
        verbose_name=_("continues"),
        symmetrical=False,
        blank=True,
        related_name="continued_by",
        help_text=_("For a direction: the reform measures it carries forward."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_(
            "Only a published measure of a published source appears on public pages; "
            "a measure added to an article stays a draft until it has been reviewed."
        ),
    )

    objects = MeasureManager()
    history = HistoricalRecords(m2m_fields=[continues])

    class Meta:
        ordering = ["source", "-kind", "number"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "number"], name="measure_number_unique_per_source_kind"
            ),
            models.UniqueConstraint(fields=["slug"], name="measure_slug_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}: {self.title}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        Mention.objects.filter(measure=self).refresh_public()
        Mention.objects.filter(measure=self).refresh_article_order()

    def get_absolute_url(self):
        return reverse("measures:detail", args=[self.slug])

    def natural_key(self):
        return (*self.source.natural_key(), self.kind, self.number)

    natural_key.dependencies = ["measures.source"]

    @property
    def is_reform(self):
        return self.kind == self.Kind.REFORM

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def local_title(self):
        """The title in the interface language: the English title on English pages when there
        is one, the article's (Chinese) title otherwise."""
        if self.title_en and (get_language() or "").startswith("en"):
            return self.title_en
        return self.title

    @property
    def local_title_lang(self):
        """The language tag of `local_title`, for its element's `lang`: a Chinese title on an
        English page is read as Chinese."""
        return "zh-Hans" if self.local_title == self.title else "en"

    @property
    def label(self):
        """ "Measure 3" or "Direction 2", in the interface language."""
        if self.is_reform:
            return gettext("Measure %(number)s") % {"number": self.number}
        return gettext("Direction %(number)s") % {"number": self.number}


class InstrumentTypeManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class InstrumentType(models.Model):
    """A type of policy instrument (地方性法规, 试点示范 …) with the rule that recognises it."""

    class Category(models.TextChoices):
        LEGAL = "legal", _("Laws, rules and policy documents")
        INSTITUTIONAL = "institutional", _("Institutions and mechanisms")
        ECONOMIC = "economic", _("Economic instruments")
        EVALUATION = "evaluation", _("Evaluation and accountability")
        DEMONSTRATION = "demonstration", _("Pilots and projects")
        PLANNING = "planning", _("Planning")

    slug = models.SlugField(_("slug"), max_length=50, help_text=_("Used in URLs and filters."))
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    precedence = models.PositiveSmallIntegerField(
        _("precedence"),
        help_text=_("Rules are tried from the lowest precedence up; first match wins."),
    )
    rules = models.JSONField(
        _("matching rules"),
        default=dict,
        blank=True,
        help_text=_(
            'How the parser recognises the type from a name: {"ends_with": [...]} and/or '
            '{"contains": [...]}; an empty rule matches anything.'
        ),
    )

    objects = InstrumentTypeManager()

    class Meta:
        ordering = ["precedence"]
        verbose_name = _("instrument type")
        verbose_name_plural = _("instrument types")
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="instrument_type_slug_unique"),
            models.UniqueConstraint(
                fields=["precedence"], name="instrument_type_precedence_unique"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("measures:instrument_list") + f"?type={self.slug}"

    @property
    def local_name(self):
        """The name for the current interface language."""
        return self.name_en if (get_language() or "").startswith("en") else self.name

    def as_rule(self):
        """The type as the parser's classification rule."""
        return TypeRule(
            slug=self.slug,
            name=self.name,
            name_en=self.name_en,
            category=self.category,
            precedence=self.precedence,
            ends_with=tuple(self.rules.get("ends_with") or ()),
            contains=tuple(self.rules.get("contains") or ()),
            not_ends_with=tuple(self.rules.get("not_ends_with") or ()),
        )

    def natural_key(self):
        return (self.slug,)


class Stage(models.TextChoices):
    """Where an instrument stands, as its mentions or an editor say."""

    DRAFTING = "drafting", _("Being drafted")
    ADOPTED = "adopted", _("Adopted")
    REVISED = "revised", _("Revised")
    PILOTING = "piloting", _("Piloting")
    IN_FORCE = "in_force", _("In force")
    MENTIONED = "mentioned", _("Mentioned")


class StageRuleQuerySet(models.QuerySet):
    def as_rules(self):
        """The rules in the order they are tried, as `identity.stage_of` reads them."""
        return [rule.as_rule() for rule in self.order_by("position", "pk")]


class StageRuleManager(models.Manager.from_queryset(StageRuleQuerySet)):
    def get_by_natural_key(self, position):
        return self.get(position=position)


class StageRule(models.Model):
    """One line of the mapping from a mention's verb to its instrument's stage: the first rule
    (by position) whose words the action contains gives the stage. Editors change the mapping
    here; `fixtures/stages.json` gives the first one."""

    position = models.PositiveSmallIntegerField(
        _("position"),
        unique=True,
        help_text=_("Rules are tried in this order; the first match wins."),
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    action_contains = models.JSONField(
        _("action contains"),
        default=list,
        help_text=_('Words of the verb, any of which matches, e.g. ["制定", "出台"].'),
    )
    name_ends_with = models.JSONField(
        _("name ends with"),
        default=list,
        blank=True,
        help_text=_("If given, the instrument's name must also end with one of these (开展…试点)."),
    )

    objects = StageRuleManager()

    class Meta:
        ordering = ["position"]
        verbose_name = _("stage rule")
        verbose_name_plural = _("stage rules")

    def __str__(self):
        return f"{self.position}: {'/'.join(self.action_contains)} → {self.get_stage_display()}"

    def natural_key(self):
        return (self.position,)

    def as_rule(self):
        return identity.StageRule(
            stage=self.stage,
            action_contains=tuple(self.action_contains),
            name_ends_with=tuple(self.name_ends_with),
        )


class InstrumentQuerySet(models.QuerySet):
    def published(self):
        """Instruments the public sees: those with at least one public mention."""
        return self.with_mentions_in(Mention.objects.published())

    def with_mentions_in(self, mentions):
        """The instruments having at least one of `mentions`: with the list's filtered public
        mentions, the instruments that list would show (one EXISTS subquery)."""
        return self.filter(Exists(mentions.order_by().filter(instrument=OuterRef("pk"))))

    def named_in(self, mentions):
        """The same instruments as `with_mentions_in(mentions)`, written from the mentions'
        side: `id IN (the instruments of mentions)`.

        For reading a page of them in id order: the database can find a county's few mentions
        by their index and look their instruments up, or merge many mentions' instruments
        with the instruments in id order, where the EXISTS of `with_mentions_in` has SQLite
        test every instrument in turn. Not for rows found otherwise (a page's rows by id):
        SQLite would still read every one of `mentions` to make the list."""
        return self.filter(pk__in=mentions.order_by().values("instrument"))

    def redirect_target(self, pk):
        """Where `/instruments/<pk>/` leads when `pk` names no public instrument: the instrument
        it was merged into; or, when `pk` names no instrument at all but a mention (the list's
        rows had those numbers before instruments had pages of their own), that mention in its
        instrument's timeline, following a replaced article to its new version. None when there
        is nowhere to go."""
        merged = self.filter(pk=pk).values_list("merged_into", flat=True).first()
        if merged is None:
            if self.filter(pk=pk).exists():
                return None
            mention = Mention.objects.published().filter(pk=pk).first()
            mention = mention or Mention.objects.published().successor_of(pk)
            if mention is None:
                return None
            instrument = reverse("measures:instrument_detail", args=[mention.instrument_id])
            return f"{instrument}#mention-{mention.pk}"
        seen = set()
        while merged is not None and merged not in seen:
            seen.add(merged)
            target = self.published().filter(pk=merged).first()
            if target is not None:
                return target.get_absolute_url()
            merged = self.filter(pk=merged).values_list("merged_into", flat=True).first()
        return None

    def matching(self, name, region):
        """The instrument that `name`, said of `region`, names by the identity rule
        (`measures.identity`), or None: same region, and the comparable name equal to the
        instrument's or to one of its aliases'. The oldest one if several match."""
        key = identity.comparable_name(name, region_names(region))
        return (
            self.filter(region=region, merged_into=None)
            .filter(models.Q(key=key) | models.Q(aliases__key=key))
            .order_by("pk")
            .first()
        )


def region_names(region):
    """The names a text may give `region` in front of an instrument's name."""
    return (region.name, region.short_name)


class Instrument(models.Model):
    """A policy instrument as a thing of its own: a regulation, a plan, a pilot, a mechanism …
    Each of its mentions (`Mention`) is a sentence of an article that states it."""

    Stage = Stage

    name = models.CharField(
        _("name"), max_length=300, help_text=_("Without 《》, as the instrument is best known.")
    )
    key = models.CharField(
        _("comparable name"),
        max_length=300,
        editable=False,
        db_index=True,
        help_text=_("The name as the identity rule compares it (measures/identity.py)."),
    )
    # The list sorts instruments by their name in pinyin order (不, 企, 全, 信), in the database.
    name_pinyin = PinyinKeyField(_("name in pinyin order"), source="name")
    type = models.ForeignKey(
        "InstrumentType",
        verbose_name=_("type"),
        on_delete=models.PROTECT,
        related_name="instruments",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("responsible region"),
        on_delete=models.PROTECT,
        related_name="instruments",
        help_text=_("The region that adopted it, as specific as known."),
    )
    official_title = models.CharField(
        _("official title"),
        max_length=300,
        blank=True,
        help_text=_("The title of the official document, where it differs from the name."),
    )
    official_url = models.URLField(
        _("official text"),
        max_length=500,
        blank=True,
        help_text=_("A link to the official document."),
    )
    stage = models.CharField(
        _("stage"),
        max_length=12,
        choices=Stage.choices,
        blank=True,
        help_text=_("Leave empty to take the stage from its latest mention's verb."),
    )
    stage_on = models.DateField(
        _("stage date"), null=True, blank=True, help_text=_("When it reached that stage, if known.")
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged",
        help_text=_("Set when an editor merged it into another instrument; its URL leads there."),
    )
    notes = models.TextField(_("editor notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    objects = InstrumentQuerySet.as_manager()
    # The sort key follows from the name the history already records.
    history = HistoricalRecords(excluded_fields=["name_pinyin"])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.key = identity.comparable_name(self.name, region_names(self.region))
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("measures:instrument_detail", args=[self.pk])

    def named_after_a_plain_mention(self):
        """Whether its name is one a mention gives without 《》 (so not an editor's choice nor
        a document's title)."""
        mentions = self.mentions.filter(name=self.name)
        return mentions.exists() and not mentions.filter(is_document_title=True).exists()

    def current_stage(self, mention_stages):
        """(stage, set by an editor?): see `current_stage`."""
        return current_stage(self.stage, mention_stages)


def current_stage(editor_stage, mention_stages):
    """(stage, set by an editor?) of an instrument: the editor's stage if set, else the latest of
    `mention_stages` (its mentions' stages, in timeline order) that says one."""
    if editor_stage:
        return editor_stage, True
    # A later mention that only names it (写入…) says nothing of where it stands.
    for stage in reversed(mention_stages):
        if stage != Stage.MENTIONED:
            return stage, False
    return Stage.MENTIONED, False


class InstrumentAlias(models.Model):
    """Another name an instrument goes by; mentions under it resolve to the instrument."""

    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField(_("name"), max_length=300)
    key = models.CharField(_("comparable name"), max_length=300, editable=False, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "name"], name="alias_unique_per_instrument"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.key = identity.comparable_name(self.name, region_names(self.instrument.region))
        super().save(*args, **kwargs)


#: Which entries the public may see: published, under a published measure of a published
#: source. Drafts are visible in the admin only. Each entry keeps the answer in `public`, so that
#: public lists and counts read one column of one table (`MentionQuerySet.refresh_public`).
PUBLIC_ENTRY = models.Q(
    status=Status.PUBLISHED,
    measure__status=Status.PUBLISHED,
    measure__source__status=Status.PUBLISHED,
)


class MentionQuerySet(models.QuerySet):
    def published(self):
        """Entries the public may see (`PUBLIC_ENTRY`)."""
        return self.filter(public=True)

    def refresh_public(self):
        """Store `PUBLIC_ENTRY` on these entries. Every save of an entry, a measure or a source
        calls it for the entries it may have shown or hidden, in the same transaction."""
        self.filter(PUBLIC_ENTRY, public=False).update(public=True)
        self.filter(public=True).exclude(PUBLIC_ENTRY).update(public=False)

    def refresh_article_order(self):
        """Store each of these mentions' place in article order (`article_order`, one UPDATE).
        Every save of a mention, a measure or a source calls it for the mentions whose place
        it may have moved, in the same transaction."""
        self.update(article_order=article_order_value())

    def for_region(self, *regions):
        """What a page or filter for these regions shows: a prefecture, county or town with the
        units below it, at any depth; the province only what is attributed to the province
        itself (`RegionQuerySet.counted_in`)."""
        # The ids themselves rather than a subquery (one more small query): the database then
        # knows how many rows they select, and reads a few regions' rows by index instead of
        # walking the whole list in article order looking for them.
        return self.filter(region__in=Region.objects.counted_ids(*regions))

    def count_by(self, *fields):
        """How many rows there are for each value of `fields`, in one aggregate query:
        {value: n} for one field, {(value, …): n} for several."""
        rows = (
            self.order_by()
            .values_list(*fields)
            .annotate(n=models.Count("id"))
            .values_list(*fields, "n")
        )
        if len(fields) == 1:
            return dict(rows)
        return {tuple(row[:-1]): row[-1] for row in rows}

    def count_instruments_by(self, *fields):
        """How many distinct instruments these mentions name for each value of `fields`, in
        one aggregate query: {value: n} for one field, {(value, …): n} for several. What every
        public count counts: an instrument mentioned twice under one value counts once."""
        rows = (
            self.order_by()
            .values_list(*fields)
            .annotate(n=models.Count("instrument", distinct=True))
            .values_list(*fields, "n")
        )
        if len(fields) == 1:
            return dict(rows)
        return {tuple(row[:-1]): row[-1] for row in rows}

    def count_instruments(self):
        """How many distinct instruments these mentions name (one query)."""
        return self.order_by().aggregate(n=models.Count("instrument", distinct=True))["n"]

    def leading(self, among=None):
        """One of these mentions per instrument: its first in article order, which places the
        instrument in a list of instruments — the mentions with no earlier one of the same
        instrument among these. In article order, the database reads them from the start of
        `mention_public_order_idx` and looks up each one's instrument's earlier mentions in
        `mention_instrument_order_idx`, so a page's rows cost the same however many match.

        `among`, when given, is the same mentions selected by conditions cheaper to test on a
        row the index already found (a search without its index condition)."""
        earlier = (self if among is None else among).filter(
            instrument_id=models.OuterRef("instrument_id"),
            article_order__lt=models.OuterRef("article_order"),
        )
        return self.filter(~Exists(earlier))

    def for_list(self):
        """Everything list rows and exports read, in one query.

        The long texts no row shows (the whole article, the measure's paragraph, editor notes)
        stay in the database.
        """
        return self.select_related("measure__source", "region__parent__parent", "type").defer(
            "notes", "measure__body", "measure__source__text"
        )

    def for_instrument_rows(self):
        """What a row of the instruments list reads, in one query: the columns it shows and
        those a search's explanation reads (`search.explain`), not every column of the mention,
        its measure and its instrument, which took longer to load than the query to run. Its
        region and type are left to the list, which hands over those it reads once for its
        facets (`MentionListing._explained`) rather than joining three tables for each row."""
        return self.select_related("measure", "instrument").only(
            "name",
            "is_document_title",
            "action",
            "quote",
            "parsed_digest",
            "region",
            "type",
            "measure__kind",
            "measure__number",
            "measure__title",
            "measure__source",
            "instrument__name",
        )

    def for_entry_rows(self):
        """What a row of a measure's or region's table reads of its mention alone: its measure,
        region and type are left to the page, which reads each of them once for all its rows
        (`pages.region_page`) rather than joining five tables for each row."""
        return self.select_related(None).only(
            "name",
            "is_document_title",
            "action",
            "parsed_digest",
            "instrument",
            "measure",
            "region",
            "type",
        )

    def in_article_order(self):
        """The order the article states them: by source, measure, then place in the text."""
        return self.order_by(*ARTICLE_ORDER)

    def first_instruments_per_measure(self, count):
        """Of the first `count` entries of each measure, the first of each instrument, in
        article order, in one query: the rows a page shows of each measure's first entries
        (`by_instrument` keeps an instrument's first entry in a group), without reading the
        others.

        An instrument's first entry in a measure is among the measure's first `count` exactly
        when any of its entries is, so both are numbered over the same entries."""
        place = (models.F("start").asc(nulls_last=True), "id")
        ranked = self.annotate(
            place_in_measure=Window(
                RowNumber(), partition_by=[models.F("measure_id")], order_by=place
            ),
            place_of_instrument=Window(
                RowNumber(),
                partition_by=[models.F("measure_id"), models.F("instrument_id")],
                order_by=place,
            ),
        )
        return ranked.filter(place_in_measure__lte=count, place_of_instrument=1).in_article_order()

    def successor_of(self, entry_id):
        """The entry that continues entry `entry_id` in the version of its article that replaced
        it: the same measure, region and parsed name (or None)."""
        entry = Mention.objects.filter(pk=entry_id).select_related("measure__source").first()
        if entry is None or entry.identity is None:
            return None
        successor = entry.measure.source.published_successor()
        if successor is None:
            return None
        return self.filter(key=f"{successor.slug}/{entry.identity}").first()

    def following(self, entry):
        """The next entry after `entry` in article order, within its source (or None)."""
        return self._neighbour(entry, after=True)

    def preceding(self, entry):
        """The entry before `entry` in article order, within its source (or None)."""
        return self._neighbour(entry, after=False)

    def _neighbour(self, entry, *, after):
        # Article order within a source: reforms before directions (kind descending), then
        # measure number, place in the text (unplaced entries last), id.
        gt = "gt" if after else "lt"
        lt = "lt" if after else "gt"
        measure = entry.measure
        position = entry.start if entry.start is not None else UNPLACED
        later = (
            models.Q(**{f"measure__kind__{lt}": measure.kind})
            | models.Q(measure__kind=measure.kind, **{f"measure__number__{gt}": measure.number})
            | models.Q(measure=measure, **{f"position__{gt}": position})
            | models.Q(measure=measure, position=position, **{f"id__{gt}": entry.id})
        )
        direction = "" if after else "-"
        return (
            self.filter(measure__source_id=measure.source_id)
            .annotate(position=Coalesce("start", models.Value(UNPLACED)))
            .filter(later)
            .select_related("measure")
            .order_by(
                f"{'-' if after else ''}measure__kind",
                f"{direction}measure__number",
                f"{direction}position",
                f"{direction}id",
            )
            .first()
        )


#: Mentions in the order articles state them: by source (oldest first; undated ones first, then
#: in the order they were added), measure (reforms before directions, by number), then place in
#: the text (unplaced last). Stored on each mention as one value (`article_order_value`).
ARTICLE_ORDER = (models.F("article_order").asc(),)

# Sorts entries without a place in the text after every placed one.
UNPLACED = 2**31 - 1


def _digits(expression, width):
    return LPad(Cast(expression, models.CharField()), width, models.Value("0"))


#: The kinds of measure in the order an article states them.
KIND_ORDER = models.Case(
    models.When(kind=Measure.Kind.REFORM, then=models.Value("1")),
    default=models.Value("2"),
    output_field=models.CharField(),
)

#: The widths of the parts of `article_order`: a source's date (YYYYMMDD) and id, the kind,
#: the measure's number, the place in the text and the mention's id. Digits alone, each part
#: of fixed width, so that every collation sorts the values alike.
ARTICLE_ORDER_PARTS = (8, 10, 1, 5, 10, 10)
ARTICLE_ORDER_LENGTH = sum(ARTICLE_ORDER_PARTS)


def article_order_value():
    """The expression `MentionQuerySet.refresh_article_order` stores on each mention."""
    date, source, _kind, number, place, own = ARTICLE_ORDER_PARTS
    of_measure = (
        Measure.objects.filter(pk=models.OuterRef("measure_id"))
        .annotate(
            order=Concat(
                Coalesce(
                    Replace(Cast("source__published_on", models.CharField()), models.Value("-")),
                    models.Value("0" * date),
                ),
                _digits("source_id", source),
                KIND_ORDER,
                _digits("number", number),
                output_field=models.CharField(),
            )
        )
        .values("order")[:1]
    )
    return Concat(
        models.Subquery(of_measure),
        _digits(Coalesce("start", models.Value(UNPLACED)), place),
        _digits("id", own),
        output_field=models.CharField(),
    )


def article_label(published_on, slug):
    """`Source.short_label` of a source with this date (or None) and slug."""
    return published_on.isoformat() if published_on else slug


class MeasurePlace(NamedTuple):
    """The measure part of a mention's `article_order`, read back (`measure_place`)."""

    published_on: datetime.date | None
    source_id: int
    kind: str
    number: int


def measure_place(article_order):
    """What `article_order_value` stored of a mention's measure: its source's date and id, and
    its kind and number, without reading the measure or the source."""
    date, source, kind, number, _place, _own = ARTICLE_ORDER_PARTS
    day, rest = article_order[:date], article_order[date:]
    return MeasurePlace(
        published_on=None
        if day == "0" * date
        else datetime.date.fromisoformat(f"{day[:4]}-{day[4:6]}-{day[6:]}"),
        source_id=int(rest[:source]),
        kind=Measure.Kind.REFORM if rest[source : source + kind] == "1" else Measure.Kind.DIRECTION,
        number=int(rest[source + kind : source + kind + number]),
    )


class MentionManager(models.Manager.from_queryset(MentionQuerySet)):
    def get_by_natural_key(self, key):
        return self.get(key=key)


def key_identity(key):
    """What makes parsed entries of two versions of an article the same statement: the measure,
    the region and the parsed name, i.e. the key without its source's slug (None for the keys
    of entries editors created)."""
    return key.split("/", 1)[1] if "/" in key else None


def new_entry_key():
    """Identity for an entry an editor creates (parsed entries get a key the parser derives)."""
    return f"entry-{uuid.uuid4().hex}"


class Mention(ParsedRecord):
    """A mention of a policy instrument: one region adopted it under one measure, as one
    sentence of an article states it."""

    PARSER_FIELDS = (
        "measure",
        "region",
        "type",
        "name",
        "is_document_title",
        "action",
        "quote",
        "start",
        "end",
        "name_start",
        "name_end",
    )

    Status = Status

    key = models.CharField(
        _("key"),
        max_length=200,
        default=new_entry_key,
        editable=False,
        help_text=_("Stable identity across reloads of the knowledge base."),
    )
    name = models.CharField(
        _("name"),
        max_length=300,
        help_text=_("The instrument's name without 《》, e.g. 大气污染防治条例."),
    )
    is_document_title = models.BooleanField(
        _("document title"), default=False, help_text=_("The source gives the name in 《》.")
    )
    action = models.CharField(
        _("action"), max_length=20, blank=True, help_text=_("The verb: 制定, 修订, 建立, 开展 …")
    )
    quote = models.TextField(_("quote"), blank=True, help_text=_("The sentence that states it."))
    start = models.PositiveIntegerField(
        _("start"),
        null=True,
        blank=True,
        help_text=_("Character offset of the sentence in the source."),
    )
    end = models.PositiveIntegerField(
        _("end"), null=True, blank=True, help_text=_("Character offset just after the sentence.")
    )
    name_start = models.PositiveIntegerField(
        _("name start"),
        null=True,
        blank=True,
        help_text=_("Character offset of the name in the source, for highlighting."),
    )
    name_end = models.PositiveIntegerField(
        _("name end"),
        null=True,
        blank=True,
        help_text=_("Character offset just after the name in the source."),
    )
    evidence_url = models.URLField(
        _("evidence link"),
        max_length=500,
        blank=True,
        help_text=_(
            "For a mention an editor adds: where its evidence can be read, a web page or a "
            "document online."
        ),
    )
    evidence_reference = models.CharField(
        _("evidence reference"),
        max_length=300,
        blank=True,
        help_text=_(
            "For a mention an editor adds: the document that states it, as one would cite it "
            "(title, issuing body, number, date)."
        ),
    )
    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrument"),
        on_delete=models.PROTECT,
        related_name="mentions",
        blank=True,
        help_text=_(
            "The instrument it mentions. Leave empty to find it by the identity rule (same region "
            "and name), or to create it."
        ),
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="mentions"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="mentions",
        help_text=_("The most specific unit it is attributed to."),
    )
    type = models.ForeignKey(
        InstrumentType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="mentions"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Only published entries appear on public pages."),
    )
    public = models.BooleanField(
        _("public"),
        default=False,
        editable=False,
        help_text=_(
            "Whether public pages show it: it, its measure and its source are published. "
            "Kept up to date on every save of any of the three."
        ),
    )
    article_order = models.CharField(
        _("place in article order"),
        max_length=ARTICLE_ORDER_LENGTH,
        default="",
        editable=False,
        help_text=_(
            "Where it comes in article order, as one sortable value. Kept up to date on every "
            "save of it, its measure and its source."
        ),
    )
    notes = models.TextField(_("editor notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    objects = MentionManager()
    # `public` and `article_order` follow from what the history already records.
    history = HistoricalRecords(excluded_fields=["public", "article_order"])

    class Meta:
        ordering = ["measure", "start", "id"]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        permissions = [("publish_mention", "Can publish mentions")]
        # What the public list, its facets and the admin filter and sort on; docs/performance.md
        # has the plans they make at 100,000 entries. Measure, region and type need none of
        # their own: their foreign keys are indexed, and that on measure is what a page of the
        # list in article order reads (it sorts on source and measure columns first, which no
        # index on this table can provide). The searched text has trigram indexes on
        # PostgreSQL (migration 0006_search_trigram).
        indexes = [
            # Public entries by region, type and measure, with the instrument and the id:
            # facet counts (distinct instruments) are read from this narrow index alone
            # (index-only scans) instead of from the rows, a region filter (with a type) finds
            # its entries in one range of it, and drafts are left out of it. The id is a key
            # column rather than INCLUDE so that SQLite, which has no INCLUDE, builds the same
            # index without a warning.
            models.Index(
                fields=["region", "type", "measure", "instrument", "id"],
                condition=models.Q(public=True),
                name="mention_public_idx",
            ),
            # Entries waiting for review (the admin's status filter): few, so a partial index.
            models.Index(
                fields=["status"],
                condition=models.Q(status=Status.DRAFT),
                name="mention_draft_idx",
            ),
            # Mentions by name (the admin's list sorted by name). The public list sorts by its
            # instrument's pinyin key instead, after picking each instrument's row, which no
            # index on this table can serve.
            models.Index(fields=["name", "id"], name="mention_name_idx"),
            # Public mentions in article order: the list's first page and an export's first
            # rows are read from its start, without sorting every matching mention.
            models.Index(
                fields=["article_order"],
                condition=models.Q(public=True),
                name="mention_public_order_idx",
            ),
            # An instrument's mentions in article order: whether a mention is its instrument's
            # first among those matching (`MentionQuerySet.leading`).
            models.Index(
                fields=["instrument", "article_order"], name="mention_instrument_order_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["key"], name="mention_key_unique"),
            models.CheckConstraint(
                condition=models.Q(start__isnull=True)
                | models.Q(end__isnull=True)
                | models.Q(start__lt=models.F("end")),
                name="mention_start_before_end",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Set here rather than with auto_now, which loaddata's raw saves skip.
        self.updated_at = timezone.now()
        if self.instrument_id is None:
            self.instrument = self.resolve_instrument()
        super().save(*args, **kwargs)
        Mention.objects.filter(pk=self.pk).refresh_public()
        Mention.objects.filter(pk=self.pk).refresh_article_order()
        self.refresh_from_db(fields=["public", "article_order"])

    #: What a search found in this entry, set by the list on the rows a search matched
    #: (`browse.listing`). None on every other entry, so that templates asking for it find an
    #: attribute rather than failing a lookup (which Django answers by listing the object's
    #: attributes, costly over hundreds of rows).
    search_match = None

    def get_absolute_url(self):
        return reverse("measures:mention_detail", args=[self.pk])

    def resolve_instrument(self):
        """The instrument this mention names by the identity rule, created if there is none;
        a name it did not go by yet becomes one of its aliases. Every write path (the loader,
        imports, the admin) comes through here, so mentions of one instrument in any article
        join it."""
        instrument = Instrument.objects.matching(self.name, self.region)
        if instrument is None:
            return Instrument.objects.create(name=self.name, type=self.type, region=self.region)
        if self.name != instrument.name:
            instrument.aliases.get_or_create(name=self.name)
            if self.is_document_title and instrument.named_after_a_plain_mention():
                # A document's own title (《…》) names it best; the name it had stays an alias.
                instrument.aliases.filter(name=self.name).delete()
                instrument.aliases.get_or_create(name=instrument.name)
                instrument.name = self.name
                instrument.save()
        return instrument

    def natural_key(self):
        return (self.key,)

    def clean(self):
        """Refuse a blank name and offsets that fall outside the source text.

        Here rather than in a form so that the admin and the spreadsheet import apply the same
        rules.
        """
        errors = {}
        # The field itself refuses an empty name; it accepts one of only spaces.
        if self.name and not self.name.strip():
            errors["name"] = _("The name cannot be blank.")
        # Without a measure there is no source text to check against; the measure field reports.
        if self.measure_id is not None:
            self._place_in_article()
            length = len(self.measure.source.text)
            for start_field, end_field in (("start", "end"), ("name_start", "name_end")):
                start, end = getattr(self, start_field), getattr(self, end_field)
                if start is None and end is None:
                    continue
                values = {
                    "start": self._meta.get_field(start_field).verbose_name,
                    "end": self._meta.get_field(end_field).verbose_name,
                    "start_value": start,
                    "end_value": end,
                    "length": length,
                }
                if start is None or end is None:
                    message = _("Give both %(start)s and %(end)s, or neither.")
                    errors[start_field if start is None else end_field] = message % values
                elif start < 0:
                    errors[start_field] = _("%(start)s cannot be negative.") % values
                elif start >= end:
                    message = _(
                        "%(end)s (%(end_value)s) must be greater than %(start)s (%(start_value)s)."
                    )
                    errors[end_field] = message % values
                elif end > length:
                    message = _(
                        "%(end)s (%(end_value)s) is past the end of the source text, "
                        "which has %(length)s characters."
                    )
                    errors[end_field] = message % values
        if not errors and self.measure_id is not None and self.lacks_evidence():
            errors["evidence_reference"] = _(
                "Say where the evidence for this mention is: give a sentence of its article as "
                "the quote, or a link or a reference to the document that states it."
            )
        if errors:
            raise ValidationError(errors)

    #: What says where an editor-added mention's evidence is (`lacks_evidence`).
    EVIDENCE_FIELDS = ("quote", "start", "evidence_url", "evidence_reference")

    def lacks_evidence(self):
        """Where the evidence is, the one rule: a mention read from an article is its own
        evidence; one an editor adds must have its sentence in its article (placed there), or
        cite a link or a document, and pages then show the citation rather than present the
        editor's sentence as a quotation. Checked when the mention is created and whenever what
        says it changes, so that older mentions without evidence can still be corrected in
        their other fields."""
        if self.is_parsed or self.in_article or self.cites_evidence:
            return False
        if self.pk is None:
            return True
        stored = Mention.objects.filter(pk=self.pk).values(*self.EVIDENCE_FIELDS).first()
        if stored is None:
            # Restored from its history after a deletion: it comes back as it was.
            return not Mention.history.filter(id=self.pk).exists()
        return any(stored[name] != getattr(self, name) for name in self.EVIDENCE_FIELDS)

    @property
    def in_article(self):
        """Whether its sentence is placed in its article (so a reader can see it there)."""
        return self.start is not None

    @property
    def cites_evidence(self):
        return bool(self.evidence_url.strip() or self.evidence_reference.strip())

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def identity(self):
        return key_identity(self.key) if self.is_parsed else None

    def _place_in_article(self):
        """An entry an editor adds with a sentence of the article and no offsets: find the
        sentence (and the name in it), so that the entry is highlighted and linked there like
        one read by the parser. A sentence the article does not contain is left unplaced."""
        if self.is_parsed or not self.quote.strip() or (self.start, self.end) != (None, None):
            return
        sentence = self.quote.strip()
        start = self.measure.source.text.find(sentence)
        if start < 0:
            return
        self.start, self.end = start, start + len(sentence)
        within = sentence.find(self.name) if self.name else -1
        if within >= 0 and (self.name_start, self.name_end) == (None, None):
            self.name_start = start + within
            self.name_end = self.name_start + len(self.name)


class PendingUpload(models.Model):
    """A spreadsheet uploaded for import, waiting for its preview to be confirmed.

    Kept in the database rather than on one server's disk, so that any app server can confirm
    it; named by a random token and bound to the editor who uploaded it, so that no form field
    can name another file or another editor's upload.
    """

    token = models.CharField(_("token"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE
    )
    data = models.BinaryField(_("file"))
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("pending upload")
        verbose_name_plural = _("pending uploads")

    def __str__(self):
        return self.token


#: The summary's scope for every public mention, whatever its measure's kind.
ALL_KINDS = "all"


class SummaryCell(models.Model):
    """How many public mentions, and how many distinct instruments among them, there are for
    one region and one type: over every measure (`scope` "all") or over the measures of one
    kind (`scope` the kind). What the counts of public pages are added up from, instead of
    reading every mention (measures/summary.py).

    Written only by the database's triggers on mentions, in the transaction of the write that
    changes them (migration 0018_summary); `manage.py summary --check` compares it with the
    mentions, `--rebuild` makes it again.
    """

    scope = models.CharField(max_length=12)
    region_id = models.IntegerField()
    type_id = models.IntegerField()
    instruments = models.IntegerField()
    mentions = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "region_id", "type_id"], name="summary_cell_unique"
            )
        ]

    def __str__(self):
        return f"{self.scope} {self.region_id} {self.type_id}: {self.instruments}"


class SummaryInstrument(models.Model):
    """How many public mentions of one instrument there are in one cell of the summary: a row
    while there is at least one. Its rows are how a cell knows its distinct instruments, and
    how an instrument mentioned in several cells is counted once when cells are added up."""

    scope = models.CharField(max_length=12)
    region_id = models.IntegerField()
    type_id = models.IntegerField()
    instrument_id = models.IntegerField()
    mentions = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "region_id", "type_id", "instrument_id"],
                name="summary_instrument_unique",
            )
        ]
        indexes = [models.Index(fields=["instrument_id"], name="summary_instrument_idx")]

    def __str__(self):
        return f"{self.scope} {self.region_id} {self.type_id} {self.instrument_id}: {self.mentions}"


class SummarySpread(models.Model):
    """In how many cells of scope "all" an instrument has public mentions: a row while there is
    at least one. Nearly every instrument is in one cell (its mentions share its region and
    type); the few in more are the ones whose cells cannot simply be added up."""

    instrument_id = models.IntegerField(primary_key=True)
    cells = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["cells"], condition=models.Q(cells__gt=1), name="summary_spread_idx"
            )
        ]

    def __str__(self):
        return f"{self.instrument_id}: {self.cells}"


class SummaryMeasure(models.Model):
    """How many public mentions one measure has that one region counts: its own, and those of
    the units below it when it takes them in (a prefecture, a county: `summary.units_counting`);
    a row while there is at least one. What says which measures a region acted under, and how
    many, without reading its mentions (measures/summary.py); kept by the same triggers as the
    other summary tables."""

    region_id = models.IntegerField()
    measure_id = models.IntegerField()
    mentions = models.IntegerField()

    class Meta:
        constraints = [
            # Region first: pages ask for the measures of a few regions, and read them from
            # this index alone.
            models.UniqueConstraint(
                fields=["region_id", "measure_id"], name="summary_measure_unique"
            )
        ]
        indexes = [
            # Measure first: whether each of a page's few measures has mentions in a region
            # is one probe each here, rather than reading all of that region's rows.
            models.Index(fields=["measure_id", "region_id"], name="summary_measure_idx")
        ]

    def __str__(self):
        return f"{self.region_id} {self.measure_id}: {self.mentions}"


class SummaryMeasureCount(models.Model):
    """How many measures have public mentions that one region counts: its rows of
    `SummaryMeasure`, a row while there is at least one. What the region list and a region's
    page say without counting those rows; kept by the same triggers."""

    region_id = models.IntegerField(primary_key=True)
    measures = models.IntegerField()

    def __str__(self):
        return f"{self.region_id}: {self.measures}"
