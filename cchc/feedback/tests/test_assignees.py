"""The leader names who handles a petition from the people who can answer it. The list offered
every handler of the agency by bare name, the counter clerk first and preselected: a leader who
pressed "Assign" without looking gave the petition to the clerk, who cannot answer it, and it
sat in "Assigned to me" of someone with no answer form."""

from __future__ import annotations

import re

import pytest

from cchc.core.errors import ValidationFailed
from cchc.feedback import petitions
from cchc.feedback.tests.factories import file
from cchc.testing import client_for

pytestmark = pytest.mark.django_db


def assign_options(body: str) -> list[str]:
    select = re.search(r'<select name="assignee" id="assign-select".*?</select>', body, re.S)
    assert select is not None
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0))


def test_the_leader_chooses_among_those_who_can_answer_each_with_the_role(cast):
    p = file(cast.agency_a)
    body = client_for(cast.leader_a).get(f"/feedback/staff/{p.code}/").content.decode()
    options = assign_options(body)
    assert options[0] == "Chọn người xử lý"  # nobody is preselected
    assert "Specialist A — Chuyên viên" in options
    assert not [o for o in options if cast.clerk_a.display_name in o]
    assert re.search(r'<option value=""\s+selected>', body)


def test_a_clerk_is_refused_as_assignee_with_a_reason(cast):
    p = file(cast.agency_a)
    with pytest.raises(ValidationFailed) as refused:
        petitions.assign(p, actor=cast.leader_a, assignee=cast.clerk_a)
    assert refused.value.field == "assignee"
    page = client_for(cast.leader_a).post(
        f"/feedback/staff/{p.code}/assign/", {"assignee": cast.clerk_a.pk}, follow=True
    )
    assert "chỉ họ mới trả lời được phản ánh" in page.content.decode()
    p.refresh_from_db()
    assert p.assignee is None
