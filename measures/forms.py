from django import forms
from django.utils.translation import gettext_lazy as _

from .ingest.spreadsheets import decode_spreadsheet_text
from .models import Source


class ImportArticleForm(forms.Form):
    file = forms.FileField(label=_("Article (text file)"))
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=Source._meta.get_field("title").max_length,
        help_text=_("Default: the article's first line."),
    )
    published_on = forms.DateField(label=_("Published on"), required=False)
    url = forms.URLField(label=_("URL"), required=False, assume_scheme="https")
    slug = forms.SlugField(
        label=_("Slug"),
        required=False,
        help_text=_(
            "Used in URLs. Default: from the title and date (for a new version, the old slug "
            "with -v2, -v3 …)."
        ),
    )
    new_version_of = forms.ModelChoiceField(
        label=_("New version of"),
        queryset=Source.objects.defer("text"),
        required=False,
        help_text=_(
            "Import the article as a new version of this source: its measures and entries are "
            "created as drafts beside the published ones and replace them only when someone "
            "who may publish publishes the new version."
        ),
    )

    # Articles are short; anything larger is not an article.
    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        try:
            text = decode_spreadsheet_text(upload.read())
        except ValueError as error:
            raise forms.ValidationError(_("The file is neither UTF-8 nor GB18030 text.")) from error
        if not text.strip():
            raise forms.ValidationError(_("The file is empty."))
        if "\x00" in text:
            raise forms.ValidationError(
                _("The file contains a NUL character, so it is not a text file.")
            )
        return {"name": upload.name, "text": text}


class VersionCheckedForm(forms.ModelForm):
    """An admin form that refuses to save over a version newer than the one it was opened on.

    The version the editor saw travels in a hidden field. On saving, the row is locked (the
    admin saves in a transaction) and its stored version compared: if someone saved in between,
    nothing is saved and the form says what they changed, beside what this editor entered.
    """

    version_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The stored version, not the instance's: a history revert opens an old version of the
        # row, and what matters is what is stored when the editor opened the form.
        self.fields["version_seen"].initial = self.instance.stored_version()

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("version_seen")
        if self.instance.pk is None or seen is None:
            return cleaned
        model = type(self.instance)
        current = model._default_manager.select_for_update().filter(pk=self.instance.pk).first()
        if current is not None and current.version != seen:
            raise forms.ValidationError(conflict_message(current, self, seen), code="conflict")
        return cleaned


def conflict_message(current, form, seen):
    """Someone saved version N after this form opened version `seen`: what differs."""
    differences = []
    for name, field in form.fields.items():
        if name == "version_seen" or name not in form.cleaned_data:
            continue
        stored = getattr(current, name, None)
        entered = form.cleaned_data[name]
        if hasattr(stored, "all"):  # many-to-many
            stored, entered = set(stored.all()), set(entered or ())
        if stored != entered:
            differences.append(
                _("%(field)s — saved: “%(stored)s”; yours: “%(entered)s”")
                % {"field": field.label, "stored": display(stored), "entered": display(entered)}
            )
    message = _(
        "Someone else saved this row (version %(current)s) after you opened it (version "
        "%(seen)s), so nothing was saved. Compare, then reload the page and save again."
    ) % {"current": current.version, "seen": seen}
    if differences:
        message = f"{message} " + "; ".join(str(d) for d in differences)
    return message


def display(value):
    if isinstance(value, set):
        return ", ".join(sorted(str(v) for v in value))
    return "" if value is None else str(value)
