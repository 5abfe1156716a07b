"""One complaint's page as its leader meets it: a refused action comes back with what was
typed (it redirected to an emptied form), and the extension form is offered only while the
case has an extension left (a normal-complexity denunciation has none, so the leader typed a
reason only to be refused)."""

from __future__ import annotations

import pytest

from cchc.core.errors import TransitionNotAllowed
from cchc.feedback import complaints
from cchc.feedback.models import ComplaintStatus
from cchc.feedback.tests.factories import file_complaint

pytestmark = pytest.mark.django_db


def test_a_refused_refusal_keeps_the_reason_typed(client, cast):
    case = file_complaint(cast)
    client.force_login(cast.leader_a)
    # a whole official letter pasted as the reason: longer than the register keeps
    reason = "Đơn không đủ điều kiện thụ lý theo Điều 11 Luật Khiếu nại. " * 100
    resp = client.post(f"/feedback/complaints/{case.code}/", {"action": "refuse", "reason": reason})
    assert resp.status_code == 200  # the page again, not a redirect to an emptied form
    page = resp.content.decode()
    assert reason.strip() in page
    assert 'class="error"' in page and "5000" in page  # the refusal is said, with the limit
    case.refresh_from_db()
    assert case.status == ComplaintStatus.RECEIVED


def test_an_accepted_action_still_goes_back_to_the_page(client, cast):
    case = file_complaint(cast)
    client.force_login(cast.leader_a)
    resp = client.post(
        f"/feedback/complaints/{case.code}/", {"action": "accept", "complexity": "0"}
    )
    assert resp.status_code == 302 and resp["Location"] == f"/feedback/complaints/{case.code}/"
    case.refresh_from_db()
    assert case.status == ComplaintStatus.ACCEPTED


@pytest.mark.parametrize("complexity", ["abc", "1.5"])
def test_a_complexity_that_is_no_number_is_refused_in_vietnamese(client, cast, complexity):
    """A hand-made post: the page said Python's "invalid literal for int() with base 10"."""
    case = file_complaint(cast)
    client.force_login(cast.leader_a)
    resp = client.post(
        f"/feedback/complaints/{case.code}/",
        {"action": "accept", "complexity": complexity},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert resp.status_code == 200  # the page again, with its forms
    page = resp.content.decode()
    assert "invalid literal" not in page and "int()" not in page
    assert "Hãy chọn mức độ phức tạp" in page and 'name="complexity"' in page
    case.refresh_from_db()
    assert case.status == ComplaintStatus.RECEIVED


@pytest.mark.parametrize(("complexity", "allowed"), [(0, 0), (1, 1), (2, 2)])
def test_the_extension_form_shows_only_while_an_extension_is_left(
    client, cast, complexity, allowed
):
    case = complaints.accept_complaint(
        file_complaint(cast, kind="DENUNCIATION"), actor=cast.leader_a, complexity=complexity
    )
    client.force_login(cast.leader_a)
    for used in range(allowed + 1):
        body = client.get(f"/feedback/complaints/{case.code}/").content.decode()
        assert ('value="extend"' in body) == (used < allowed)
        assert f"{used}/{allowed}" in body or allowed == 0
        if used < allowed:
            case = complaints.extend_complaint(case, actor=cast.leader_a, reason="Phức tạp")


def test_a_complicated_complaint_is_refused_an_extension_cleanly(cast):
    """Only denunciations are extended (Law on Denunciations 2018 art. 30); a complicated
    complaint has a longer time limit instead, and no extension rule to compute one from."""
    case = complaints.accept_complaint(file_complaint(cast), actor=cast.leader_a, complexity=1)
    assert complaints.extensions_allowed(case) == 0
    with pytest.raises(TransitionNotAllowed):
        complaints.extend_complaint(case, actor=cast.leader_a, reason="Phức tạp")


def test_the_register_is_searched_without_diacritics(client, cast):
    """Staff type a complainant's name as it comes, without accents: "tran thi" found
    nothing for "Trần Thị E"."""
    wanted = file_complaint(cast, complainant_name="Trần Thị E", subject="Quyết định cưỡng chế")
    file_complaint(cast)  # Phạm Văn D, a land-recovery decision
    client.force_login(cast.leader_a)
    for q in ("tran thi", "TRẦN THỊ", "cuong che", wanted.code.lower()):
        page = client.get("/feedback/complaints/", {"q": q}).context["page"]
        assert [c.pk for c in page] == [wanted.pk], q


def test_the_cases_already_registered_get_their_search_column(cast):
    import importlib

    from django.apps import apps

    from cchc.feedback.models import Complaint

    case = file_complaint(cast, complainant_name="Trần Thị E")
    Complaint.objects.filter(pk=case.pk).update(search_text="")  # as before the column
    importlib.import_module("cchc.feedback.migrations.0006_complaint_search_text").fill(apps, None)
    assert Complaint.objects.get(pk=case.pk).search_text == f"{case.code.lower()} tran thi e " + (
        "quyet dinh thu hoi dat so 5"
    )


def test_the_register_warns_of_cases_due_within_a_week(client, cast):
    import datetime as dt

    from django.utils import timezone

    from cchc.feedback.views.complaints import DUE_SOON_DAYS

    now = timezone.now()
    soon = file_complaint(cast, at=now - dt.timedelta(days=5))  # to accept within 10 days
    file_complaint(cast, at=now)  # ten days left
    file_complaint(cast, at=now - dt.timedelta(days=60))  # already overdue: the other filter
    client.force_login(cast.leader_a)
    resp = client.get("/feedback/complaints/", {"soon": "1"})
    assert [c.pk for c in resp.context["page"]] == [soon.pk]
    assert soon.accept_due_at <= now + dt.timedelta(days=DUE_SOON_DAYS)
    assert f"Đến hạn trong {DUE_SOON_DAYS} ngày" in resp.content.decode()
    assert 'name="soon" value="1" checked' in resp.content.decode()
    assert len(client.get("/feedback/complaints/").context["page"]) == 3
