from collections import Counter

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from collation.fields import PinyinKeyField

#: What a region code looks like: 6 digits (GB/T 2260) or up to 12 (statistical codes of towns).
#: The region pages' URLs accept exactly this, so a code that does not match could not be linked.
CODE_PATTERN = r"[0-9]{6,12}"


class RegionQuerySet(models.QuerySet):
    """The region rule: which units count for a region, at any depth of the hierarchy.

    A prefecture, county or town counts the units below it, however far down; the province
    counts only what is attributed to the province itself, since everything else belongs to a
    prefecture. `counted_in` selects those units for a filter, `roll_up` adds per-unit counts up
    the same way, and `Region.prefecture` names the prefecture a unit belongs to.
    """

    def with_units_below(self):
        """These regions and every unit below them, at any depth (one subquery)."""
        return self.model.objects.filter(pk__in=UnitsBelow(self))

    def counted_in(self, *regions):
        """The units whose entries count for any of `regions` (one subquery)."""
        spreading = [region.pk for region in regions if region.counts_units_below]
        condition = Q(pk__in=[region.pk for region in regions])
        if spreading:
            condition |= Q(pk__in=UnitsBelow(self.model.objects.filter(pk__in=spreading)))
        return self.filter(condition)

    def counted_ids(self, *regions):
        """The ids of `counted_in(*regions)`, as a list (one query): handed to the database as
        values, they let it estimate how many rows they select, which a subquery does not."""
        return list(self.counted_in(*regions).values_list("pk", flat=True))

    def linked(self):
        """The regions as a list, each one's `parent` the loaded object when it is among them.

        On all regions (`Region.objects.linked()`, one query), walking up from any unit —
        `prefecture`, `lineage`, `roll_up` — reads no more rows, however deep the hierarchy.
        """
        regions = list(self)
        by_pk = {region.pk: region for region in regions}
        for region in regions:
            if region.parent_id in by_pk:
                region.parent = by_pk[region.parent_id]
        return regions


class RegionManager(models.Manager.from_queryset(RegionQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Region(models.Model):
    """An administrative unit named in the sources: the nation, a province, prefecture, county or town."""

    class Level(models.TextChoices):
        # Ministries and the central government, for articles about the national level.
        NATIONAL = "national", _("National")
        PROVINCE = "province", _("Province")
        PREFECTURE = "prefecture", _("Prefecture")
        COUNTY = "county", _("County")
        TOWNSHIP = "township", _("Township")

    code = models.CharField(
        _("code"),
        max_length=12,
        help_text=_("GB/T 2260 administrative division code (statistical code for towns)."),
        validators=[
            RegexValidator(
                rf"\A{CODE_PATTERN}\Z",
                _("A region code is 6 to 12 digits, e.g. 632800."),
            )
        ],
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Full official name."))
    short_name = models.CharField(
        _("short name"), max_length=50, help_text=_("The name as articles write it, e.g. 海西州.")
    )
    name_en = models.CharField(_("English name"), max_length=200)
    # The list sorts regions by the name it shows, in pinyin order (西宁 under x).
    short_name_pinyin = PinyinKeyField(_("short name in pinyin order"), source="short_name")
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        help_text=_('Other names the parser recognises in articles, e.g. ["海西"].'),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    objects = RegionManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.UniqueConstraint(fields=["code"], name="region_code_unique"),
        ]

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("regions:detail", args=[self.code])

    def clean(self):
        """A region is never placed under itself or a unit below it: every walk up the
        hierarchy (`lineage`, the summary's triggers) must end at the top."""
        super().clean()
        above = self.parent.lineage() if self.parent is not None else ()
        if self.pk is not None and any(unit.pk == self.pk for unit in above):
            raise ValidationError(
                {"parent": _("A region cannot be placed under itself or a unit below it.")}
            )

    def natural_key(self):
        return (self.code,)

    @property
    def local_name(self):
        """The name for the current interface language (English or the short Chinese name)."""
        return self.name_en if (get_language() or "").startswith("en") else self.short_name

    @property
    def map_label(self):
        """A label short enough for the map: 海西州, or Haixi in English."""
        return (
            self.name_en.split()[0] if (get_language() or "").startswith("en") else self.short_name
        )

    @property
    def is_province(self):
        return self.level == self.Level.PROVINCE

    @property
    def counts_units_below(self):
        """Whether the entries of the units below this one count for it: not for a province or
        the nation, whose own pages and filters mean what is attributed to them itself."""
        return self.level not in (self.Level.PROVINCE, self.Level.NATIONAL)

    def lineage(self):
        """The unit, its parent, its parent's parent … up to the top."""
        node = self
        while node is not None:
            yield node
            node = node.parent

    @property
    def prefecture(self):
        """The prefecture this unit belongs to (itself for a prefecture, None for the province).

        Walks up the parents already loaded (`RegionQuerySet.linked`, or `select_related`);
        a parent that is not loaded is fetched.
        """
        return prefecture_in(self.lineage())

    @property
    def all_names(self):
        """Every name the unit goes by, longest first (for matching in text)."""
        names = {self.name, self.short_name, *self.aliases}
        return sorted(names, key=lambda n: (-len(n), n))


# The region rule over regions in memory, and the subquery that finds the units below. ----------


def prefecture_in(lineage):
    """The prefecture a unit belongs to, from `lineage`: the unit, then the units above it.

    The first prefecture going up; None once the province is reached, since what the province
    does itself belongs to no prefecture. Stops there, so a lazy `lineage` is read no further.
    """
    for node in lineage:
        if node.level == Region.Level.PREFECTURE:
            return node
        if not node.counts_units_below:
            return None
    return None


def home_province(regions):
    """The province the knowledge base maps: the one whose prefectures are among `regions`.

    The gazetteer also holds other provinces and the nation, for articles about them; pages that
    lay out the province and its prefectures (the map, the matrix, the region list) mean this one.
    None before any region is loaded.
    """
    return next((r.parent for r in regions if r.level == Region.Level.PREFECTURE), None)


def always_listed(region, home):
    """Whether a region is offered even when nothing is attributed to it: the home province and
    its prefectures are; counties, towns, other provinces and the nation only once they count."""
    return region == home or (region.level == Region.Level.PREFECTURE and region.parent == home)


def roll_up(counts, regions):
    """{code: count} with each region counting what `counted_in` selects for it.

    `counts`: {region id: count} of entries attributed to each unit itself; `regions`: every
    region, linked (`Region.objects.linked()`), so walking up costs no query.
    """
    totals = Counter()
    for region in regions:
        count = counts.get(region.pk, 0)
        if not count:
            continue
        for unit in region.lineage():
            if unit is region or unit.counts_units_below:
                totals[unit.code] += count
    return totals


def units_below(named, regions):
    """The ids of the `named` regions and of every unit below them, at any depth: what
    `with_units_below` selects, read from `regions` (every region, linked) without a query."""
    named = set(named)
    if not named:
        return frozenset()
    return frozenset(
        region.pk for region in regions if any(unit in named for unit in region.lineage())
    )


class UnitsBelow(models.Subquery):
    """The ids of the regions a queryset selects and of every unit below them, at any depth.

    A recursive query, since the hierarchy has no fixed depth: a prefecture's towns are two
    levels down, the province's three, and a finer division would add more. The database walks
    the parent links itself, so it is one subquery however deep the units go.
    """

    template = (
        "(WITH RECURSIVE units(id) AS (%(subquery)s"
        " UNION SELECT unit.%(id)s FROM %(table)s unit"
        " JOIN units ON unit.%(parent)s = units.id)"
        " SELECT id FROM units)"
    )

    def __init__(self, regions):
        super().__init__(
            regions.order_by().values("pk"),
            table=Region._meta.db_table,
            id=Region._meta.pk.column,
            parent=Region._meta.get_field("parent").column,
        )
