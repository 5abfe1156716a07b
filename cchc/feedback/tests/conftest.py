import pytest


@pytest.fixture(autouse=True)
def _locmem_cache(settings):
    """Rate limits use the cache; a per-test local-memory cache keeps tests independent
    (production uses the configured database cache)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "feedback-tests",
        }
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def reseeded(transactional_db):
    """Transactional tests flush every table, data-migration rows included: put back the rule
    versions and petition topics this app needs (much cheaper than serialized_rollback)."""
    import importlib

    from django.apps import apps

    importlib.import_module("cchc.core.migrations.0002_seed_rules").seed(apps, None)
    importlib.import_module("cchc.feedback.migrations.0002_seed_and_append_only").seed(apps, None)
    importlib.import_module("cchc.feedback.migrations.0010_petition_reminder_rule").seed(apps, None)
