"""Public pages: no login needed to browse the catalogue and the agencies."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from cchc.catalogue.models import Field, Procedure
from cchc.testing import ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(cast):
    land = Field.objects.create(code="DD", name="Đất đai")
    ProcedureFactory(
        code="2.000635",
        name="Đăng ký biến động quyền sử dụng đất",
        field=land,
        online_level="partial",
        agencies=[cast.agency_b],
        fee_amount=50000,
        charge_amount=20000,
        legal_basis="Luật Đất đai 2024",
    )
    ProcedureFactory(
        code="9.999999",
        name="Thủ tục nháp khai sinh",
        status=Procedure.Status.DRAFT,
        agencies=[cast.agency_a],
    )
    return cast


def test_home_page_shows_real_counts(client, catalogue):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert (
        response.context["procedure_count"] == 2
    )  # 1.001193 and 2.000635; the draft is not counted
    assert "Đất đai" in response.content.decode()


def test_search_without_diacritics_finds_published_procedures_only(client, catalogue):
    response = client.get(reverse("portal:procedures"), {"q": "khai sinh"})
    codes = [p.code for p in response.context["page"].object_list]
    assert codes == ["1.001193"]
    response = client.get(reverse("portal:procedures"), {"q": "bien dong dat"})
    assert [p.code for p in response.context["page"].object_list] == ["2.000635"]


def test_filters_by_field_agency_and_online_level(client, catalogue):
    url = reverse("portal:procedures")
    land = Field.objects.get(code="DD")
    assert [p.code for p in client.get(url, {"field": land.pk}).context["page"].object_list] == [
        "2.000635"
    ]
    assert [
        p.code
        for p in client.get(url, {"agency": catalogue.agency_a.pk}).context["page"].object_list
    ] == ["1.001193"]
    assert [p.code for p in client.get(url, {"online": "partial"}).context["page"].object_list] == [
        "2.000635"
    ]


def test_an_invalid_filter_is_reported_and_the_valid_ones_still_apply(client, catalogue):
    """A bookmark naming an agency merged since, or a too-long search, used to drop every
    filter and list the whole catalogue."""
    url = reverse("portal:procedures")
    with translation.override("vi"):
        response = client.get(url, {"q": "khai sinh", "agency": "99999"})
    assert [p.code for p in response.context["page"].object_list] == ["1.001193"]
    assert [f["label"] for f in response.context["ignored_filters"]] == ["Cơ quan"]
    assert "không còn trong danh sách" in response.content.decode()
    # the fragment htmx swaps in carries the word too (the form is not re-rendered)
    with translation.override("vi"):
        fragment = client.get(
            url, {"q": "x" * 250, "online": "partial", "agency": "99999"}, HTTP_HX_REQUEST="true"
        )
    assert [p.code for p in fragment.context["page"].object_list] == ["2.000635"]
    assert {f["label"] for f in fragment.context["ignored_filters"]} == {"Tìm kiếm", "Cơ quan"}
    assert fragment.content.decode().count('class="form-error"') == 2
    land = Field.objects.get(code="DD")
    valid = client.get(url, {"field": land.pk, "online": "partial"})
    assert valid.context["ignored_filters"] == []
    assert [p.code for p in valid.context["page"].object_list] == ["2.000635"]


def test_results_carry_their_headings_for_the_phone_layout(client, catalogue):
    """On a phone each row is a card and each cell shows its heading (static/cchc/app.css,
    .procedure-results; seen in test_browser_catalogue_phone)."""
    with translation.override("vi"):
        html = client.get(reverse("portal:procedures")).content.decode()
    assert '<table class="compact procedure-results">' in html
    for heading in ("Lĩnh vực", "Thời hạn giải quyết", "Mức độ trực tuyến"):
        assert f'data-label="{heading}"' in html


def test_results_are_paginated_and_htmx_gets_the_fragment(client, cast):
    for i in range(25):
        ProcedureFactory(code=f"3.{i:06d}", name=f"Thủ tục số {i}")
    url = reverse("portal:procedures")
    first = client.get(url)
    assert (
        len(first.context["page"].object_list) == 20
        and first.context["page"].paginator.num_pages == 2
    )
    fragment = client.get(url, {"page": 2}, HTTP_HX_REQUEST="true")
    assert (
        "<html" not in fragment.content.decode() and len(fragment.context["page"].object_list) == 6
    )


def test_procedure_page_shows_published_fields(client, catalogue):
    page = client.get(reverse("portal:procedure", args=["2.000635"])).content.decode()
    for text in (
        "Đăng ký biến động quyền sử dụng đất",
        "50.000",
        "20.000",
        "Luật Đất đai 2024",
        "Tờ khai",
        "Sở Tư pháp",
    ):
        assert text in page, text
    assert client.get(reverse("portal:procedure", args=["9.999999"])).status_code == 404


def test_agency_pages(client, catalogue):
    listing = client.get(reverse("portal:agencies"), {"q": "Tư pháp"})
    assert [a.code for a in listing.context["page"].object_list] == ["H26.01"]
    detail = client.get(reverse("portal:agency", args=["H26.01"]))
    assert [p.code for p in detail.context["page"].object_list] == ["1.001193", "2.000635"]


def test_a_merged_ward_is_found_and_names_the_agency_that_took_its_work(client, catalogue):
    """After a merger a citizen searching for their old ward found nothing, and its page said
    it 'stopped from' its last day in force (the agencies walk)."""
    import datetime as dt

    from cchc.agencies.models import Agency

    old, new = catalogue.agency_a, Agency.objects.get(code="H26.01")
    old.valid_to = dt.date(2026, 12, 4)
    old.save()
    old.successors.set([new])
    listing = client.get(reverse("portal:agencies"), {"q": old.name[-8:]})
    with translation.override("vi"):
        body = listing.content.decode()
    assert old.code in [a.code for a in listing.context["page"].object_list]
    assert "hoạt động đến hết ngày 04/12/2026; công việc chuyển cho" in body
    assert f'href="{reverse("portal:agency", args=[new.code])}"' in body
    assert old.code not in [
        a.code for a in client.get(reverse("portal:agencies")).context["page"].object_list
    ]  # without a search, only the agencies in force
    page = client.get(reverse("portal:agency", args=[old.code])).content.decode()
    assert "hoạt động đến hết ngày 04/12/2026" in page and "chấm dứt hoạt động từ" not in page


def test_an_abolished_procedure_says_so_and_a_draft_stays_unknown(client, catalogue):
    """A withdrawn procedure's page was a bare 'page not found': a citizen holding a dossier of
    it (a link in a notice, a bookmark) could not tell it was abolished (catalogue walk)."""
    import datetime as dt

    ProcedureFactory(
        code="1.000054",
        name="Cấp bản sao trích lục hộ tịch",
        status=Procedure.Status.WITHDRAWN,
        valid_to=dt.date(2026, 11, 30),
        agencies=[catalogue.agency_a],
    )
    page = client.get(reverse("portal:procedure", args=["1.000054"]))
    assert page.status_code == 410
    html = page.content.decode()
    assert "Cấp bản sao trích lục hộ tịch" in html and "bãi bỏ" in html and "30/11/2026" in html
    assert reverse("portal:lookup") in html
    # a draft is not public: unknown, like a code that never existed
    assert client.get(reverse("portal:procedure", args=["9.999999"])).status_code == 404
    assert client.get(reverse("portal:procedure", args=["0.000000"])).status_code == 404


def test_a_procedure_page_shows_the_time_limit_in_force_until_an_amendment_takes_effect(
    client, catalogue
):
    """An amendment recorded today that takes effect in ten days showed its new limit at once
    on the public page (the record already holds it); the limit in force is what applies."""
    import datetime as dt

    from django.utils import timezone

    from cchc.catalogue import services

    proc = catalogue.procedure  # 3 working days
    day = timezone.localdate() + dt.timedelta(days=10)
    services.update_procedure(
        proc,
        actor=catalogue.province_admin,
        data={"processing_time": 5},
        decision="55/QĐ-UBND",
        decided_on=timezone.localdate() - dt.timedelta(days=1),
        effective_from=day,
    )
    page = client.get(reverse("portal:procedure", args=[proc.code])).content.decode()
    in_force = page.split('id="terms-in-force">')[1].split("</span>")[0]
    assert in_force.startswith("3 ")
    later = page.split('id="terms-from">')[1].split("</small>")[0]
    assert f"từ ngày {day:%d/%m/%Y}:" in later and "5 " in later
