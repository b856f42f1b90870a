from django import forms
from django.utils.translation import gettext_lazy as _

from .ingest.spreadsheets import decode_spreadsheet_text
from .models import Source


class ImportArticleForm(forms.Form):
    file = forms.FileField(label=_("Article (text file)"))
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=300,
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
