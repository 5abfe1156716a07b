from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers import services
from cchc.dossiers.services import Applicant
from cchc.dossiers.tests.factories import online_dossier

CITIZEN_ID = "001090012345"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def at(y, m, d, hh=9, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=LOCAL_TZ)


@pytest.fixture
def citizen(cast):
    user = cast.citizen
    user.set_national_id(CITIZEN_ID)
    user.phone = "0912345678"
    user.save()
    return user


def citizens_dossier(cast, citizen, **applicant):  # type: ignore[no-untyped-def]
    """The citizen's dossier submitted online on 2/3/2026 at 08:30 (`applicant`: more of the
    applicant's fields, a phone say)."""
    return online_dossier(
        cast,
        Applicant(
            name="Nguyễn Văn Dân",
            id_hash=citizen.national_id_hash,
            id_last4="2345",
            email="citizen@example.vn",
            account=citizen,
            **applicant,
        ),
        actor=citizen,
        at=at(2026, 3, 2, 8, 30),
    )


@pytest.fixture
def returned(cast, citizen):
    """A dossier of the citizen that went the whole way: submitted, received, finished, returned."""
    d = citizens_dossier(cast, citizen, phone="0912345678")
    d = services.receive(d, actor=cast.clerk_a, at=at(2026, 3, 2, 9))
    d = services.transfer(
        d, actor=cast.clerk_a, to_agency=cast.agency_a, step_name="Thẩm định", at=at(2026, 3, 2, 10)
    )
    d = services.finish(
        d, actor=cast.specialist_a, at=at(2026, 3, 3, 9), note="Quyết định số 12/QĐ"
    )
    return services.return_result(d, actor=cast.clerk_a, at=at(2026, 3, 3, 10))


@pytest.fixture
def empty_cache():
    """The cache (throttle counters) empty before and after the test."""
    cache.clear()
    yield
    cache.clear()
