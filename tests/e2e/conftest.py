"""Browser journeys: Playwright (sync API) driving Debian's Chromium against `live_server`.

The journeys are skipped, with the reason shown by `-ra`, when Chromium is missing; the path
comes from the CHROMIUM environment variable, default /usr/bin/chromium. Playwright's own browser
download is not used.

The accessibility audit injects axe-core, which `make install-dev` installs from package.json
into node_modules/ (`npm ci`); without it the audit fails and says so, rather than passing
unchecked.
"""

import importlib
import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a
# thread with a running loop unless told that this is deliberate. The tests call the ORM only
# while no browser call is in flight, so nothing runs concurrently.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # Without these Chromium keeps trying to reach Google's services from the test machine.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SKIP_REASON = (
    f"Browser journeys skipped: Chromium not found at {CHROMIUM} (apt-get install chromium)"
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
#: Ignored by git (.gitignore); journeys write their screenshots and failure captures here.
SCREENSHOTS = HERE / "screenshots"

#: Default wait of Playwright's `expect` and of actions; generous for a loaded CI machine, and
#: reached only when something is wrong.
TIMEOUT_MS = 10_000
NAVIGATION_TIMEOUT_MS = 30_000

#: The interface languages the journeys visit, as Django names them (settings.LANGUAGES).
LANGUAGES = ["zh-hans", "en"]

#: axe-core's browser build, pinned by package-lock.json and installed by `npm ci`.
AXE_CORE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_MISSING = (
    f"axe-core not found at {AXE_CORE}: the accessibility audit injects it into every page. "
    "Install it with `make install-dev` (which runs `npm ci` from package-lock.json; needs "
    "Node.js and npm: apt-get install npm)."
)


def chromium_present():
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config, items):
    if chromium_present():
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    # Said plainly at the end of the run too, not only in the short summary of skips.
    if not chromium_present():
        terminalreporter.write_line(SKIP_REASON, yellow=True, bold=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test so the `page` fixture knows whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run; each test gets its own context (cookies, storage)."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context_args(live_server):
    """Options of each test's browser context; override in a test module to change them."""
    return {
        "base_url": live_server.url,
        # The site's default language is Chinese; a Chinese browser asks for it too.
        "locale": "zh-CN",
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


@pytest.fixture
def page(request, browser, browser_context_args):
    """A page in a fresh context; on failure its screenshot goes to tests/e2e/screenshots/."""
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(TIMEOUT_MS)
    # A navigation waits for the page's every resource (the load event); on a CI machine busy
    # with the other database's suite one resource once took longer than TIMEOUT_MS to come
    # from the live server although the page itself had rendered.
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"FAILED-{request.node.name}.png"
        try:
            page.screenshot(path=path, full_page=True)
        except Exception as error:  # the page may have crashed; the test's own error matters
            print(f"Could not save a failure screenshot: {error}")
        else:
            print(f"Failure screenshot: {path}")
    context.close()


@pytest.fixture
def visit(page):
    """Open a path in one of LANGUAGES: `visit("/regions/", "en")`.

    The one place that says how a visitor picks the interface language: its address, `/en/…`
    for English (the paths given are the default language's, as `reverse` gives them).
    """

    def visit(path, language):
        if language == "en" and not path.startswith("/en/"):
            path = "/en" + path
        return page.goto(path)

    return visit


@pytest.fixture(scope="session")
def axe_source():
    """axe-core's source, to evaluate in a page; fails the test, saying how to install it,
    when it is missing."""
    if not AXE_CORE.is_file():
        pytest.fail(AXE_MISSING, pytrace=False)
    return AXE_CORE.read_text(encoding="utf-8")


@pytest.fixture
def screenshots():
    """The folder for screenshots (ignored by git)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def site_data(transactional_db):
    """The shipped knowledge base, loaded as `make run` loads it, visible to the live server.

    `live_server` answers from another thread, so the data must be committed: transactional
    database access, which empties the database after each test.
    """
    from measures.management.commands.load_knowledge_base import load_knowledge_base

    load_knowledge_base()


@pytest.fixture
def editors_group(transactional_db, monkeypatch):
    """The Editors group, made by the code of the migrations that make it: 0003 creates it with
    the permissions' names of its time, which 0011 renamed.

    An earlier transactional test's flush deletes the group the migration created. Django's
    serialized rollback cannot put it back here: while Playwright's event loop runs in the test
    thread, Django hands the test a different connection object from the one that holds the
    serialized data, so the restore is silently skipped whenever the test database was created
    before the browser started (as when the journeys run with the rest of the suite).
    """
    from types import SimpleNamespace

    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.db import connection

    migration = importlib.import_module("measures.migrations.0003_editors_group")
    renaming = importlib.import_module("measures.migrations.0011_rename_instrument_mention")
    permissions = {
        app_label: [renaming.renamed_codename(codename) for codename in codenames]
        for app_label, codenames in migration.EDITOR_PERMISSIONS.items()
    }
    monkeypatch.setattr(migration, "EDITOR_PERMISSIONS", permissions)
    migration.create_editors_group(apps, SimpleNamespace(connection=connection))
    later = importlib.import_module("measures.migrations.0015_editors_edit_instruments")
    later.grant(apps, SimpleNamespace(connection=connection))
    return Group.objects.get(name=migration.EDITORS)
