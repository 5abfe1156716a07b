"""A dossier is finished with its result (domain.md §3: the result is returned and logged): a
result note or the electronic result file. "Hoàn thành xử lý" with neither was accepted
straight from "Được tiếp nhận", leaving the counter nothing to hand over."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.dossiers.models import Dossier, Status
from cchc.dossiers.tests.factories import counter_dossier
from cchc.dossiers.tests.test_api import Api
from cchc.dossiers.tests.test_views import post_action

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MESSAGE = "Vui lòng ghi kết quả"


def test_finishing_on_the_page_without_a_note_or_a_file_is_refused_in_words(client, cast):
    d = counter_dossier(cast)
    client.force_login(cast.specialist_a)
    for note in ("", "   "):
        r = post_action(client, d, "finish", {"note": note})
        assert r.status_code == 400 and MESSAGE in r.content.decode()
        d.refresh_from_db()
        assert d.status == Status.RECEIVED and not d.events.filter(action="finish").exists()


def test_a_result_note_alone_finishes(client, cast):
    d = counter_dossier(cast)
    client.force_login(cast.specialist_a)
    r = post_action(client, d, "finish", {"note": "Đã cấp giấy khai sinh số 12/2026"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.status == Status.FINISHED


def test_a_result_file_alone_finishes(client, cast):
    d = counter_dossier(cast)
    client.force_login(cast.specialist_a)
    r = client.post(
        f"/staff/dossiers/{d.code}/actions/finish/",
        {"finish-note": "", "finish-result": SimpleUploadedFile("ket-qua.pdf", PDF)},
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    d.refresh_from_db()
    assert d.status == Status.FINISHED and d.has_electronic_result


def test_the_api_asks_for_the_result_note_after_the_callers_right(client, cast):
    d = counter_dossier(cast)
    r = Api(client, cast.specialist_a).post(f"/dossiers/{d.code}/actions/finish", {})
    assert r.status_code == 400, r.content
    assert r.json()["error"]["field"] == "note" and MESSAGE in r.json()["error"]["message"]
    assert Dossier.objects.get(pk=d.pk).status == Status.RECEIVED
    # a caller who may not finish is told so, not asked for a note
    r = Api(client, cast.clerk_a).post(f"/dossiers/{d.code}/actions/finish", {})
    assert r.status_code == 403
    r = Api(client, cast.specialist_a).post(f"/dossiers/{d.code}/actions/finish", {"note": "Xong"})
    assert r.status_code == 200 and r.json()["status"] == Status.FINISHED


def test_the_service_itself_refuses_a_finish_without_a_result(cast):
    """Not only the form and the API: a script, an import or another app calling
    services.finish with neither a note nor a file is refused, and nothing is written."""
    from cchc.core.errors import NotPermitted, ValidationFailed
    from cchc.dossiers import services

    d = counter_dossier(cast)
    for note in ("", "  \n "):
        with pytest.raises(ValidationFailed) as refused:
            services.finish(d, actor=cast.specialist_a, note=note)
        assert refused.value.field == "note" and MESSAGE in refused.value.message
    d.refresh_from_db()
    assert d.status == Status.RECEIVED and not d.events.filter(action="finish").exists()
    # who may not finish is told that first
    with pytest.raises(NotPermitted):
        services.finish(d, actor=cast.clerk_a)
    assert services.finish(d, actor=cast.specialist_a, note="Đã cấp giấy phép số 7").status == (
        Status.FINISHED
    )


def test_an_api_finish_with_its_note_reads_the_dossier_once(client, cast):
    """The service asks for the result after the caller's right, so the API reads the dossier
    only under the lock (a read before it was one statement more on every finish)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    d = counter_dossier(cast)
    api = Api(client, cast.specialist_a)
    with CaptureQueriesContext(connection) as ctx:
        r = api.post(f"/dossiers/{d.code}/actions/finish", {"note": "Đã cấp giấy phép số 8"})
    assert r.status_code == 200, r.content
    reads = [q["sql"] for q in ctx.captured_queries if 'FROM "dossiers_dossier"' in q["sql"]]
    assert len(reads) == 1, reads


def test_a_claimed_electronic_result_is_refused_after_the_callers_right(client, cast):
    d = counter_dossier(cast)
    claim = {"electronic_result": True, "note": "Có bản điện tử"}
    # may see it, may not finish: told so, not told how to attach the file
    r = Api(client, cast.clerk_a).post(f"/dossiers/{d.code}/actions/finish", claim)
    assert r.status_code == 403, r.content
    # may not even see it: no such dossier
    r = Api(client, cast.clerk_b).post(f"/dossiers/{d.code}/actions/finish", claim)
    assert r.status_code == 404, r.content
    r = Api(client, cast.specialist_a).post(f"/dossiers/{d.code}/actions/finish", claim)
    assert r.status_code == 400 and r.json()["error"]["field"] == "electronic_result"
    assert Dossier.objects.get(pk=d.pk).status == Status.RECEIVED
