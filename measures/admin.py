from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Instrument, InstrumentType, Measure, Source


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug", "publisher", "published_on"]
    list_filter = ["publisher", "published_on"]
    search_fields = ["title", "slug", "publisher", "url"]
    date_hierarchy = "published_on"
    readonly_fields = ["sha256", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
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


@admin.register(Instrument)
class InstrumentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "type", "region", "measure", "action", "status", "updated_at"]
    list_filter = ["status", "measure__kind", "type__category", "type", "measure"]
    search_fields = ["name", "quote", "notes"]
    autocomplete_fields = ["measure", "region", "type"]
    list_select_related = ["measure__source", "region", "type"]
    readonly_fields = ["key", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "type", "region", "measure", "action", "status"]}),
        (_("Source"), {"fields": ["is_document_title", "quote", "start", "end"]}),
        (_("Editorial"), {"fields": ["notes", "key", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("measure__source", "region", "type")
