"""A count of one reads as Vietnamese says it: the reform catalogue has two plural forms
(Vietnamese nouns have none, but "Đồng ý tất cả 1 điều chỉnh" reads oddly for a single
adjustment), so the leader accepting one adjustment reads "Đồng ý điều chỉnh này"."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from cchc.reform import appraisal
from cchc.reform.tests.helpers import appraisal_team, build_template, submitted

pytestmark = pytest.mark.django_db


def _asked(cast, adjusted):  # type: ignore[no-untyped-def]
    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    a = submitted(cast, t)
    for code, score in adjusted:
        appraisal.appraise(a, code, actor=chair, score=score, comment="Thiếu văn bản")
    return appraisal.request_explanation(a, actor=chair)


def test_one_adjustment_is_accepted_as_this_adjustment_not_all_one(client, cast):
    a = _asked(cast, [("1.1.1", 6)])
    client.force_login(cast.leader_b)
    page = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    assert "Đồng ý điều chỉnh này, không giải trình" in page
    assert "Xác nhận: đồng ý điều chỉnh này" in page
    assert "tất cả 1" not in page
    client.force_login(cast.specialist_b)
    page = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    assert "Nếu đơn vị đồng ý với điều chỉnh này" in page
    assert "cả 1 điều chỉnh" not in page and "tất cả 1" not in page
    client.force_login(cast.leader_b)
    r = client.post(
        reverse("reform:assessment_action", args=[a.pk]),
        {"action": "accept_all", "confirmed": ["1.1.1"]},
        follow=True,
    )
    assert "Đã đồng ý điều chỉnh 1.1.1." in r.content.decode()


def test_two_adjustments_are_accepted_all_at_once(client, cast):
    a = _asked(cast, [("1.1.1", 6), ("1.1.2", 15)])
    client.force_login(cast.leader_b)
    page = client.get(reverse("reform:assessment", args=[a.pk])).content.decode()
    assert "Đồng ý tất cả 2 điều chỉnh, không giải trình" in page
    assert "Xác nhận: đồng ý 2 điều chỉnh" in page


def test_the_other_counts_of_the_app_read_right_for_one_and_many():
    with translation.override("vi"):
        assert ngettext("%(n)s change", "%(n)s changes", 1) % {"n": 1} == "1 thay đổi"
        assert ngettext("%(n)s change", "%(n)s changes", 3) % {"n": 3} == "3 thay đổi"
        one = ngettext(
            "Publish without waiting for the %(n)s unfinished unit: units without a submitted "
            "self-assessment get no result, self scores not yet appraised are frozen as they "
            "are.",
            "Publish without waiting for the %(n)s unfinished units: units without a submitted "
            "self-assessment get no result, self scores not yet appraised are frozen as they "
            "are.",
            1,
        )
        assert one.startswith("Công bố không chờ đơn vị chưa hoàn thành")
