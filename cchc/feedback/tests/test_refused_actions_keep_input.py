"""A refused handling action comes back with what was typed: it redirected to the page with
the form emptied, so a transfer's reason or a long answer had to be typed again."""

from __future__ import annotations

import pytest

from cchc.feedback.models import Petition
from cchc.feedback.tests.factories import file

pytestmark = pytest.mark.django_db

REASON = "Nội dung thuộc thẩm quyền của Sở Xây dựng theo Quyết định phân cấp số 12/QĐ-UBND"


def test_a_transfer_without_its_agency_keeps_the_reason_typed(client, cast):
    p = file(cast.agency_a)
    client.force_login(cast.leader_a)
    resp = client.post(f"/feedback/staff/{p.code}/transfer/", {"agency": "", "reason": REASON})
    page = resp.content.decode()
    assert resp.status_code == 200  # the page again, not a redirect to an emptied form
    assert REASON in page and 'id="id_agency"' in page
    assert "Hãy chọn cơ quan và nêu lý do." in page  # the refusal is said
    p.refresh_from_db()
    assert p.agency == cast.agency_a


def test_a_refused_rejection_keeps_its_reason_and_an_accepted_action_still_redirects(client, cast):
    p = file(cast.agency_a)
    client.force_login(cast.leader_a)
    resp = client.post(f"/feedback/staff/{p.code}/note/", {"text": "Đã gọi lại cho người gửi"})
    assert resp.status_code == 302 and resp["Location"] == f"/feedback/staff/{p.code}/"
    refused = client.post(f"/feedback/staff/{p.code}/reject/", {"reason": "   "})
    assert refused.status_code == 200 and "Location" not in refused
    assert Petition.objects.get(pk=p.pk).status == p.status
