"""Agencies as a Vietnamese reader looks them up: the public agency list is found by a search
typed in lower case or without tones, and every list of agencies or fields a citizen picks
from is in the order of the Vietnamese alphabet (Đ with the D's, Ô with the O's), not the
database's code-point order that puts them after Y."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.catalogue.models import Field
from cchc.portal.forms import DraftApplicantForm, ProcedureFilterForm
from cchc.testing import AgencyFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wards(cast):
    names = ["UBND Phường Ô Chợ Dừa", "UBND Phường Đống Đa", "UBND Phường Yên Hòa"]
    agencies = [AgencyFactory(code=f"H26.9{i}", name=name) for i, name in enumerate(names)]
    civil = Field.objects.create(code="XHT", name="Giao thông vận tải")
    land = Field.objects.create(code="XDD", name="Đường thủy nội địa")
    ProcedureFactory(code="2.000001", field=civil, agencies=agencies)
    ProcedureFactory(code="2.000002", field=land, agencies=agencies)
    return agencies


@pytest.mark.parametrize("typed", ["đống đa", "dong da", "ĐỐNG ĐA", "Phường  Đống"])
def test_agency_search_finds_a_name_typed_in_lower_case_or_without_tones(client, wards, typed):
    listing = client.get(reverse("portal:agencies"), {"q": typed})
    assert [a.name for a in listing.context["page"].object_list] == ["UBND Phường Đống Đa"]


def test_agency_search_by_code_still_works(client, wards):
    listing = client.get(reverse("portal:agencies"), {"q": "h26.91"})
    assert [a.code for a in listing.context["page"].object_list] == ["H26.91"]


def in_order(names, wanted):
    return [n for n in names if n in wanted]


WANTED = ["UBND Phường Đống Đa", "UBND Phường Ô Chợ Dừa", "UBND Phường Yên Hòa"]


def test_agency_list_is_in_vietnamese_order(client, wards):
    listing = client.get(reverse("portal:agencies"))
    names = [a.name for a in listing.context["page"].object_list]
    assert in_order(names, WANTED) == WANTED


def test_procedure_page_lists_its_agencies_in_vietnamese_order(client, wards):
    page = client.get(reverse("portal:procedure", args=["2.000001"]))
    assert [a.name for a in page.context["agencies"]] == WANTED


def test_catalogue_filters_are_in_vietnamese_order(wards):
    form = ProcedureFilterForm()
    agencies = [name for _pk, name in form.fields["agency"].choices][1:]
    assert in_order(agencies, WANTED) == WANTED
    fields = [name for _pk, name in form.fields["field"].choices][1:]
    assert in_order(fields, ["Đường thủy nội địa", "Giao thông vận tải"]) == [
        "Đường thủy nội địa",
        "Giao thông vận tải",
    ]


def test_receiving_agency_choice_is_in_vietnamese_order_and_still_validated(wards):
    from cchc.agencies.models import Agency

    agencies = Agency.objects.filter(pk__in=[a.pk for a in wards])
    form = DraftApplicantForm({}, agencies=agencies)
    names = [str(label) for _pk, label in form.fields["receiving_agency"].choices][1:]
    assert names == WANTED
    chosen = DraftApplicantForm({"receiving_agency": str(wards[1].pk)}, agencies=agencies)
    assert chosen.cleaned_data["receiving_agency"] == wards[1]
    outside = AgencyFactory(code="H26.99", name="Sở khác")
    refused = DraftApplicantForm({"receiving_agency": str(outside.pk)}, agencies=agencies)
    assert "receiving_agency" in refused.errors
