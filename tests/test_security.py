"""Production settings, headers, sign-in throttling, CSRF, redirects, health and error pages."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.defaults import server_error

from measures.models import Mention
from tests.factories import make_mention

PROJECT = Path(__file__).resolve().parent.parent
SOURCE = "/sources/qinghai-eco-reform-2024-12-26/"
PASSWORD = "correct horse battery staple 42"

EXPECTED_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


# Settings as production starts them ------------------------------------------------------------


def run_python(code, **env):
    """Run code in a fresh interpreter with only `env` (and PATH) in its environment."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def production_settings(**env):
    """The security settings qhreform.settings computes from `env`."""
    names = [
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
        "CSRF_TRUSTED_ORIGINS",
    ]
    code = (
        "import json\nfrom qhreform import settings as s\n"
        f"print(json.dumps({{name: getattr(s, name) for name in {names!r}}}))"
    )
    result = run_python(code, DJANGO_SECRET_KEY="x" * 50, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_start_up_stops_without_a_secret_key():
    result = run_python("import django; django.setup()", DJANGO_SETTINGS_MODULE="qhreform.settings")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_development_starts_without_a_secret_key():
    result = run_python(
        "import django; django.setup()",
        DJANGO_SETTINGS_MODULE="qhreform.settings",
        DJANGO_DEBUG="1",
    )
    assert result.returncode == 0, result.stderr


def test_without_django_secure_nothing_assumes_https():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["CSRF_TRUSTED_ORIGINS"] == []


def test_django_secure_turns_on_secure_cookies_hsts_and_the_https_redirect():
    values = production_settings(DJANGO_SECURE="1")
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    # Preloading is the domain owner's decision, never a default.
    assert values["SECURE_HSTS_PRELOAD"] is False


def test_each_secure_setting_can_be_set_on_its_own():
    values = production_settings(
        DJANGO_SECURE="1",
        DJANGO_SSL_REDIRECT="0",
        DJANGO_HSTS_SECONDS="3600",
        DJANGO_HSTS_PRELOAD="1",
        DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://kb.example.org, https://www.kb.example.org",
    )
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 3600
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["CSRF_TRUSTED_ORIGINS"] == [
        "https://kb.example.org",
        "https://www.kb.example.org",
    ]


def test_django_secure_is_ignored_while_debugging():
    values = production_settings(DJANGO_SECURE="1", DJANGO_DEBUG="1")
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_a_malformed_proxy_ssl_header_stops_start_up_with_a_message():
    result = run_python(
        "import qhreform.settings",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
    )
    assert result.returncode != 0
    assert "DJANGO_SECURE_PROXY_SSL_HEADER must be" in result.stderr


def check_deploy(**env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SECRET_KEY": "k3P9-vL2xQ7_mR4tW8zY1nB6cF5hJ0sD-aE3gU9iO2pK7lX4vN8qT1wZ6yM5rC0bH",
            "DJANGO_SECURE": "1",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_checklist_finds_nothing_but_the_preload_choice():
    result = check_deploy()
    found = set(re.findall(r"\(([a-z_]+\.[EW]\d+)\)", result.stdout + result.stderr))
    assert found == {"security.W021"}, result.stdout + result.stderr


def test_the_deployment_checklist_passes_as_ci_runs_it():
    result = check_deploy(DJANGO_SILENCED_SYSTEM_CHECKS="security.W021")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (1 silenced)" in result.stdout


def test_request_errors_are_logged_to_standard_output():
    result = run_python(
        "import django, logging; django.setup(); "
        "logging.getLogger('django.request').error('Internal Server Error: /probe/')",
        DJANGO_SETTINGS_MODULE="qhreform.settings",
        DJANGO_SECRET_KEY="x" * 50,
    )
    assert "Internal Server Error: /probe/" in result.stdout
    assert "Internal Server Error: /probe/" not in result.stderr


# Passwords -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password", ["short", "password123", "12345678901234", "alice.editor", "qwertyuiop"]
)
def test_weak_passwords_are_refused(db, password):
    user = get_user_model()(username="alice.editor", email="alice.editor@example.org")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_uncommon_password_is_accepted(db):
    user = get_user_model()(username="alice.editor")
    validate_password(PASSWORD, user)


# Sign-in throttling ----------------------------------------------------------------------------


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user(
        "editor", password=PASSWORD, is_staff=True, is_superuser=True
    )


def sign_in(client, password, username="editor", address="203.0.113.7", prefix=""):
    return client.post(
        f"{prefix}/admin/login/?next={prefix}/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def fail_to_sign_in(client, times, **kwargs):
    """Sign in with wrong passwords; the fifth failure is answered with the lockout page."""
    for attempt in range(1, times + 1):
        response = sign_in(client, f"wrong password {attempt}", **kwargs)
        assert response.status_code == (429 if attempt >= 5 else 200), attempt


def test_five_failed_sign_ins_lock_the_account_even_with_the_right_password(client, editor):
    fail_to_sign_in(client, 5)
    response = sign_in(client, PASSWORD, prefix="/en")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed sign-in attempts. Try again in an hour" in html
    assert 'class="site-header"' in html  # the site's own page, not a bare message
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, editor):
    fail_to_sign_in(client, 4)
    assert sign_in(client, PASSWORD).status_code == 302


def test_the_lock_holds_one_account_from_one_address(client, editor):
    get_user_model().objects.create_user("other", password=PASSWORD, is_staff=True)
    fail_to_sign_in(client, 5, address="203.0.113.7")
    assert sign_in(client, PASSWORD, address="203.0.113.7").status_code == 429
    # The same account from elsewhere, and another account from the same address, sign in.
    assert sign_in(Client(), PASSWORD, address="198.51.100.20").status_code == 302
    assert sign_in(Client(), PASSWORD, username="other", address="203.0.113.7").status_code == 302


def test_a_successful_sign_in_clears_the_failures(client, editor):
    fail_to_sign_in(client, 4)
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    fail_to_sign_in(client, 4)
    assert sign_in(client, PASSWORD).status_code == 302


# CSRF ------------------------------------------------------------------------------------------


@pytest.fixture
def csrf_client(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    return client


def entry_form(mention):
    return {
        "name": "改过的名称",
        "type": mention.type_id,
        "region": mention.region_id,
        "measure": mention.measure_id,
        "action": "制定",
        "status": "published",
        "notes": "",
        "evidence_reference": "青海省生态环境厅工作简报",
    }


def test_an_admin_form_posted_without_the_csrf_token_is_refused(csrf_client, reference_data):
    mention = make_mention()
    url = f"/admin/measures/mention/{mention.pk}/change/"
    assert csrf_client.post(url, entry_form(mention)).status_code == 403
    mention.refresh_from_db()
    assert mention.name != "改过的名称"


def test_the_same_admin_form_with_its_token_is_saved(csrf_client, reference_data):
    mention = make_mention()
    url = f"/admin/measures/mention/{mention.pk}/change/"
    token = csrf_client.get(url).context["csrf_token"]
    response = csrf_client.post(url, {**entry_form(mention), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    mention.refresh_from_db()
    assert mention.name == "改过的名称"


# Redirects -------------------------------------------------------------------------------------

ELSEWHERE = [
    "https://evil.example",
    "https://evil.example/instruments/",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "https:/evil.example",
    " https://evil.example",
    "javascript:alert(1)",
    "http://testserver@evil.example",
]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_signing_in_never_redirects_off_the_site(client, editor, target):
    response = client.post(
        "/admin/login/?" + urlencode({"next": target}),
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.9",
    )
    assert response.status_code == 302
    assert url_has_allowed_host_and_scheme(response["Location"], {"testserver"})
    assert "evil.example" not in response["Location"]


@pytest.mark.parametrize("path", ["//evil.example/", "/en//evil.example/", "/\\evil.example/"])
def test_the_language_switch_never_links_off_the_site(client, db, path):
    html = client.get(path).content.decode()
    switch = re.search(r'<nav class="language-switch".*?</nav>', html, re.S)[0]
    links = re.findall(r'href="([^"]+)"', switch)
    assert len(links) == 2
    for link in links:
        assert url_has_allowed_host_and_scheme(link, {"testserver"}), link
        assert link.startswith("/") and not link.startswith("//"), link


# Anonymous visitors ----------------------------------------------------------------------------

ADMIN_URLS = [
    "/admin/",
    "/admin/measures/mention/",
    "/admin/measures/mention/add/",
    "/admin/measures/mention/{id}/change/",
    "/admin/measures/mention/{id}/delete/",
    "/admin/measures/mention/{id}/history/",
    "/admin/measures/mention/deleted/",
    "/admin/measures/mention/import/",
    "/admin/measures/mention/process_import/",
    "/admin/measures/source/import-article/",
    "/admin/measures/source/add/",
    "/admin/measures/measure/add/",
    "/admin/measures/instrumenttype/add/",
    "/admin/regions/region/add/",
    "/admin/auth/user/",
    "/admin/auth/user/add/",
    "/admin/auth/group/",
]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("template", ADMIN_URLS)
def test_anonymous_visitors_are_sent_to_sign_in_from_every_admin_url(
    client, reference_data, template, method
):
    mention = make_mention()
    url = template.format(id=mention.pk)
    response = getattr(client, method)(url, {"name": "x", "action": "delete_selected"})
    assert response.status_code == 302, url
    query = "" if method == "post" else "?name=x&action=delete_selected"
    assert response["Location"] == "/admin/login/?next=" + quote(url + query, safe="/")
    assert Mention.objects.filter(pk=mention.pk, name=mention.name).exists()


def public_urls(mention_id):
    return [
        "/",
        "/regions/",
        "/regions/632800/",
        "/measures/reform-6/",
        "/matrix/",
        "/instruments/",
        f"/mentions/{mention_id}/",
        f"/instruments/{Mention.objects.get(pk=mention_id).instrument_id}/",
        "/instruments/export.csv",
        "/instruments/export.json",
        "/instruments/export.xlsx",
        SOURCE,
        "/healthz",
    ]


def test_public_pages_accept_no_writes(client, knowledge_base):
    entry = Mention.objects.published().first()
    strict = Client(enforce_csrf_checks=True)
    wrong = []
    for url in public_urls(entry.pk):
        for method in ("post", "put", "patch", "delete"):
            status = getattr(client, method)(url).status_code
            if status != 405:
                wrong.append((method.upper(), url, status))
            # With CSRF enforced, as a browser meets it, a POST is refused before the view.
            if method == "post" and strict.post(url).status_code not in (403, 405):
                wrong.append(("POST (CSRF enforced)", url, status))
    assert wrong == []


# Headers ---------------------------------------------------------------------------------------


def policy_of(response):
    directives = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    return dict(directive.split(" ", 1) for directive in directives if directive)


def assert_protective_headers(response, url):
    policy = policy_of(response)
    # A page with JSON-LD data blocks allows exactly those, by the nonce they carry.
    assert re.fullmatch(r"'self'( 'nonce-[A-Za-z0-9+/=]+')?", policy.get("script-src", "")), url
    assert {**policy, "script-src": "'self'"} == EXPECTED_POLICY, url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["X-Frame-Options"] == "DENY", url
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", url


def test_every_response_carries_the_protective_headers(client, knowledge_base, editor):
    entry = Mention.objects.published().first()
    urls = [
        *public_urls(entry.pk),
        "/instruments/?region=999999",  # 400
        "/no-such-page/",  # 404
        "/instruments/99999999/",  # 404 from a view
        "/admin/login/",
        "/admin/",  # redirect
    ]
    for url in urls:
        assert_protective_headers(client.get(url), url)
    fail_to_sign_in(client, 5)
    locked = sign_in(client, PASSWORD)
    assert locked.status_code == 429
    assert_protective_headers(locked, "lockout")


def test_a_server_error_page_carries_the_protective_headers(db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("measures.browse.views.MatrixView.get_context_data", broken)
    response = Client(raise_request_exception=False).get("/matrix/")
    assert response.status_code == 500
    assert_protective_headers(response, "500")
    assert "boom" not in response.content.decode()


TEMPLATES = PROJECT / "templates"
# A script element is inline unless it loads a file (src=); JSON-LD data blocks are written by
# the `json_ld` template tag, with the page's nonce, never in a template.
INLINE_CODE = re.compile(
    r"<script\b(?![^>]*\ssrc=)|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:",
    flags=re.IGNORECASE,
)


def test_templates_have_no_inline_script_or_style():
    # The policy allows neither; anything inline would be silently blocked in the browser.
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if INLINE_CODE.search(line):
                found.append(f"{path.relative_to(PROJECT)}:{number}: {line.strip()}")
    assert found == []
    assert len(list(TEMPLATES.rglob("*.html"))) > 10  # the scan looked at the real templates


# Health ----------------------------------------------------------------------------------------


def test_health_answers_ok_while_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert client.head("/healthz").status_code == 200


def test_health_answers_503_without_details_when_the_database_does_not(client, db, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError('connection to server at "10.1.2.3", port 5432 failed: timeout')

    with monkeypatch.context() as patch:
        # The health check opens a connection of its own, through the backend's wrapper.
        patch.setattr(BaseDatabaseWrapper, "ensure_connection", unreachable)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable"}
    assert "10.1.2.3" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


# Error pages -----------------------------------------------------------------------------------


def test_the_404_page_is_the_sites_with_a_way_back(client, db):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html
    assert 'href="/en/"' in html
    assert 'href="/en/instruments/"' in html


def test_the_404_page_speaks_the_visitors_language(client, db):
    html = client.get("/no-such-page/").content.decode()  # Chinese, the site's default
    with translation.override("zh-hans"):
        assert translation.gettext("Page not found") in html


def test_the_500_page_renders_without_the_database_or_context():
    # No `db` fixture: any query here would fail the test.
    request = RequestFactory().get("/matrix/")
    with translation.override("en"):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Server error</h1>" in html
    assert 'href="/static/css/site.css"' in html
    assert 'href="/en/"' in html
