"""Build a small published template through the services (as Home Affairs does in the UI)."""

from __future__ import annotations

import re

from cchc.core.actors import SYSTEM
from cchc.indices.measures import Measure
from cchc.reform import appraisal, assessments, criteria
from cchc.testing import UserFactory

NODES = [
    # code, parent, kind, max, method
    ("1", None, "field", 30, ""),
    ("1.1", "1", "criterion", 30, ""),
    ("1.1.1", "1.1", "subcriterion", 10, "self"),
    ("1.1.2", "1.1", "subcriterion", 20, "computed"),
    ("2", None, "field", 20, ""),
    ("2.1", "2", "criterion", 20, ""),
    ("2.1.1", "2.1", "subcriterion", 20, "survey"),
]


def save_nodes(t, nodes):  # type: ignore[no-untyped-def]
    """Save each (code, parent, kind, max, method) of `nodes` in the draft template `t`; a
    computed node measures the online share, full marks at 80 %."""
    for c, parent, kind, maxp, method in nodes:
        criteria.save_node(
            t,
            actor=SYSTEM,
            code=c,
            parent_code=parent,
            kind=kind,
            name=f"Nội dung {c}",
            max_points=maxp,
            method=method,
            measure="online_share" if method == "computed" else "",
            measure_rule={"full_at": 80} if method == "computed" else {},
        )


def build_template(code="T-2026", year=2026, publish=True, **kw):  # type: ignore[no-untyped-def]
    t = criteria.create_template(actor=SYSTEM, code=code, year=year, name=f"Mẫu {code}", **kw)
    save_nodes(t, NODES)
    if publish:
        t = criteria.publish_template(t, actor=SYSTEM)
    return t


def appraisal_team(t, agency, **chair_fields):  # type: ignore[no-untyped-def]
    """A one-person appraisal team of template `t` for `agency`: its chair (returned)."""
    chair = UserFactory(username="chair", **chair_fields)
    appraisal.create_team(t, actor=SYSTEM, name="Tổ 1", chair=chair, members=[], agencies=[agency])
    return chair


def fake_online_share(*, agency_code, period):  # type: ignore[no-untyped-def]
    return Measure(
        name="online_share",
        label="Tỷ lệ hồ sơ trực tuyến",
        agency_code=agency_code,
        period=period,
        numerator=60,
        denominator=100,
        value=60.0,
        evidence_url=f"/indices/evidence/{agency_code}/ONLINE_DOSSIERS/?period={period}",
        source="qd766:ONLINE_DOSSIERS",
    )


def fake_sipas(*, agency_code, period):  # type: ignore[no-untyped-def]
    value = 90.0 if agency_code == "H26.01" else None
    return Measure(
        name="sipas",
        label="SIPAS",
        agency_code=agency_code,
        period=period,
        numerator=None,
        denominator=None,
        value=value,
        source="sipas:test",
    )


def scored_and_submitted(t, agency, specialist, leader, first=8, second=18):  # type: ignore[no-untyped-def]
    """`agency`'s self-assessment under `t`: criteria 1.1.1 and 1.1.2 scored by `specialist`
    (`first`, `second`), submitted by `leader`."""
    a = assessments.open_assessment(t, agency, actor=specialist)
    assessments.set_self_score(a, "1.1.1", actor=specialist, score=first, explanation="Có")
    assessments.set_self_score(a, "1.1.2", actor=specialist, score=second, explanation="Tự")
    return assessments.submit(a, actor=leader)


def submitted(cast, t):  # type: ignore[no-untyped-def]
    """Agency B's self-assessment under `t`, two criteria scored (8 and 18), submitted."""
    return scored_and_submitted(t, cast.agency_b, cast.specialist_b, cast.leader_b)


def adjusted(cast):  # type: ignore[no-untyped-def]
    """Agency B's submitted self-assessment with one score (1.1.1) adjusted by the chair of its
    appraisal team: (chair, assessment), ready to ask the unit for its answers."""
    t = build_template()
    chair = appraisal_team(t, cast.agency_b)
    a = submitted(cast, t)
    appraisal.appraise(a, "1.1.1", actor=chair, score=6, comment="Thiếu văn bản")
    return chair, a


def history_rows(html: str) -> list[str]:
    """The rows of a sheet page's history table (id="history"), as HTML."""
    table = html.split('id="history"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td>.*?</tr>", table, flags=re.S)
