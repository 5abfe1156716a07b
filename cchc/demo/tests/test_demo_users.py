"""The demo's staff accounts carry plain personal names: official forms print the account's
name as the signatory, so "Nguyễn Thị Mai (một cửa)" or "Lê Minh Đức (lãnh đạo)" appeared
under "THỦ TRƯỞNG CƠ QUAN". The role is shown from the memberships instead."""

from __future__ import annotations

import pytest

from cchc.accounts.models import User
from cchc.demo.management.commands.seed_demo import DEMO_USERS, Command

ROLE_WORDS = ("một cửa", "chuyên viên", "lãnh đạo", "quản trị", "thanh tra", "sở ", "cchc")


def test_demo_people_have_plain_names():
    for username, full_name, _kind, _memberships in DEMO_USERS:
        if username == "admin":  # the platform's own account, not a person
            continue
        assert "(" not in full_name and ")" not in full_name, username
        assert not any(word in full_name.lower() for word in ROLE_WORDS), username
        assert len(full_name.split()) >= 2 and full_name.istitle(), username


@pytest.mark.django_db
def test_seeding_again_gives_an_existing_demo_its_plain_names():
    User.objects.create(username="motcua.badinh", full_name="Nguyễn Thị Mai (một cửa)")
    Command()._users()
    assert User.objects.get(username="motcua.badinh").full_name == "Nguyễn Thị Mai"
    assert User.objects.get(username="lanhdao.badinh").full_name == "Lê Minh Đức"


@pytest.mark.django_db
def test_the_demo_records_the_published_national_figures_and_the_years_targets_once():
    """The external-indices page of a new demo was empty: no figure, no target."""
    from cchc.reform.external import assess_target
    from cchc.reform.models import ExternalValue, Target

    User.objects.create(username="sonoivu", kind=User.Kind.PROVINCE_ADMIN, province_code="01")
    Command()._external_indices()
    Command()._external_indices()  # seeding again adds nothing
    assert ExternalValue.objects.filter(index="PAR", year=2023, rank=3).exists()
    assert ExternalValue.objects.filter(index="SIPAS").count() == 2
    assert Target.objects.count() == 3
    sipas = assess_target(Target.objects.get(index="SIPAS"))
    assert sipas["latest"]["year"] == 2024 and sipas["latest"]["figure"]["score"] == 86.5
