"""Editors' changes to what is one instrument: merging instruments the identity rule kept apart,
and splitting a mention off an instrument it was wrongly joined to.

Both only move mentions and name instruments; neither deletes anything. A merged instrument
stays, marked `merged_into`, so its history remains reachable and its URL leads to the one it
joined. The loader never changes which instrument a mention belongs to, so reloading the
knowledge base undoes neither.
"""

from django.db import transaction

from .models import Instrument


@transaction.atomic
def merge(into, others, *, reason="Merged"):
    """Move the mentions of `others` to `into`; their names become its aliases. Returns how many
    instruments were merged."""
    merged = 0
    for other in others:
        if other.pk == into.pk or other.merged_into_id is not None:
            continue
        for mention in other.mentions.all():
            mention.instrument = into
            mention._change_reason = f"{reason}: instrument {other.pk} into {into.pk}"
            mention.save()
        for name in [other.name, *other.aliases.values_list("name", flat=True)]:
            if name != into.name:
                into.aliases.get_or_create(name=name)
        other.merged_into = into
        other._change_reason = f"{reason} into instrument {into.pk}"
        other.save()
        merged += 1
    return merged


@transaction.atomic
def split_off(mention, *, reason="Split off"):
    """Give `mention` an instrument of its own, named as the mention names it."""
    instrument = Instrument.objects.create(
        name=mention.name, type=mention.type, region=mention.region
    )
    previous = mention.instrument_id
    mention.instrument = instrument
    mention._change_reason = f"{reason} from instrument {previous}"
    mention.save()
    return instrument
