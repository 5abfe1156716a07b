"""The lenient query-string day (cchc/core/params.py) and the API keys (cchc/core/api_keys.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from cchc.core.api_keys import hash_key, new_key
from cchc.core.params import day_or

FALLBACK = dt.date(2026, 5, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-02-28", dt.date(2026, 2, 28)),
        ("", FALLBACK),
        (None, FALLBACK),
        ("2026-02-30", FALLBACK),
        ("28/02/2026", FALLBACK),
    ],
)
def test_a_day_or_the_default(value, expected):
    assert day_or(value, FALLBACK) == expected


def test_the_default_may_be_none():
    assert day_or("nonsense", None) is None


def test_a_new_key_stores_only_its_start_and_hash():
    key = new_key("o311_")
    assert key.raw.startswith("o311_") and len(key.raw) > 40
    assert key.prefix == key.raw[:12]
    assert key.key_hash == hash_key(key.raw) != key.raw and len(key.key_hash) == 64
    assert new_key("o311_").raw != key.raw
