"""Walk H7: Home Affairs keeps the province's agencies on its own screens (a ward merged into
another, a department renamed, a unit moved to another ranking group), without the
administration site (which only the technical administrator may open). Nothing is deleted:
the merged ward is closed the day before the merger and names its successor; a dossier
received there keeps its agency; every change is in the agency's change log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from cchc.agencies import services
from cchc.agencies.models import AdministrativeUnit, Agency, AgencyEvent, UnitLevel
from cchc.core.errors import NotPermitted
from cchc.rulebook.tests.test_rules import receive
from cchc.testing import AgencyFactory, GroupFactory, assert_aria_references

pytestmark = pytest.mark.django_db


def home_affairs(cast) -> Client:
    c = Client()
    c.force_login(cast.province_admin)
    return c


def test_home_affairs_merges_a_ward_and_its_dossiers_keep_their_agency(cast):
    dossier = receive(cast, timezone.now())
    ward = Agency.objects.get(pk=cast.agency_a.pk)
    successor = AgencyFactory(code="H26.101", name="UBND phường Hoàn Kiếm mới", level="COMMUNE")
    day = services.today() + dt.timedelta(days=10)
    c = home_affairs(cast)
    page = c.get("/rules/agencies/").content.decode()
    assert "UBND phường Hoàn Kiếm" in page and "/rules/agencies/H26.100/" in page

    # missing reason: refused with a message, what was typed kept
    form = {"successor": successor.pk, "effective_from": day.isoformat(), "reason": ""}
    r = c.post("/rules/agencies/H26.100/merge/", form)
    assert r.status_code == 200
    assert f'value="{day.isoformat()}"' in r.content.decode()
    assert_aria_references(r.content.decode())  # the error points at the merger's own field
    ward.refresh_from_db()
    assert ward.valid_to is None

    form["reason"] = "Nghị quyết 1656/NQ-UBTVQH15 (16/06/2025)"
    assert c.post("/rules/agencies/H26.100/merge/", form).status_code == 302
    ward.refresh_from_db()
    assert ward.valid_to == day - dt.timedelta(days=1)
    assert list(ward.successors.all()) == [successor]
    assert ward.resolve_current(day) == [successor]
    assert ward in Agency.objects.valid_on(day - dt.timedelta(days=1))
    assert ward not in Agency.objects.valid_on(day)  # pick lists from the merger on
    dossier.refresh_from_db()
    assert dossier.receiving_agency_id == ward.pk  # old dossiers keep their agency
    event = AgencyEvent.objects.get(agency=ward, action="merge")
    assert event.actor == cast.province_admin and event.note == form["reason"]
    assert event.data["successors"] == [[], ["H26.101"]]
    detail = c.get("/rules/agencies/H26.100/").content.decode()
    assert "UBND phường Hoàn Kiếm mới" in detail and "Nghị quyết 1656" in detail
    assert "hiệu lực đến" in detail.lower()  # the log names the fields, not valid_to
    assert "valid_to" not in detail and "successors" not in detail
    assert "Successor agencies" not in detail and "— → H26.101" in detail
    assert (
        "['H26.101']" not in detail and (day - dt.timedelta(days=1)).strftime("%d/%m/%Y") in detail
    )
    # merged once: a second merger is refused with a message, nothing changes
    again = c.post("/rules/agencies/H26.100/merge/", form)
    assert again.status_code == 200
    assert "Cơ quan này đã có ngày hết hiệu lực" in again.content.decode()
    ward.refresh_from_db()
    assert ward.valid_to == day - dt.timedelta(days=1)


def test_a_rename_and_a_group_move_are_saved_and_logged(cast):
    departments = GroupFactory(name="Sở, ban, ngành")
    c = home_affairs(cast)
    form = {
        "name": "UBND phường Hoàn Kiếm (sau sắp xếp)",
        "group": departments.pk,
        "address": "126 Hàng Trống",
        "phone": "024 3825 1234",
        "reason": "Quyết định 100/QĐ-UBND (01/12/2026)",
    }
    assert c.post("/rules/agencies/H26.100/", form).status_code == 302
    ward = Agency.objects.get(code="H26.100")
    assert (ward.name, ward.group, ward.address) == (form["name"], departments, "126 Hàng Trống")
    event = AgencyEvent.objects.get(agency=ward, action="update")
    assert event.data["name"] == ["UBND phường Hoàn Kiếm", form["name"]]
    assert event.data["group"] == ["Xã, phường", "Sở, ban, ngành"]
    edit_page = c.get("/rules/agencies/H26.100/").content.decode()
    assert edit_page.count('id="id_reason"') == 1 and 'id="merge_reason"' in edit_page
    listed = c.get("/rules/agencies/?q=hoan kiem").content.decode()
    assert "(sau sắp xếp)" in listed and "Sở, ban, ngành" in listed
    # an empty name is refused, the other values kept
    r = c.post("/rules/agencies/H26.100/", {**form, "name": " "})
    assert r.status_code == 200 and "126 Hàng Trống" in r.content.decode()


def test_only_home_affairs_changes_the_agencies(cast):
    c = Client()
    c.force_login(cast.leader_a)
    assert c.get("/rules/agencies/").status_code == 403
    assert c.post("/rules/agencies/H26.100/", {"name": "x", "reason": "y"}).status_code == 403
    with pytest.raises(NotPermitted):
        services.change_agency(
            cast.agency_a,
            actor=cast.leader_a,
            name="x",
            group=None,
            address="",
            phone="",
            reason="y",
        )
    assert Agency.objects.get(code="H26.100").name == "UBND phường Hoàn Kiếm"


def test_merging_a_wards_committee_merges_its_administrative_unit(cast):
    old_unit = AdministrativeUnit.objects.create(
        code="99901", name="Phường Thử Cũ", level=UnitLevel.COMMUNE, province_code="01"
    )
    new_unit = AdministrativeUnit.objects.create(
        code="99902", name="Phường Thử Mới", level=UnitLevel.COMMUNE, province_code="01"
    )
    Agency.objects.filter(pk=cast.agency_a.pk).update(unit=old_unit)
    successor = AgencyFactory(code="H26.101", name="UBND phường Thử Mới", unit=new_unit)
    day = services.today() + dt.timedelta(days=3)
    services.merge_agency(
        Agency.objects.get(pk=cast.agency_a.pk),
        actor=cast.province_admin,
        successor=successor,
        effective_from=day,
        reason="Nghị quyết 1656/NQ-UBTVQH15",
    )
    old_unit.refresh_from_db()
    assert old_unit.valid_to == day - dt.timedelta(days=1)
    assert list(old_unit.successors.all()) == [new_unit]
