"""An agency's record never changes without a trace (AgencyEvent on the event core): an
agencies.csv import logs each agency it creates or changes, as the import actor, with the
fields' old and new values; an edit in the administration site logs its user."""

from __future__ import annotations

import pytest

from cchc.agencies.models import Agency, AgencyEvent
from cchc.core.chains import verify
from cchc.interchange.tests import bundles
from cchc.interchange.tests.bundles import run_import

pytestmark = pytest.mark.django_db


def _log(code: str) -> list[tuple[int, str, str, dict]]:
    return list(
        AgencyEvent.objects.filter(agency__code=code)
        .order_by("seq")
        .values_list("seq", "action", "actor_label", "data")
    )


def test_an_import_logs_what_it_created_and_changed_and_nothing_when_nothing_changed(tmp_path):
    ok, _lines, err = run_import(bundles.write(tmp_path / "a"))
    assert ok, err
    [(seq, action, actor, data)] = _log("H26.800")
    assert (seq, action, actor) == (1, "create", "Nhập dữ liệu")
    assert data["name"] == [None, "UBND quận Ba Đình (cũ)"]
    assert data["successors"] == [None, ["H26.900", "H26.901"]]  # linked in the second pass
    assert data["valid_to"] == [None, "2025-06-30"]
    assert AgencyEvent.objects.count() == 3

    ok, _lines, _err = run_import(bundles.write(tmp_path / "b"))  # the same file again
    assert ok and AgencyEvent.objects.count() == 3

    renamed = bundles.AGENCIES.replace("UBND phường Ngọc Hà", "UBND phường Ngọc Hà mới").replace(
        "H26.900;H26.901", "H26.900"
    )
    ok, lines, _err = run_import(bundles.write(tmp_path / "c", agencies=renamed))
    assert ok and lines[0] == "agencies.csv: 0 created, 2 updated, 1 unchanged, 0 rejected"
    assert _log("H26.901")[-1][1:] == (
        "update",
        "Nhập dữ liệu",
        {"name": ["UBND phường Ngọc Hà", "UBND phường Ngọc Hà mới"]},
    )
    assert _log("H26.800")[-1][:2] == (2, "update")
    assert _log("H26.800")[-1][3] == {"successors": [["H26.900", "H26.901"], ["H26.900"]]}
    assert _log("H26.900") == _log("H26.900")[:1]  # unchanged: still only its creation
    # the rows written in bulk chain like any other log
    assert list(verify(AgencyEvent)) == [5]


def test_an_edit_in_the_administration_site_is_logged_with_its_user(admin_client, admin_user):
    agency = Agency.objects.create(code="H26.700", name="Sở Nội vụ", level="PROVINCE_AGENCY")
    page = f"/admin/agencies/agency/{agency.pk}/change/"
    form = {
        "code": "H26.700",
        "name": "Sở Nội vụ thành phố",
        "level": "PROVINCE_AGENCY",
        "province_code": "01",
        "identity_code": "",
        "address": "",
        "phone": "",
        "valid_from": "2025-07-01",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    response = admin_client.post(page, form)
    assert response.status_code == 302, response.content.decode()[-2000:]
    [(seq, action, actor, data)] = _log("H26.700")
    assert (seq, action, actor) == (1, "update", admin_user.get_full_name() or "admin")
    assert data == {
        "name": ["Sở Nội vụ", "Sở Nội vụ thành phố"],
        "province_code": ["", "01"],
    }
    assert admin_client.post(page, form).status_code == 302  # saved again unchanged
    assert len(_log("H26.700")) == 1
    # the change page lists the log
    assert "Sở Nội vụ thành phố" in admin_client.get(page).content.decode()
