"""A procedure is announced, amended and abolished by decisions of the province (Decree
63/2010 art. 15, Decree 92/2017): the catalogue records which decision did what."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from cchc.catalogue import services
from cchc.catalogue.models import CatalogueChange, Procedure
from cchc.catalogue.tests.editor import editor_data
from cchc.core.actors import SYSTEM
from cchc.core.errors import TransitionNotAllowed, ValidationFailed


def _draft(cast) -> Procedure:
    return services.create_procedure(
        actor=cast.province_admin,
        data={
            "code": "3.000100",
            "name": "Cấp giấy phép hoạt động",
            "processing_time": 5,
            "applicant_types": "Tổ chức",
            "submission_means": "Trực tiếp",
            "steps_description": "Tiếp nhận, thẩm định, trả kết quả",
        },
        agencies=[cast.agency_a],
        documents=[{"name": "Đơn đề nghị", "copies": 1}],
    )


def test_publishing_records_the_chairmans_decision(client, cast):
    proc = _draft(cast)
    client.force_login(cast.province_admin)
    url = f"/catalogue/{proc.pk}/publish/"
    # without the decision: said in Vietnamese on the record page, nothing published
    resp = client.post(url, {"publication_decision": "", "announced_on": ""})
    assert resp.status_code == 200
    assert "Nhập số quyết định" in resp.content.decode()
    # a number that is not one, and a date that has not come, are refused; the typing is kept
    resp = client.post(
        url, {"publication_decision": "quyết định số 12", "announced_on": "2026-03-01"}
    )
    page = resp.content.decode()
    assert "không phải là số quyết định" in page and 'value="quyết định số 12"' in page
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    resp = client.post(
        url, {"publication_decision": "1234/QĐ-UBND", "announced_on": tomorrow.isoformat()}
    )
    assert "chưa đến" in resp.content.decode()
    proc.refresh_from_db()
    assert proc.status == Procedure.Status.DRAFT and not proc.publication_decision
    # "qd" typed without the đ, in lower case, is the same decision
    resp = client.post(
        url, {"publication_decision": " 1234/qd-ubnd ", "announced_on": "2026-03-01"}
    )
    assert resp.status_code == 302
    proc.refresh_from_db()
    assert proc.status == Procedure.Status.PUBLISHED
    assert (proc.publication_decision, proc.announced_on) == ("1234/QĐ-UBND", dt.date(2026, 3, 1))
    change = proc.changes.get(action=CatalogueChange.Action.PUBLISH)
    assert change.data == {"publication_decision": "1234/QĐ-UBND", "announced_on": "2026-03-01"}
    # the record page's history and the public page show it
    page = client.get(f"/catalogue/{proc.pk}/").content.decode()
    assert "quyết định công bố 1234/QĐ-UBND ngày 01/03/2026" in page
    public = client.get(f"/procedures/{proc.code}/").content.decode()
    assert "1234/QĐ-UBND" in public and "01/03/2026" in public
    # and the API's record of it, for the systems that read the catalogue
    api = client.get(f"/api/v1/procedures/{proc.code}").json()
    assert (api["publication_decision"], api["announced_on"]) == ("1234/QĐ-UBND", "2026-03-01")


def test_a_service_call_without_the_decision_publishes_nothing(cast):
    proc = _draft(cast)
    with pytest.raises(ValidationFailed) as exc:
        services.publish_procedure(proc, actor=cast.province_admin, decision="", announced_on=None)
    assert exc.value.field == "publication_decision"
    with pytest.raises(ValidationFailed) as exc:
        services.publish_procedure(
            proc, actor=cast.province_admin, decision="12/QĐ-UBND", announced_on=None
        )
    assert exc.value.field == "announced_on"
    proc.refresh_from_db()
    assert proc.status == Procedure.Status.DRAFT


def test_an_edit_of_a_published_procedure_names_its_amending_decision(client, cast):
    proc = cast.procedure  # published, 3 working days
    before = timezone.now()
    # a person's edit without the decision changes nothing
    with pytest.raises(ValidationFailed) as exc:
        services.update_procedure(proc, actor=cast.province_admin, data={"processing_time": 5})
    assert exc.value.field == "decision"
    proc.refresh_from_db()
    assert proc.processing_time == 3 and not proc.changes.exists()
    # the editor asks for it, says so in Vietnamese and keeps what was typed
    client.force_login(cast.province_admin)
    editor = client.get(f"/catalogue/{proc.pk}/edit/").content.decode()
    assert 'name="decision"' in editor and 'name="decided_on"' in editor
    data = editor_data(
        proc,
        name="Đăng ký khai sinh",
        processing_time="5",
        time_unit="working_day",
        online_level="full",
    )
    resp = client.post(f"/catalogue/{proc.pk}/edit/", data)
    assert resp.status_code == 200
    page = resp.content.decode()
    assert 'id="id_decision_error"' in page and "Nhập số quyết định" in page
    assert 'value="Đăng ký khai sinh"' in page
    proc.refresh_from_db()
    assert proc.processing_time == 3
    resp = client.post(
        f"/catalogue/{proc.pk}/edit/",
        {**data, "decision": "55/QĐ-UBND", "decided_on": "2026-03-02"},
    )
    assert resp.status_code == 302
    proc.refresh_from_db()
    assert proc.processing_time == 5
    change = proc.changes.get(action=CatalogueChange.Action.UPDATE)
    assert change.data["decision"] == {"number": "55/QĐ-UBND", "signed_on": "2026-03-02"}
    assert change.data["processing_time"] == ["3", "5"]
    # the history says which decision brought the change
    page = client.get(f"/catalogue/{proc.pk}/").content.decode()
    assert "quyết định sửa đổi 55/QĐ-UBND ngày 02/03/2026" in page
    # and a dossier received before it keeps its terms
    assert proc.terms_on(before) == (3, "working_day")
    assert proc.terms_on(timezone.now()) == (5, "working_day")


def test_drafts_and_imports_are_edited_without_a_decision(cast):
    proc = _draft(cast)
    services.update_procedure(proc, actor=cast.province_admin, data={"processing_time": 6})
    # an import replays the national database's record as it is
    services.update_procedure(cast.procedure, actor=SYSTEM, data={"processing_time": 4})
    assert "decision" not in cast.procedure.changes.get().data


def test_the_withdrawal_page_counts_the_dossiers_still_in_progress(client, cast):
    from cchc.dossiers import services as dossiers
    from cchc.dossiers.tests.factories import counter_dossier, online_dossier

    counter_dossier(cast)
    online_dossier(cast)
    refused = online_dossier(cast, applicant="Trần Thị Bình")
    dossiers.refuse(refused, actor=cast.clerk_a, reason="Không thuộc thẩm quyền")
    proc = cast.procedure
    client.force_login(cast.province_admin)
    # the record page's button leads to the confirmation, which withdraws nothing yet
    record = client.get(f"/catalogue/{proc.pk}/").content.decode()
    assert f'href="/catalogue/{proc.pk}/withdraw/"' in record
    resp = client.get(f"/catalogue/{proc.pk}/withdraw/")
    assert resp.status_code == 200
    page = resp.content.decode()
    assert "2 hồ sơ của thủ tục này đang được giải quyết" in page
    assert "tiếp tục được giải quyết" in page
    proc.refresh_from_db()
    assert proc.status == Procedure.Status.PUBLISHED
    # no reason: said on the same page, with the count, nothing withdrawn
    resp = client.post(f"/catalogue/{proc.pk}/withdraw/", {"reason": ""})
    assert resp.status_code == 200
    assert "2 hồ sơ" in resp.content.decode() and 'id="id_reason_error"' in resp.content.decode()
    proc.refresh_from_db()
    assert proc.status == Procedure.Status.PUBLISHED
    resp = client.post(f"/catalogue/{proc.pk}/withdraw/", {"reason": "Quyết định 99/QĐ-UBND"})
    assert resp.status_code == 302
    proc.refresh_from_db()
    assert proc.status == Procedure.Status.WITHDRAWN
    # the page is not offered for a withdrawn procedure, nor to a reader
    assert client.get(f"/catalogue/{proc.pk}/withdraw/").status_code == 302
    client.force_login(cast.inspector)
    assert client.get(f"/catalogue/{proc.pk}/withdraw/").status_code == 403


def test_a_draft_is_not_withdrawn(client, cast):
    """A draft was never announced: 'withdrawing' it told the portal's visitors that a
    procedure they never saw was abolished (410 instead of 404)."""
    proc = _draft(cast)
    with pytest.raises(TransitionNotAllowed):
        services.withdraw_procedure(proc, actor=cast.province_admin, reason="Nhầm")
    client.force_login(cast.province_admin)
    record = client.get(f"/catalogue/{proc.pk}/").content.decode()
    assert f"/catalogue/{proc.pk}/withdraw/" not in record
    resp = client.post(f"/catalogue/{proc.pk}/withdraw/", {"reason": "Nhầm"}, follow=True)
    assert "chưa từng được công bố" in resp.content.decode()
    proc.refresh_from_db()
    assert proc.status == Procedure.Status.DRAFT
    assert client.get(f"/procedures/{proc.code}/").status_code == 404


def test_a_withdrawn_procedure_is_published_again_only_by_a_new_decision(client, cast):
    proc = cast.procedure
    services.update_procedure(proc, actor=SYSTEM, data={"publication_decision": "1/QĐ-UBND"})
    services.withdraw_procedure(proc, actor=cast.province_admin, reason="QĐ 9/QĐ-UBND")
    client.force_login(cast.province_admin)
    page = client.get(f"/catalogue/{proc.pk}/").content.decode()
    # the publish form is empty, not filled with the decision of the first publication
    field = re.search(r'<input[^>]*name="publication_decision"[^>]*>', page).group(0)
    assert "value=" not in field


def test_the_excel_list_names_each_procedures_publication_decision(client, cast):
    import io

    from openpyxl import load_workbook

    proc = _draft(cast)
    services.publish_procedure(
        proc, actor=cast.province_admin, decision="1234/QĐ-UBND", announced_on=dt.date(2026, 3, 1)
    )
    client.force_login(cast.province_admin)
    resp = client.get("/catalogue/export.xlsx", {"q": proc.code})
    rows = list(load_workbook(io.BytesIO(resp.content)).active.values)
    heading, row = rows[0], rows[1]
    assert row[heading.index("Quyết định công bố")] == "1234/QĐ-UBND"
    assert row[heading.index("Ngày công bố")].date() == dt.date(2026, 3, 1)


def test_the_editor_checks_a_publication_decision_typed_before_publishing(cast):
    proc = _draft(cast)
    with pytest.raises(ValidationFailed) as exc:
        services.update_procedure(
            proc, actor=cast.province_admin, data={"publication_decision": "QĐ số mười hai"}
        )
    assert exc.value.field == "publication_decision"
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        services.update_procedure(proc, actor=cast.province_admin, data={"announced_on": tomorrow})
    assert exc.value.field == "announced_on"
    services.update_procedure(
        proc, actor=cast.province_admin, data={"publication_decision": "12/qd-ubnd"}
    )
    proc.refresh_from_db()
    assert proc.publication_decision == "12/QĐ-UBND"
