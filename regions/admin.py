from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "name", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "short_name", "name_en", "aliases"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]
    fieldsets = [
        (None, {"fields": ["code", "name", "short_name", "name_en"]}),
        (_("Hierarchy"), {"fields": ["level", "parent"]}),
        (_("Matching"), {"fields": ["aliases"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")
