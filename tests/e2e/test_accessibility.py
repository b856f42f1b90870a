"""The accessibility audit: axe-core on every page type, in both languages, on a phone and a
desktop screen, public pages and the editor's admin alike.

Any violation axe rates serious or critical fails the journey, listed with its rule, its impact
and the elements at fault. Moderate and minor findings are not checked here.
"""

import pytest
from django.urls import reverse

from measures.management.commands.make_editor import make_editor
from measures.models import Measure, Mention, Source
from regions.models import Region
from tests.e2e.conftest import LANGUAGES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1366, "height": 900},
}
FAILING_IMPACTS = ("serious", "critical")
PASSWORD = "an audit password"

#: Runs axe over the whole document; returns the failing rules, each with its elements.
AUDIT = """async impacts => {
    const results = await axe.run(document, {resultTypes: ["violations"]});
    return results.violations
        .filter(rule => impacts.includes(rule.impact))
        .map(rule => ({
            id: rule.id,
            impact: rule.impact,
            help: rule.help,
            selectors: rule.nodes.map(node => node.target.join(" ")),
        }));
}"""

WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def public_pages():
    """(what, path) for every public page type, from the loaded knowledge base."""
    mention = Mention.objects.published().order_by("pk").first()
    # A county that has entries of its own, so that its page shows them.
    county = (
        Region.objects.filter(level=Region.Level.COUNTY, mentions__in=Mention.objects.published())
        .order_by("code")
        .first()
    )
    instruments = reverse("measures:instrument_list")
    return [
        ("home", reverse("measures:home")),
        ("list with filters", f"{instruments}?region=632800&type=pilot"),
        ("list with a search", f"{instruments}?q=西宁 条例"),
        ("instrument", mention.instrument.get_absolute_url()),
        ("mention", mention.get_absolute_url()),
        ("measure", Measure.objects.published().in_article_order().first().get_absolute_url()),
        ("region list", reverse("regions:list")),
        ("prefecture", reverse("regions:detail", args=["632800"])),
        ("county", county.get_absolute_url()),
        ("source", Source.objects.published().newest().get_absolute_url()),
        ("matrix", reverse("measures:matrix")),
        ("cross-tab", reverse("measures:crosstab")),
        ("open data", reverse("opendata_pages:dataset")),
    ]


def admin_pages():
    """(what, path) for the pages an editor works in, once signed in."""
    mention = Mention.objects.order_by("pk").first()
    return [
        ("admin change list", reverse("admin:measures_mention_changelist")),
        ("admin change form", reverse("admin:measures_mention_change", args=[mention.pk])),
    ]


def audit(page, axe_source, where):
    """The serious and critical violations on the page, as lines naming `where`."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    return [
        f"{where}: {rule['impact']} {rule['id']} ({rule['help']}): " + ", ".join(rule["selectors"])
        for rule in page.evaluate(AUDIT, list(FAILING_IMPACTS))
    ]


def overflow(page, where):
    """A line naming `where` when the page is wider than the screen, else nothing."""
    page_width, viewport = page.evaluate(WIDTHS)
    if page_width != viewport:
        return [f"{where}: the page is {page_width}px wide on a {viewport}px screen"]
    return []


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_type_passes_the_accessibility_audit(
    page, visit, axe_source, site_data, editors_group, language, screen
):
    page.set_viewport_size(SCREENS[screen])
    problems = []

    def check(what, path):
        response = visit(path, language)
        where = f"{what} {path} ({language}, {screen})"
        assert response.status == 200, where
        problems.extend(audit(page, axe_source, where))
        if screen == "phone":
            problems.extend(overflow(page, where))

    for what, path in public_pages():
        check(what, path)

    editor = make_editor("auditor", create=True).user
    editor.set_password(PASSWORD)
    editor.save()
    check("admin login", reverse("admin:login"))
    page.locator("#id_username").fill(editor.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator('#login-form [type="submit"]').click()
    for what, path in admin_pages():
        check(what, path)

    assert not problems, "Accessibility problems:\n" + "\n".join(problems)
