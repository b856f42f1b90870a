"""The open-data pages in a real browser, under the site's Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from measures.models import Instrument

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def watch_for_violations(page):
    """A list that fills with every CSP violation and script error the page reports."""
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text or message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_the_api_documentation_renders_the_schema_within_the_policy(page, site_data):
    problems = watch_for_violations(page)
    page.goto("/api/")
    # Swagger UI fetched the schema and lists the operations it documents.
    mentions = page.locator(".opblock-summary-path", has_text="/api/v1/mentions/").first
    expect(mentions).to_be_visible()
    mentions.click()
    expect(page.locator(".parameters-col_name", has_text="region").first).to_be_visible()
    assert problems == []


def test_an_instrument_pages_json_ld_is_allowed_by_its_nonce(page, site_data):
    instrument = Instrument.objects.get(name="西宁市生态环境保护条例")
    problems = watch_for_violations(page)
    page.goto(f"/instruments/{instrument.pk}/")
    expect(page.locator("h1")).to_have_text("西宁市生态环境保护条例")
    assert page.locator('script[type="application/ld+json"]').count() == 1
    assert problems == []
