"""How to cite the dataset, or one entry of it: plain text, BibTeX and CSL-JSON.

A citation names the dataset's version and last update (`dataset_version`), the page's
permanent URL, the day it was read, the licence, and the article(s) the data comes from.
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

PUBLISHER = "qhreform"


@dataclass(frozen=True)
class Citation:
    text: str
    bibtex: str
    csl_json: str


def dataset_title():
    return _("Qinghai eco-environment reform knowledge base")


def source_phrase(source):
    """《title》 (publisher, date) — how a citation names an article."""
    details = ", ".join(
        part
        for part in (source.publisher, source.published_on and source.published_on.isoformat())
        if part
    )
    return f"《{source.title}》" + (f" ({details})" if details else "")


def bibtex_escape(text):
    # Characters BibTeX reads as markup, taken literally.
    for char in "\\{}%&#_$^~":
        text = text.replace(char, "\\" + char)
    return text


def _date_parts(day):
    return {"date-parts": [[day.year, day.month, day.day]]}


def cite(*, title, url, key, version, sources, container=None):
    """The citation of the thing at `url` titled `title`, drawn from `sources` (articles),
    in the dataset of `version`; `container` names the dataset when the thing is an entry."""
    today = timezone.localdate()
    updated = timezone.localtime(version.updated).date() if version.updated else today
    based_on = "; ".join(source_phrase(source) for source in sources)
    licence = settings.DATA_LICENSE["name"].replace("-", " ")
    parts = [
        f"{PUBLISHER} ({updated.year}).",
        f"{title}." if not container else f"“{title}”. {container}.",
        _("Version %(version)s, updated %(updated)s.")
        % {"version": version.label, "updated": updated.isoformat()},
        f"{url}",
        _("(accessed %(day)s).") % {"day": today.isoformat()},
    ]
    if based_on:
        parts.append(_("Based on %(sources)s.") % {"sources": based_on})
    parts.append(_("Licence: %(licence)s.") % {"licence": licence})
    note = " ".join(parts[5:])  # the sources and the licence
    fields = {
        "title": title,
        "author": "{" + PUBLISHER + "}",
        "year": str(updated.year),
        "version": version.label,
        "url": url,
        "urldate": today.isoformat(),
        "note": note,
    }
    if container:
        fields["booktitle"] = container
    bibtex = (
        f"@{'dataset' if not container else 'misc'}{{{key},\n"
        + ",\n".join(
            f"  {name} = {{{value if name in ('author', 'url') else bibtex_escape(value)}}}"
            for name, value in fields.items()
        )
        + "\n}"
    )
    csl = {
        "id": key,
        "type": "dataset" if not container else "entry",
        "title": title,
        "author": [{"literal": PUBLISHER}],
        "publisher": PUBLISHER,
        "issued": _date_parts(updated),
        "accessed": _date_parts(today),
        "version": version.label,
        "URL": url,
        "note": note,
    }
    if container:
        csl["container-title"] = container
    return Citation(
        text=" ".join(parts),
        bibtex=bibtex,
        csl_json=json.dumps([csl], ensure_ascii=False, indent=2),
    )


def dataset_citation(request, version, sources):
    return cite(
        title=dataset_title(),
        url=request.build_absolute_uri(reverse("opendata_pages:dataset")),
        key=f"qhreform_v{version.label}",
        version=version,
        sources=sources,
    )


def entry_citation(request, obj, *, kind, sources, version):
    """The citation of an instrument's or a mention's page (`kind`: "instrument", "mention")."""
    return cite(
        title=str(obj),
        url=request.build_absolute_uri(obj.get_absolute_url()),
        key=f"qhreform_{kind}_{obj.pk}",
        version=version,
        sources=sources,
        container=dataset_title(),
    )
