"""A column holding the pinyin sort key of another column of the same row."""

from django.db import models
from django.db.models import signals

from . import MAX_LENGTH, pinyin_key


class PinyinKeyField(models.CharField):
    """`pinyin_key` of the row's `source` field, written with the row, never by hand.

    Set on every write that goes through the model: `save()`, `create()` and `bulk_create()`
    (which call each field's `pre_save`), and the raw saves of `loaddata` (through the model's
    `pre_save` signal, which those send). Queryset `update()` and `bulk_update()` of the source
    field bypass it; nothing in the project renames rows that way.
    """

    def __init__(self, *args, source, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", MAX_LENGTH)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        # Derived from the source field: fixtures and dumps need not carry it.
        kwargs.setdefault("serialize", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (
            ("max_length", MAX_LENGTH),
            ("editable", False),
            ("default", ""),
            ("serialize", False),
        ):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def key_of(self, instance):
        return pinyin_key(getattr(instance, self.source))

    def pre_save(self, model_instance, add):
        value = self.key_of(model_instance)
        setattr(model_instance, self.attname, value)
        return value

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        if not cls._meta.abstract:
            signals.pre_save.connect(self._fill_on_raw_save, sender=cls)

    def _fill_on_raw_save(self, sender, instance, raw=False, **kwargs):
        # A raw save (loaddata) writes the attributes as they are and calls no `pre_save`.
        if raw:
            setattr(instance, self.attname, self.key_of(instance))
