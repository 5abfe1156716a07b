"""Root pytest configuration: fast hashing, a fixed cast of users, browser skips explained,
the hypothesis profile for CI."""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property-based tests on a loaded 2-core CI runner: no per-example deadline (a slow example
# is the machine, not the code) and no "too slow" health check, with enough examples to find
# the edge cases of the calendar and the scoring formulas. HYPOTHESIS_PROFILE=dev for quicker
# local runs. A test's own @settings(max_examples=...) still wins over the profile.
hypothesis_settings.register_profile(
    "ci",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    max_examples=100,
    print_blob=True,
)
hypothesis_settings.register_profile(
    "dev", parent=hypothesis_settings.get_profile("ci"), max_examples=30
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and at the very end, before it is dropped, the sessions
    that live-server request threads left open (a kept-alive browser or HTTP client keeps such
    a thread, and its database connection, alive past the test) are ended, so the database
    can be dropped instead of PostgreSQL refusing with "is being accessed by other users"."""
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cur:
            cur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "vi"
    from cchc.dossiers import services
    from cchc.indices import summaries

    services.clear_caches()
    summaries.clear_rule_cache()


@pytest.fixture
def cast(db):
    from cchc.testing import make_cast

    return make_cast()


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, past the second factor every administrator must pass
    (cchc.accounts.second_factor): a confirmed TOTP device, verified in the session."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=admin_user, name="test", confirmed=True)
    client.force_login(admin_user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's chromium; without it they are skipped with the reason
    printed, except in CI where a missing browser is a failure."""
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        return  # the tests themselves fail loudly in CI
    skip = pytest.mark.skip(
        reason=f"browser test skipped: {CHROMIUM} not installed (apt-get install chromium)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped:
        reasons = sorted({str(getattr(r, "longrepr", ("", "", ""))[-1]) for r in skipped})
        terminalreporter.write_line("Skipped tests and why:", bold=True)
        for reason in reasons:
            terminalreporter.write_line(f"  - {reason}")


BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture
def browser_page(request, live_server):
    """A Playwright page in Debian's headless Chromium (executablePath /usr/bin/chromium).

    `page.shot("name")` saves a screenshot under test-artifacts/<test name>/.
    """
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    artifacts = Path(__file__).parent / "test-artifacts" / request.node.name
    artifacts.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS)
        # reduced motion: Pico's colour transitions (0.2 s) end at once, so what a test reads
        # (axe's contrast check on a menu just opened) is the page at rest, not a frame of a fade
        context = browser.new_context(
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            accept_downloads=True,
            reduced_motion="reduce",
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        counter = {"n": 0}

        def shot(name: str) -> Path:
            counter["n"] += 1
            path = artifacts / f"{counter['n']:02d}-{name}.png"
            page.screenshot(path=str(path), full_page=True)
            return path

        page.shot = shot  # type: ignore[attr-defined]
        page.base_url = live_server.url  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            context.close()
            browser.close()
