from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class RegionQuerySet(models.QuerySet):
    def prefectures(self):
        """The prefecture-level units (市 and 州), in code order."""
        return self.filter(level=Region.Level.PREFECTURE).order_by("code")

    def within(self, region):
        """The region itself and every unit below it (counties, towns)."""
        return self.filter(Q(pk=region.pk) | Q(parent=region.pk) | Q(parent__parent=region.pk))

    def counted_in(self, *regions):
        """The units whose entries count for any of `regions`.

        A prefecture, county or town counts the units below it; the province counts only what
        is attributed to the province itself, since everything else belongs to a prefecture.
        """
        condition = Q(pk__in=[])
        for region in regions:
            condition |= Q(pk=region.pk)
            if not region.is_province:
                condition |= Q(parent=region.pk) | Q(parent__parent=region.pk)
        return self.filter(condition)

    def with_ancestors(self):
        """Regions with their parent and grandparent, so `prefecture` needs no query."""
        return self.select_related("parent__parent")


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
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Full official name."))
    short_name = models.CharField(
        _("short name"), max_length=50, help_text=_("The name as articles write it, e.g. 海西州.")
    )
    name_en = models.CharField(_("English name"), max_length=200)
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
    def prefecture(self):
        """The prefecture this unit belongs to (itself for a prefecture, None for the province).

        Walks up the parent chain; lists load it with `select_related("…parent__parent")`, so it
        reads cached objects instead of querying.
        """
        node = self
        while node is not None:
            if node.level == self.Level.PREFECTURE:
                return node
            if node.level == self.Level.PROVINCE:
                return None
            node = node.parent
        return None

    @property
    def all_names(self):
        """Every name the unit goes by, longest first (for matching in text)."""
        names = {self.name, self.short_name, *self.aliases}
        return sorted(names, key=lambda n: (-len(n), n))
