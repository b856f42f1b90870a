"""Who may change what the public sees, and what publishing an article does.

One place for both rules, so that every route that saves a source, measure or entry (the change
form, list actions, history revert, spreadsheet and article import) applies the same ones:

- The status of a row changes only for a user with the publish permission. Without it, a save
  keeps the row's stored status, and a new row is a draft.
- Publishing a source publishes its draft measures with it (they are the article's structure;
  its entries are reviewed one by one). Publishing a *new version* of an article replaces the
  published version in one transaction: see `publish_source`.
"""

from dataclasses import dataclass, field

from django.db import transaction

from .models import Mention, Source, Status

PUBLISH_PERMISSION = "measures.publish_mention"


def can_publish(user):
    return user is not None and user.has_perm(PUBLISH_PERMISSION)


def keep_status_unless_permitted(row, user):
    """Undo a status change `user` may not make: the stored status stays, a new row is a draft."""
    if can_publish(user):
        return
    stored = None
    if row.pk is not None:
        rows = type(row)._default_manager.filter(pk=row.pk)
        stored = rows.values_list("status", flat=True).first()
    # None: a new row, or one brought back from the history after a deletion.
    row.status = stored or Status.DRAFT


def save_with_history(row, *, user, reason, fields=None):
    """Save `row`, recording who did it and why in its history."""
    row._history_user = user
    row._change_reason = str(reason)[:100]
    if fields is not None:
        fields = [*fields, "updated_at"] if hasattr(row, "updated_at") else fields
    row.save(update_fields=fields)


@dataclass
class Replacement:
    """What publishing a new version did to the version it replaced."""

    replaced: Source | None = None
    carried_over: list = field(default_factory=list)  # entries that stay published
    moved: list = field(default_factory=list)  # editor-added entries moved to the new version
    left_behind: list = field(default_factory=list)  # entries of the old version only


def replaced_by(source):
    """The published version `source` would replace: its nearest published earlier version."""
    earlier = source.previous_version
    while earlier is not None and not earlier.is_published:
        earlier = earlier.previous_version
    return earlier


def published_now(source):
    """Whether the source is published in the database (not just on this instance)."""
    return Source.objects.filter(pk=source.pk, status=Status.PUBLISHED).exists()


@transaction.atomic
def publish_source(source, *, user, reason="Published"):
    """Publish `source` and its draft measures; if it is a new version of a published article,
    that version leaves the public pages and this one takes its place.

    The replacement keeps what editors did: entries of the old version that were published stay
    published in the new one when the new one states them too (same measure, region and name),
    with the editors' corrections (name, type, region, action, notes); entries editors added to
    the old version move to the new version's measure of the same number. The new version's
    measures take over the old ones' slugs, so links and filters to them keep working; the old
    source's page redirects to the new one. Every row changed is saved with its history.
    """
    result = Replacement(replaced=replaced_by(source))
    old = result.replaced
    if old is not None:
        _take_over_measures(old, source, user=user)
        _take_over_entries(old, source, result, user=user)
        old.status = Status.DRAFT
        save_with_history(old, user=user, reason=f"Replaced by {source.slug}", fields=["status"])
    for measure in source.measures.exclude(status=Status.PUBLISHED):
        measure.status = Status.PUBLISHED
        save_with_history(measure, user=user, reason=reason, fields=["status"])
    source.status = Status.PUBLISHED
    save_with_history(source, user=user, reason=reason, fields=["status"])
    return result


def _pairs(old, new):
    """(old measure, new measure) with the same kind and number."""
    new_measures = {(m.kind, m.number): m for m in new.measures.all()}
    for measure in old.measures.all():
        counterpart = new_measures.get((measure.kind, measure.number))
        if counterpart is not None:
            yield measure, counterpart


def _take_over_measures(old, new, *, user):
    pairs = list(_pairs(old, new))
    # Free the public slugs first: slugs are unique.
    for measure, _counterpart in pairs:
        measure.public_slug = measure.slug
        measure.slug = f"replaced-{old.pk}-{measure.kind}-{measure.number}"
        save_with_history(measure, user=user, reason=f"Replaced by {new.slug}", fields=["slug"])
    for measure, counterpart in pairs:
        counterpart.slug = measure.public_slug
        save_with_history(counterpart, user=user, reason=f"Replaces {old.slug}", fields=["slug"])


#: What an editor may correct on an entry read from the article; carried to the new version.
EDITOR_FIELDS = ("name", "type_id", "region_id", "action", "notes")


def _take_over_entries(old, new, result, *, user):
    new_entries = {
        entry.identity: entry
        for entry in Mention.objects.filter(measure__source=new).exclude(parsed_digest="")
    }
    new_measures = {pair[0].pk: pair[1] for pair in _pairs(old, new)}
    for entry in Mention.objects.filter(measure__source=old).select_related("measure"):
        counterpart = new_entries.get(entry.identity) if entry.is_parsed else None
        if counterpart is not None:
            edited = bool(entry.notes) or entry.changed_by_editor()
            if entry.is_published or edited:
                if entry.is_published:
                    counterpart.status = Status.PUBLISHED
                if edited:
                    for name in EDITOR_FIELDS:
                        setattr(counterpart, name, getattr(entry, name))
                save_with_history(counterpart, user=user, reason=f"Continues {old.slug}")
                result.carried_over.append(counterpart)
        elif not entry.is_parsed and entry.start is None and entry.measure_id in new_measures:
            # An editor's own entry, not tied to a place in the old text: it moves along.
            entry.measure = new_measures[entry.measure_id]
            save_with_history(entry, user=user, reason=f"Moved to {new.slug}")
            result.moved.append(entry)
        else:
            result.left_behind.append(entry)


def set_status(rows, status, *, user):
    """Publish or unpublish `rows` (sources, measures or entries), one history entry each.

    Returns how many rows changed. Publishing a source goes through `publish_source`.
    """
    changed = 0
    for row in rows:
        if row.status == status:
            continue
        if isinstance(row, Source) and status == Status.PUBLISHED:
            publish_source(row, user=user, reason=str(status.label))
        else:
            row.status = status
            save_with_history(row, user=user, reason=status.label, fields=["status"])
        changed += 1
    return changed
