"""The task form's lead unit (and an inspection's unit) among the province's 52 and more: a
leader picks it by name from lists grouped by level (departments, the service centre,
communes), not from one list ordered by code; the unit picked is still the one saved."""

from __future__ import annotations

import re
import typing

import pytest

from cchc.agencies.models import Agency
from cchc.plans.forms import FindingForm, InspectionForm, TaskForm
from cchc.testing import AgencyFactory

pytestmark = pytest.mark.django_db


def _groups(html: str) -> dict[str, list[str]]:
    """optgroup label -> the names of its options, in order."""
    return {
        label: re.findall(r"<option[^>]*>([^<]+)</option>", body)
        for label, body in re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', html, re.S)
    }


def test_units_are_grouped_by_level_and_listed_by_name(cast):
    AgencyFactory(code="H26.001", name="UBND xã Yên Thế", level="COMMUNE")
    AgencyFactory(code="H26.002", name="UBND phường An Khê", level="COMMUNE")
    health = typing.cast(Agency, AgencyFactory(code="H26.003", name="Sở Y tế"))
    html = str(TaskForm()["lead_agency"])
    groups = _groups(html)
    communes = groups["UBND cấp xã"]
    assert communes == sorted(communes) and {"UBND xã Yên Thế", "UBND phường An Khê"} <= set(
        communes
    )
    assert "Sở Y tế" in groups["Sở, ban, ngành cấp tỉnh"]
    assert not set(communes) & set(groups["Sở, ban, ngành cấp tỉnh"])
    # the filter box above the list stays
    assert "data-filterable" in html
    # the inspection's and the finding's unit lists are grouped alike
    assert "UBND cấp xã" in _groups(str(InspectionForm()["agency"]))
    assert "UBND cấp xã" in _groups(str(FindingForm()["agency"]))

    form = TaskForm({"lead_agency": str(health.pk)})
    form.is_valid()
    assert "lead_agency" not in form.errors and form.cleaned_data["lead_agency"] == health


def test_the_inspector_ticks_the_other_members_of_the_team_by_name(cast):
    """Scheduling an inspection, the inspector picks the other members of the inspection
    team from those who may inspect, by name; the team was the inspector alone before."""
    from cchc.accounts.models import User
    from cchc.plans.inspection_models import Inspection
    from cchc.testing import UserFactory, client_for

    colleague = typing.cast(
        User, UserFactory(username="thanhtra2", full_name="Lê Văn Tra", kind=User.Kind.INSPECTOR)
    )
    c = client_for(cast.inspector)
    html = c.get("/plans/kiem-tra/moi/").content.decode()
    team = html.split('id="id_team"')[1].split("</div>\n</div>")[0]
    assert "Lê Văn Tra" in team and cast.province_admin.display_name in team
    # who schedules is in the team already; staff of a unit do not inspect
    assert cast.inspector.display_name not in team and cast.leader_a.display_name not in team

    typed = {
        "agency": cast.agency_a.pk,
        "scheduled_on": "2026-11-20",
        "checklist": "Niêm yết TTHC",
        "team": [colleague.pk],
    }
    assert c.post("/plans/kiem-tra/moi/", typed).status_code == 302
    assert set(Inspection.objects.get().team.all()) == {cast.inspector, colleague}
