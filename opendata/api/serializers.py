"""What the API says of each published thing: its identifier, its permalink (the absolute URL of
its page on the site), its API URL, and its fields.

Nested references (a mention's region, type, measure …) are small objects with the identifier
the list filters take and the permalink, so a client can filter by them or follow them.
Everything a serializer reads is fetched by the view's queryset; no field runs a query.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from measures.models import Instrument, InstrumentType, Measure, Mention, Source, Stage
from regions.models import Region


def permalink(request, obj):
    return request.build_absolute_uri(obj.get_absolute_url())


def api_url(request, name, identifier):
    return request.build_absolute_uri(reverse(f"opendata:api:{name}-detail", args=[identifier]))


class PermalinkField(serializers.Field):
    """The absolute URL of the object's page on the site."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return permalink(self.context["request"], obj)


PermalinkField = extend_schema_field({"type": "string", "format": "uri"})(PermalinkField)


class ApiUrlField(serializers.Field):
    """The absolute URL of the object in the API."""

    def __init__(self, name, lookup, **kwargs):
        self.name, self.lookup = name, lookup
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return api_url(self.context["request"], self.name, getattr(obj, self.lookup))


ApiUrlField = extend_schema_field({"type": "string", "format": "uri"})(ApiUrlField)


# References ------------------------------------------------------------------------------------


class RegionRef(serializers.ModelSerializer):
    url = PermalinkField()
    api_url = ApiUrlField("region", "code")

    class Meta:
        model = Region
        fields = ["code", "name", "short_name", "name_en", "level", "url", "api_url"]


class TypeRef(serializers.ModelSerializer):
    api_url = ApiUrlField("type", "slug")

    class Meta:
        model = InstrumentType
        fields = ["slug", "name", "name_en", "category", "api_url"]


class SourceRef(serializers.ModelSerializer):
    url = PermalinkField()
    api_url = ApiUrlField("source", "slug")

    class Meta:
        model = Source
        fields = ["slug", "title", "publisher", "published_on", "url", "api_url"]


class MeasureRef(serializers.ModelSerializer):
    url = PermalinkField()
    api_url = ApiUrlField("measure", "slug")

    class Meta:
        model = Measure
        fields = ["slug", "kind", "number", "title", "url", "api_url"]


class InstrumentRef(serializers.ModelSerializer):
    url = PermalinkField()
    api_url = ApiUrlField("instrument", "pk")

    class Meta:
        model = Instrument
        fields = ["id", "name", "url", "api_url"]


class MentionLink(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    api_url = serializers.URLField()


# Entries ---------------------------------------------------------------------------------------


class MentionSerializer(serializers.ModelSerializer):
    url = PermalinkField()
    api_url = ApiUrlField("mention", "pk")
    instrument = InstrumentRef()
    measure = MeasureRef()
    source = SourceRef(source="measure.source")
    region = RegionRef()
    prefecture = serializers.SerializerMethodField()
    type = TypeRef()
    editor_added = serializers.SerializerMethodField(
        help_text="Added by an editor rather than read from the article by the parser."
    )

    class Meta:
        model = Mention
        fields = [
            "id",
            "url",
            "api_url",
            "name",
            "is_document_title",
            "action",
            "quote",
            "start",
            "end",
            "instrument",
            "measure",
            "source",
            "region",
            "prefecture",
            "type",
            "editor_added",
            "version",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(RegionRef(allow_null=True))
    def get_prefecture(self, mention):
        # The region's parents are fetched with it (`for_list`), so this reads nothing more.
        prefecture = mention.region.prefecture
        return RegionRef(prefecture, context=self.context).data if prefecture else None

    def get_editor_added(self, mention) -> bool:
        return not mention.is_parsed


class InstrumentSerializer(serializers.ModelSerializer):
    """An instrument, with its aliases and its stage; `mentions` lists its public mentions in
    timeline order (oldest first)."""

    url = PermalinkField()
    api_url = ApiUrlField("instrument", "pk")
    type = TypeRef()
    region = RegionRef()
    aliases = serializers.SerializerMethodField()
    stage = serializers.SerializerMethodField()
    stage_set_by_editor = serializers.SerializerMethodField()
    mentions = serializers.SerializerMethodField()

    class Meta:
        model = Instrument
        fields = [
            "id",
            "url",
            "api_url",
            "name",
            "aliases",
            "type",
            "region",
            "stage",
            "stage_set_by_editor",
            "stage_on",
            "official_title",
            "official_url",
            "mentions",
            "created_at",
            "updated_at",
        ]

    def get_aliases(self, instrument) -> list[str]:
        return [alias.name for alias in instrument.aliases.all() if alias.name != instrument.name]

    @extend_schema_field(serializers.ChoiceField(choices=Stage.choices))
    def get_stage(self, instrument):
        return instrument.current_stage(instrument.mention_stages)[0]

    def get_stage_set_by_editor(self, instrument) -> bool:
        return instrument.current_stage(instrument.mention_stages)[1]

    @extend_schema_field(MentionLink(many=True))
    def get_mentions(self, instrument):
        request = self.context["request"]
        return [
            {
                "id": mention.pk,
                "url": permalink(request, mention),
                "api_url": api_url(request, "mention", mention.pk),
            }
            for mention in instrument.public_mentions
        ]


# Reference data --------------------------------------------------------------------------------


class MeasureSerializer(serializers.ModelSerializer):
    url = PermalinkField()
    api_url = ApiUrlField("measure", "slug")
    source = SourceRef()
    continues = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Measure
        fields = [
            "slug",
            "url",
            "api_url",
            "kind",
            "number",
            "title",
            "body",
            "start",
            "end",
            "source",
            "continues",
        ]


class RegionSerializer(serializers.ModelSerializer):
    url = PermalinkField()
    api_url = ApiUrlField("region", "code")
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Region
        fields = ["code", "url", "api_url", "name", "short_name", "name_en", "level", "parent"]


class InstrumentTypeSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The list of the type's entries.")
    api_url = ApiUrlField("type", "slug")

    class Meta:
        model = InstrumentType
        fields = ["slug", "url", "api_url", "name", "name_en", "category", "precedence"]

    def get_url(self, instrument_type) -> str:
        return permalink(self.context["request"], instrument_type)


class SourceSerializer(serializers.ModelSerializer):
    url = PermalinkField()
    api_url = ApiUrlField("source", "slug")

    class Meta:
        model = Source
        fields = ["slug", "url", "api_url", "title", "publisher", "published_on", "source_url"]

    source_url = serializers.URLField(source="url", help_text="Where the article was published.")


class SourceDetailSerializer(SourceSerializer):
    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "sha256", "text"]
