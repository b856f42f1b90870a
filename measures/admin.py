from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportMixin
from simple_history.admin import SimpleHistoryAdmin

from regions.models import Region

from . import instruments
from .forms import ImportArticleForm, VersionCheckedForm
from .ingest.articles import ImportRefused, import_article
from .ingest.spreadsheets import (
    IMPORT_FORMATS,
    DatabaseUploadStorage,
    MentionResource,
    UploadTooLarge,
    check_size,
    fresh_upload,
    uploads_by,
)
from .models import (
    Instrument,
    InstrumentAlias,
    InstrumentType,
    Measure,
    Mention,
    Source,
    StageRule,
    Status,
)
from .publishing import (
    can_publish,
    keep_status_unless_permitted,
    publish_source,
    published_now,
    set_status,
)


def admin_change_reason(form, change):
    """The history's reason for a save from an admin form: added, or which fields it changed."""
    if not change:
        return str(_("Added in the admin"))
    changed = [
        str(form.fields[name].label or name)
        for name in form.changed_data
        if name in form.fields and name != "version_seen"
    ]
    if not changed:
        return str(_("Saved in the admin, unchanged"))
    # The history keeps 100 characters of a reason.
    return (str(_("Changed in the admin: %(fields)s")) % {"fields": ", ".join(changed)})[:100]


class HistoryAdmin(SimpleHistoryAdmin):
    """Edit history with revert, and a list of deleted rows so their history stays reachable.

    The history of a deleted row is at the usual history URL (…/<id>/history/); the list is how
    an editor finds the id once the row has gone from the change list.
    """

    # Links typed without a scheme are taken as https:// (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_urls(self):
        deleted = path(
            "deleted/",
            self.admin_site.admin_view(self.deleted_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_deleted",
        )
        return [deleted, *super().get_urls()]

    def get_object(self, request, object_id, from_field=None):
        # An empty ?_to_field= means no field, not a field named "".
        return super().get_object(request, object_id, from_field or None)

    def history_view(self, request, object_id, extra_context=None):
        # Ids are numbers: anything else names no row (and would break the history query).
        if not str(object_id).isdigit():
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not (str(object_id).isdigit() and str(version_id).isdigit()):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        # Every version in the history says why it exists: a save from a form names the fields
        # it changed (actions, imports and merges give reasons of their own).
        if not getattr(obj, "_change_reason", None):
            obj._change_reason = admin_change_reason(form, change)
        super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request):
        # An add form takes initial values from the query string (?measure=3); a value that
        # names no row is dropped rather than breaking the form.
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.is_relation:
                continue
            # A many-to-many value is a list (the admin splits it on commas).
            values = value if isinstance(value, list) else [value]
            try:
                found = field.related_model._default_manager.filter(pk__in=values).count()
            except (ValueError, TypeError, ValidationError):
                found = -1
            if found != len(set(values)):
                del initial[name]
        return initial

    def changelist_view(self, request, extra_context=None):
        unusable = unusable_date_parameter(request.GET, self.date_hierarchy)
        if unusable:
            return HttpResponseBadRequest(unusable, content_type="text/plain; charset=utf-8")
        deleted_url = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_deleted"
        )
        return super().changelist_view(
            request, {"deleted_url": deleted_url, **(extra_context or {})}
        )

    def deleted_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        pk_name = self.opts.pk.attname
        still_here = self.model._default_manager.values(pk_name)
        records = (
            self.model.history.filter(history_type="-")
            .exclude(**{f"{pk_name}__in": still_here})
            .select_related("history_user")
            .order_by("-history_date")
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Deleted %(name)s") % {"name": self.opts.verbose_name_plural},
            "opts": self.opts,
            "records": records,
        }
        return TemplateResponse(request, "admin/measures/deleted_list.html", context)


#: The date parts the admin's date hierarchy reads, with the values a date can have.
DATE_PARTS = {"year": (1, 9999), "month": (1, 12), "day": (1, 31)}


def unusable_date_parameter(query, date_field):
    """A message when a date-hierarchy parameter (published_on__year …) is no possible date
    part; the admin would otherwise fail on it (a year past 9999 overflows)."""
    if not date_field:
        return None
    for part, (low, high) in DATE_PARTS.items():
        name = f"{date_field}__{part}"
        value = query.get(name)
        if value is not None and not (
            value.isascii() and value.isdigit() and low <= int(value) <= high
        ):
            return _("“%(name)s” must be a whole number from %(low)s to %(high)s.") % {
                "name": name,
                "low": low,
                "high": high,
            }
    return None


class PublishingAdmin(HistoryAdmin):
    """Publish and unpublish actions for models with a draft/published status, and forms that
    refuse to save over someone else's newer version.

    Publishing needs the publish permission (`measures.publishing`), whatever the route: without
    it the status is read-only on the form, the actions are not offered, and a save (a history
    revert included) keeps the stored status.
    """

    actions = ["publish", "unpublish"]
    form = VersionCheckedForm

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields.append("status")
        return fields

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def get_fieldsets(self, request, obj=None):
        # The version the editor saw must travel with the form, whatever fieldsets say.
        fieldsets = super().get_fieldsets(request, obj)
        if not any("version_seen" in options["fields"] for _name, options in fieldsets):
            (name, options), *rest = fieldsets
            fields = [*options["fields"], "version_seen"]
            fieldsets = [(name, {**options, "fields": fields}), *rest]
        return fieldsets

    def save_model(self, request, obj, form, change):
        keep_status_unless_permitted(obj, request.user)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected rows"), permissions=["publish"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Status.PUBLISHED)

    @admin.action(description=_("Unpublish the selected rows"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Status.DRAFT)

    def _set_status(self, request, queryset, status):
        rows = list(queryset.exclude(status=status))
        changed = set_status(rows, status, user=request.user)
        for row in rows:
            self.log_change(request, row, [{"changed": {"fields": ["status"]}}])
        self.message_user(
            request,
            ngettext(
                "%(count)d %(name)s is now %(status)s.",
                "%(count)d %(names)s are now %(status)s.",
                changed,
            )
            % {
                "count": changed,
                "name": self.opts.verbose_name,
                "names": self.opts.verbose_name_plural,
                "status": status.label,
            },
            messages.SUCCESS,
        )


@admin.register(Source)
class SourceAdmin(PublishingAdmin):
    list_display = ["title", "slug", "publisher", "published_on", "status", "previous_version"]
    list_filter = ["status", "publisher", "published_on"]
    search_fields = ["title", "slug", "publisher", "url"]
    date_hierarchy = "published_on"
    readonly_fields = ["sha256", "previous_version", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}
    # Articles are published over https; a bare host name should become an https address.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        # Publishing by the form (or by reverting to a published version) does what the action
        # does: a new version replaces the version it follows.
        keep_status_unless_permitted(obj, request.user)
        publishing = obj.is_published and not published_now(obj)
        if publishing:
            obj.status = Status.DRAFT
        super().save_model(request, obj, form, change)
        if publishing:
            publish_source(obj, user=request.user)

    def get_urls(self):
        import_article = path(
            "import-article/",
            self.admin_site.admin_view(self.import_article_view),
            name="measures_source_import_article",
        )
        return [import_article, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra = {"import_article_url": reverse("admin:measures_source_import_article")}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def has_import_article_permission(self, request):
        # An article creates a source, its measures and its entries.
        return all(
            request.user.has_perm(f"measures.add_{model}")
            for model in ("source", "measure", "mention")
        )

    def import_article_view(self, request):
        """Upload an article: preview what the parser finds, then import it as drafts.

        An article that would change an existing source is refused before anything is written,
        with that source named; as a new version of it, the preview says what publishing the
        new version would replace.
        """
        if not self.has_import_article_permission(request):
            raise PermissionDenied
        form = ImportArticleForm(request.POST or None, request.FILES or None)
        result = refusal = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            dry_run = "import" not in request.POST
            try:
                result = import_article(
                    text=data["file"]["text"],
                    slug=data["slug"] or None,
                    title=data["title"] or None,
                    published_on=data["published_on"],
                    url=data["url"],
                    new_version_of=data["new_version_of"],
                    dry_run=dry_run,
                )
            except ImportRefused as error:
                refusal = error
            if result is not None and not dry_run:
                self.message_user(
                    request,
                    _("Imported %(entries)s entries as drafts.") % {"entries": result.entries},
                    messages.SUCCESS,
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import an article"),
            "opts": self.opts,
            "form": form,
            "result": result,
            "refusal": refusal,
            "review_url": result and not result.dry_run and review_url(result.slug),
        }
        return TemplateResponse(request, "admin/measures/source/import_article.html", context)


def unusable_confirmation(request, format_count):
    """Why a spreadsheet import's confirm step cannot go on (None when it can)."""
    format_index = request.POST.get("format", "")
    if not (format_index.isdigit() and int(format_index) < format_count):
        return _("The import's file format is not one the import reads. Upload the file again.")
    if fresh_upload(request.POST.get("import_file_name"), request.user) is None:
        return _(
            "This upload is no longer waiting for confirmation (it expired, was already "
            "imported, or is not yours). Upload the file again."
        )
    return None


def review_url(source_slug):
    """The admin list of an imported source's draft entries."""
    source = Source.objects.get(slug=source_slug)
    return (
        reverse("admin:measures_mention_changelist")
        + f"?status__exact=draft&measure__source__id__exact={source.pk}"
    )


@admin.register(Measure)
class MeasureAdmin(PublishingAdmin):
    list_display = ["slug", "kind", "number", "title", "title_en", "source", "status"]
    list_display_links = ["slug", "title"]
    list_filter = ["kind", "source", "status"]
    search_fields = ["slug", "title", "title_en", "body"]
    autocomplete_fields = ["source", "continues"]
    ordering = ["source", "-kind", "number"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


@admin.register(InstrumentType)
class InstrumentTypeAdmin(admin.ModelAdmin):
    list_display = ["precedence", "slug", "name", "name_en", "category", "rules"]
    list_display_links = ["slug", "name"]
    list_filter = ["category"]
    search_fields = ["slug", "name", "name_en"]
    ordering = ["precedence"]


class AliasInline(admin.TabularInline):
    model = InstrumentAlias
    extra = 0
    fields = ["name"]


class MentionInline(admin.TabularInline):
    """The instrument's mentions, to read and open; they are edited on their own pages."""

    model = Mention
    extra = 0
    fields = ["name", "measure", "region", "action", "status"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("measure", "region")


@admin.register(Instrument)
class InstrumentAdmin(HistoryAdmin):
    list_display = ["name", "type", "region", "stage", "mention_count", "merged_into"]
    list_filter = ["type__category", "type", "stage"]
    search_fields = ["name", "aliases__name", "official_title"]
    autocomplete_fields = ["type", "region"]
    list_select_related = ["type", "region", "merged_into"]
    readonly_fields = ["merged_into", "add_mention", "created_at", "updated_at"]
    fields = [
        "name",
        "type",
        "region",
        "add_mention",
        "stage",
        "stage_on",
        "official_title",
        "official_url",
        "notes",
        "merged_into",
        "created_at",
        "updated_at",
    ]
    inlines = [AliasInline, MentionInline]
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(mention_total=models.Count("mentions"))

    @admin.display(description=_("mentions"), ordering="mention_total")
    def mention_count(self, obj):
        return obj.mention_total

    @admin.action(
        description=_("Merge the selected instruments into the oldest of them"),
        permissions=["change"],
    )
    def merge(self, request, queryset):
        chosen = list(queryset.filter(merged_into=None).order_by("pk"))
        if len(chosen) < 2:
            self.message_user(
                request, _("Choose at least two instruments to merge."), messages.WARNING
            )
            return
        into, others = chosen[0], chosen[1:]
        count = instruments.merge(into, others)
        self.log_change(request, into, [{"changed": {"fields": ["mentions", "aliases"]}}])
        self.message_user(
            request,
            ngettext(
                "%(count)d instrument was merged into “%(into)s”; its address now leads there.",
                "%(count)d instruments were merged into “%(into)s”; their addresses now lead there.",
                count,
            )
            % {"count": count, "into": into},
            messages.SUCCESS,
        )

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    def add_view(self, request, form_url="", extra_context=None):
        # An instrument is only ever shown with its evidence, so it is added with its first
        # mention: the mention form makes it (or finds it, by the identity rule).
        self.message_user(
            request,
            _(
                "An instrument is added with its first mention, which says where the evidence "
                "is: fill in the mention, and the instrument is made from it."
            ),
            messages.INFO,
        )
        return HttpResponseRedirect(reverse("admin:measures_mention_add"))

    @admin.display(description=_("another mention"))
    def add_mention(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        prefilled = urlencode(
            {"instrument": obj.pk, "name": obj.name, "type": obj.type_id, "region": obj.region_id}
        )
        return format_html(
            '<a href="{}?{}">{}</a>',
            reverse("admin:measures_mention_add"),
            prefilled,
            _("Add a mention of this instrument, with its evidence"),
        )


@admin.register(StageRule)
class StageRuleAdmin(admin.ModelAdmin):
    list_display = ["position", "stage", "action_contains", "name_ends_with"]
    list_editable = ["stage", "action_contains", "name_ends_with"]
    ordering = ["position"]


class PrefectureFilter(admin.SimpleListFilter):
    """Entries of one prefecture, its counties and towns included; or of the province itself."""

    title = _("prefecture")
    parameter_name = "prefecture"

    def lookups(self, request, model_admin):
        # The province with prefectures is the home province; other provinces and the national
        # level are listed only once entries are attributed to them.
        units = (
            Region.objects.filter(
                Q(level=Region.Level.PREFECTURE)
                | Q(level=Region.Level.PROVINCE, children__isnull=False)
                | Q(
                    level__in=[Region.Level.PROVINCE, Region.Level.NATIONAL],
                    mentions__isnull=False,
                )
            )
            .distinct()
            .order_by("code")
        )
        return [
            (unit.code, _("Province level") if unit.children.exists() else unit.short_name)
            if unit.is_province
            else (unit.code, unit.short_name)
            for unit in units
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        unit = Region.objects.filter(code=self.value()).first()
        if unit is None:
            return queryset.none()
        return queryset.for_region(unit)


#: Fields of an entry read from the article that tie it to the text; editors correct the rest.
PARSED_READONLY_FIELDS = ["is_document_title", "quote", "start", "end", "name_start", "name_end"]

EDITOR_HELP = _(
    "New entries start as drafts; public pages show an entry once it is published. For entries "
    "read from the article, the quote and offsets are fixed: correct the name, type, region, "
    "measure or action, and say why in the notes. Every save is kept in the history, from which "
    "an earlier version can be restored."
)


EVIDENCE_HELP = _(
    "A mention you add must say where its evidence is: a sentence of its article as the quote "
    "(it is then placed and highlighted there), or a link or a reference to the document that "
    "states it. Public pages show the citation, and mark the mention as added by an editor."
)


@admin.register(Mention)
class MentionAdmin(ImportMixin, PublishingAdmin):
    list_display = ["name", "type", "region", "measure", "status", "updated_at", "public_page"]
    list_filter = [
        "measure__source",
        "measure__kind",
        "measure",
        PrefectureFilter,
        "type__category",
        "type",
        "status",
    ]
    search_fields = ["name", "quote", "notes"]
    autocomplete_fields = ["instrument", "measure", "region", "type"]
    list_select_related = ["measure", "region", "type"]
    readonly_fields = ["key", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": ["name", "instrument", "type", "region", "measure", "action", "status"],
                "description": EDITOR_HELP,
            },
        ),
        (_("Where the article states it"), {"fields": PARSED_READONLY_FIELDS}),
        (
            _("Evidence, for a mention an editor adds"),
            {"fields": ["evidence_url", "evidence_reference"], "description": EVIDENCE_HELP},
        ),
        (_("Editorial"), {"fields": ["notes", "key", "created_at", "updated_at"]}),
    ]

    actions = [*PublishingAdmin.actions, "split_off"]
    resource_classes = [MentionResource]
    import_formats = IMPORT_FORMATS
    import_template_name = "admin/measures/instrument/import.html"
    # Uploads wait for confirmation in the database, bound to their editor: any app server can
    # confirm, and no form field can name a file.
    tmp_storage_class = DatabaseUploadStorage

    def import_action(self, request, **kwargs):
        # A file over the size limit is refused before it is stored or read.
        upload = request.FILES.get("import_file")
        try:
            if upload is not None:
                check_size(upload.size)
        except UploadTooLarge as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse(f"{self.admin_site.name}:measures_mention_import"))
        with uploads_by(request.user):
            return super().import_action(request, **kwargs)

    def add_data_read_fail_error_to_form(self, form, e):
        # A file over a limit, or one that cannot be read, says why in the editor's words.
        if isinstance(e, ValueError) and str(e):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_import(self, request, **kwargs):
        if request.method == "POST" and self.has_import_permission(request):
            problem = unusable_confirmation(request, len(self.get_import_formats()))
            if problem:
                messages.error(request, problem)
                return HttpResponseRedirect(
                    reverse(f"{self.admin_site.name}:measures_mention_import")
                )
        with uploads_by(request.user):
            return super().process_import(request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("measure", "region", "type")

    @admin.action(
        description=_("Split each selected mention off into an instrument of its own"),
        permissions=["change"],
    )
    def split_off(self, request, queryset):
        made = [instruments.split_off(mention) for mention in queryset.select_related("instrument")]
        for instrument in made:
            self.log_addition(request, instrument, [{"added": {}}])
        self.message_user(
            request,
            ngettext(
                "%(count)d mention now has an instrument of its own.",
                "%(count)d mentions now have instruments of their own.",
                len(made),
            )
            % {"count": len(made)},
            messages.SUCCESS,
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_parsed:
            fields += PARSED_READONLY_FIELDS
        return fields

    def view_on_site(self, obj):
        # The public detail page exists for published entries only.
        return obj.get_absolute_url() if obj.is_published else None

    @admin.display(description=_("public page"))
    def public_page(self, obj):
        if not obj.is_published:
            return self.get_empty_value_display()
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("view"))

    def has_import_permission(self, request):
        # An import adds entries and may change existing ones.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        # The confirm step reads the file again; should it no longer validate (entries changed
        # since the preview), the whole import is rolled back, not just the bad rows skipped.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                _("Nothing was imported: %(problems)s Upload the file again to see every row.")
                % {"problems": " ".join(result.problems()[:3])},
            )
            return HttpResponseRedirect(reverse(f"{self.admin_site.name}:measures_mention_import"))
        return super().process_result(result, request)
