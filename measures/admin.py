from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportMixin
from simple_history.admin import SimpleHistoryAdmin

from regions.models import Region

from .import_formats import IMPORT_FORMATS
from .models import Instrument, InstrumentType, Measure, Source
from .resources import InstrumentResource


class HistoryAdmin(SimpleHistoryAdmin):
    """Edit history with revert, and a list of deleted rows so their history stays reachable.

    The history of a deleted row is at the usual history URL (…/<id>/history/); the list is how
    an editor finds the id once the row has gone from the change list.
    """

    def get_urls(self):
        deleted = path(
            "deleted/",
            self.admin_site.admin_view(self.deleted_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_deleted",
        )
        return [deleted, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
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


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    list_display = ["title", "slug", "publisher", "published_on"]
    list_filter = ["publisher", "published_on"]
    search_fields = ["title", "slug", "publisher", "url"]
    date_hierarchy = "published_on"
    readonly_fields = ["sha256", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}
    # Articles are published over https; a bare host name should become an https address.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Measure)
class MeasureAdmin(HistoryAdmin):
    list_display = ["slug", "kind", "number", "title", "source"]
    list_display_links = ["slug", "title"]
    list_filter = ["kind", "source"]
    search_fields = ["slug", "title", "body"]
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


class PrefectureFilter(admin.SimpleListFilter):
    """Entries of one prefecture, its counties and towns included; or of the province itself."""

    title = _("prefecture")
    parameter_name = "prefecture"

    def lookups(self, request, model_admin):
        units = Region.objects.filter(
            level__in=[Region.Level.PROVINCE, Region.Level.PREFECTURE]
        ).order_by("code")
        return [
            (unit.code, _("Province level") if unit.is_province else unit.short_name)
            for unit in units
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        unit = Region.objects.filter(code=self.value()).first()
        if unit is None:
            return queryset.none()
        if unit.is_province:
            return queryset.filter(region=unit)
        return queryset.in_region(unit)


#: Fields of an entry read from the article that tie it to the text; editors correct the rest.
PARSED_READONLY_FIELDS = ["is_document_title", "quote", "start", "end", "name_start", "name_end"]

EDITOR_HELP = _(
    "New entries start as drafts; public pages show an entry once it is published. For entries "
    "read from the article, the quote and offsets are fixed: correct the name, type, region, "
    "measure or action, and say why in the notes. Every save is kept in the history, from which "
    "an earlier version can be restored."
)


@admin.register(Instrument)
class InstrumentAdmin(ImportMixin, HistoryAdmin):
    list_display = ["name", "type", "region", "measure", "status", "updated_at", "public_page"]
    list_filter = [
        "measure__kind",
        "measure",
        PrefectureFilter,
        "type__category",
        "type",
        "status",
    ]
    search_fields = ["name", "quote", "notes"]
    autocomplete_fields = ["measure", "region", "type"]
    list_select_related = ["measure", "region", "type"]
    readonly_fields = ["key", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (
            None,
            {
                "fields": ["name", "type", "region", "measure", "action", "status"],
                "description": EDITOR_HELP,
            },
        ),
        (_("Where the article states it"), {"fields": PARSED_READONLY_FIELDS}),
        (_("Editorial"), {"fields": ["notes", "key", "created_at", "updated_at"]}),
    ]

    resource_classes = [InstrumentResource]
    import_formats = IMPORT_FORMATS
    import_template_name = "admin/measures/instrument/import.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("measure", "region", "type")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_parsed:
            fields += PARSED_READONLY_FIELDS
        if not self.has_publish_permission(request):
            fields.append("status")
        return fields

    def view_on_site(self, obj):
        # The public detail page exists for published entries only.
        return obj.get_absolute_url() if obj.is_published else None

    @admin.display(description=_("public page"))
    def public_page(self, obj):
        if not obj.is_published:
            return self.get_empty_value_display()
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("view"))

    def has_publish_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.publish_instrument")

    @admin.action(description=_("Publish selected entries"), permissions=["publish"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Instrument.Status.PUBLISHED)

    @admin.action(description=_("Unpublish selected entries"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Instrument.Status.DRAFT)

    def _set_status(self, request, queryset, status):
        # One save per entry, so the history records each change and who made it.
        changed = 0
        for entry in queryset.exclude(status=status):
            entry.status = status
            entry._history_user = request.user
            entry._change_reason = str(status.label)
            entry.save(update_fields=["status", "updated_at"])
            self.log_change(request, entry, [{"changed": {"fields": ["status"]}}])
            changed += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d entry is now %(status)s.",
                "%(count)d entries are now %(status)s.",
                changed,
            )
            % {"count": changed, "status": status.label},
            messages.SUCCESS,
        )

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
            return HttpResponseRedirect(
                reverse(f"{self.admin_site.name}:measures_instrument_import")
            )
        return super().process_result(result, request)
