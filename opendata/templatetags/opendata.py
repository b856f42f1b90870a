"""Template tags for what the open data adds to pages it does not own: JSON-LD and "how to cite".

The entry pages belong to `measures`, which knows nothing of this app; their templates load
these tags, which read the dataset's version (one small query, the replay being cached).
"""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..citation import entry_citation
from ..dataset import dataset_version
from ..metadata import instrument_json_ld

register = template.Library()

# As Django's json_script: nothing in the data can close the element or open a comment.
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def json_ld(context, data):
    """A JSON-LD data block carrying the page's CSP nonce (the policy has no unsafe-inline)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_ESCAPES)
    nonce = getattr(context["request"], "csp_nonce", "")
    return format_html(
        '<script type="application/ld+json" nonce="{}">{}</script>', nonce, mark_safe(text)
    )


@register.simple_tag(takes_context=True)
def instrument_metadata(context, instrument, mentions, aliases):
    return json_ld(context, instrument_json_ld(context["request"], instrument, mentions, aliases))


@register.inclusion_tag("opendata/_cite.html", takes_context=True)
def cite_instrument(context, instrument, mentions):
    sources = {m.measure.source_id: m.measure.source for m in mentions}.values()
    return {
        "citation": entry_citation(
            context["request"],
            instrument,
            kind="instrument",
            sources=list(sources),
            version=dataset_version(),
        )
    }


@register.inclusion_tag("opendata/_cite.html", takes_context=True)
def cite_mention(context, mention):
    return {
        "citation": entry_citation(
            context["request"],
            mention,
            kind="mention",
            sources=[mention.measure.source],
            version=dataset_version(),
        )
    }
