"""Issue 12.5: production settings from the environment, `check --deploy` clean, a
Content-Security-Policy on every page, and the cache table created by `migrate` itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

ROOT = Path(settings.BASE_DIR)
PRODUCTION = {
    "CCHC_ENV": "production",
    "SECRET_KEY": "k3Y-" + "x7Q9v2LmZ0pR8sT1wU4yB6nC5dE3fG" * 2,
    "ALLOWED_HOSTS": "dichvucong.example.gov.vn",
    "DEBUG": "0",
    "CCHC_FIELD_KEYS": "vJ0ZkqN9Qd1bq8m3mC9yY2x0oVxWq3VxZ3Rk5d7b3ZA=",
}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_"))}
    clean.pop("CCHC_ENV", None)
    clean.pop("CCHC_FIELD_KEYS", None)
    clean.pop("DEBUG", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' process
    clean["DATABASE_URL"] = "sqlite:///:memory:"
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_mode():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_does_warn_in_development_mode():
    """The same command fails on the development defaults: the test above can fail."""
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], {})
    assert result.returncode != 0
    for warning in ("W004", "W008", "W012", "W016"):  # HSTS, SSL redirect, cookies
        assert warning in result.stdout + result.stderr


PRINT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k) for k in ("
    "'SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SESSION_COOKIE_HTTPONLY','SECURE_SSL_REDIRECT',"
    "'SECURE_HSTS_SECONDS','SECURE_HSTS_INCLUDE_SUBDOMAINS','SECURE_PROXY_SSL_HEADER')}))"
)


def _settings(env: dict[str, str]) -> dict:
    result = _run(["-c", PRINT], {"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_requires_the_personal_data_keys():
    """Issue 12.6: no key derived from SECRET_KEY in production."""
    without = {k: v for k, v in PRODUCTION.items() if k != "CCHC_FIELD_KEYS"}
    result = _run(["-c", PRINT], {"DJANGO_SETTINGS_MODULE": "config.settings", **without})
    assert result.returncode != 0 and "CCHC_FIELD_KEYS is required" in result.stderr
    assert _settings(PRODUCTION)  # and with it, production settings load


def test_production_defaults_and_their_overrides():
    prod = _settings(PRODUCTION)
    assert prod["SESSION_COOKIE_SECURE"] and prod["CSRF_COOKIE_SECURE"]
    assert prod["SESSION_COOKIE_HTTPONLY"] and prod["SECURE_SSL_REDIRECT"]
    assert prod["SECURE_HSTS_SECONDS"] >= 31_536_000 and prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert prod["SECURE_PROXY_SSL_HEADER"] is None
    behind_proxy = _settings(
        {
            **PRODUCTION,
            "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "600",
        }
    )
    assert behind_proxy["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert behind_proxy["SECURE_SSL_REDIRECT"] is False
    assert behind_proxy["SECURE_HSTS_SECONDS"] == 600
    dev = _settings({})
    assert not dev["SESSION_COOKIE_SECURE"] and dev["SESSION_COOKIE_HTTPONLY"]


@pytest.mark.django_db
def test_https_redirect_hsts_and_proxy_header(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/procedures/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    proxied = client.get("/procedures/", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
    assert proxied["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/procedures/",
        "/lookup/",
        "/accounts/login/",
        "/feedback/",
        "/signup/",
        "/admin/",
        "/no-such-page/",
        "/api/v1/openapi.json",
        "/open311/v2/services.json",
    ],
)
def test_every_page_has_a_content_security_policy_without_inline_script(client, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"]
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db(transaction=True)
def test_migrate_alone_creates_the_cache_table():
    table = settings.CACHES["default"]["LOCATION"]
    call_command("migrate", "core", "0002", verbosity=0)
    assert table not in connection.introspection.table_names()
    # every app forward, not only core: going back to core 0002 also unapplied the other
    # apps' migrations that depend on a later core one (dossiers 0018 on core 0010, and
    # 0019 after it), and the next test on this database then missed their columns
    call_command("migrate", verbosity=0)
    assert table in connection.introspection.table_names()
    cache.set("probe", 1, 30)
    assert cache.get("probe") == 1


def test_the_makefile_no_longer_needs_createcachetable():
    assert "createcachetable" not in (ROOT / "Makefile").read_text()


@pytest.mark.django_db
def test_the_checks_migrate_runs_are_clean_on_this_database():
    """`make demo` (SQLite) and a PostgreSQL install start without warnings from `migrate`:
    the database checks pass on the backend the suite runs on."""
    from django.core.checks import run_checks

    shown = [m for m in run_checks(databases=["default"]) if not m.is_silenced()]
    assert shown == []
