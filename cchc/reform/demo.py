"""Generated PAR INDEX data for the demo and the benchmark: a template shaped like Decision
876/QĐ-BNV (8 fields; the last one survey-scored; bonus and penalty under a field of 0) and
realistic scores per unit, written as the bundle files of interchange.md §6 and loaded
through the bundle importer, so the demo exercises the same path as a province's import.

`seed(stdout)` (called by `seed_demo`) leaves a finished, published year and an open one:
    last year  — every unit scored, appraised, results published;
    this year  — template published, deadline in a month; Sở Tư pháp part-way through its
                 self-assessment, Ba Đình submitted, appraised and asked to answer the
                 appraisal's adjustments (the answer round).
"""

from __future__ import annotations

import csv
import io
import random
import tempfile
from pathlib import Path
from typing import Any

from cchc.reform.bundle import (
    NODE_COLUMNS,
    NODES,
    SCORE_COLUMNS,
    SCORES,
    TEMPLATE_COLUMNS,
    TEMPLATES,
)

FIELDS = [
    ("Công tác chỉ đạo, điều hành cải cách hành chính", 10),
    ("Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật", 8),
    ("Cải cách thủ tục hành chính", 14),
    ("Cải cách tổ chức bộ máy hành chính nhà nước", 8),
    ("Cải cách chế độ công vụ", 10),
    ("Cải cách tài chính công", 8),
    ("Xây dựng và phát triển chính quyền điện tử, chính quyền số", 12),
    ("Tác động của cải cách hành chính (điều tra xã hội học)", 30),
]


def template_rows(code: str, leaves_per_criterion: int = 3, criteria_per_field: int = 4):  # type: ignore[no-untyped-def]
    """par_nodes.csv rows: 8 fields × criteria × sub-criteria (+ bonus/penalty)."""
    rows: list[list[Any]] = []
    for f, (fname, fmax) in enumerate(FIELDS, start=1):
        survey = f == len(FIELDS)
        rows.append([code, str(f), "", "field", fname, fmax, ""])
        n_crit = 2 if survey else criteria_per_field
        per_crit = _split(fmax, n_crit)
        for c in range(1, n_crit + 1):
            ccode = f"{f}.{c}"
            rows.append(
                [code, ccode, str(f), "criterion", f"{fname}: tiêu chí {c}", per_crit[c - 1], ""]
            )
            per_leaf = _split(per_crit[c - 1], leaves_per_criterion)
            for s in range(1, leaves_per_criterion + 1):
                rows.append(
                    [
                        code,
                        f"{ccode}.{s}",
                        ccode,
                        "subcriterion",
                        f"Tiêu chí thành phần {ccode}.{s}",
                        per_leaf[s - 1],
                        "survey" if survey else "self",
                    ]
                )
    rows.append([code, "9", "", "field", "Điểm thưởng, điểm trừ", 0, ""])
    rows.append(
        [code, "9.1", "9", "subcriterion", "Sáng kiến, mô hình mới được công nhận", 2, "bonus"]
    )
    rows.append([code, "9.2", "9", "subcriterion", "Vi phạm, chậm báo cáo", 3, "penalty"])
    return rows


def _split(total: float, parts: int) -> list[float]:
    """`total` in `parts` numbers of 2 decimals that add up exactly."""
    cents = round(total * 100)
    base, extra = divmod(cents, parts)
    return [(base + (1 if i < extra else 0)) / 100 for i in range(parts)]


def score_rows(
    code: str, nodes: list[list[Any]], agency_codes: list[str], seed: int
) -> list[list[Any]]:
    rng = random.Random(seed)
    out = []
    for agency in agency_codes:
        strength = rng.uniform(0.72, 0.97)
        for _t, ncode, _p, kind, _n, maxp, method in nodes:
            if kind == "field" or not method or (kind == "criterion"):
                continue
            maxp = float(maxp)
            value: float
            if method == "bonus":
                value = rng.choice([0, 0, 0, 1, 2])
                out.append([code, agency, ncode, value, value, ""])
            elif method == "penalty":
                value = rng.choice([0, 0, 0, 0.5, 1])
                out.append([code, agency, ncode, value, value, ""])
            elif method == "survey":
                out.append([code, agency, ncode, "", "", round(maxp * rng.uniform(0.78, 0.95), 2)])
            else:
                self_score = round(maxp * min(1.0, strength + rng.uniform(-0.1, 0.12)), 2)
                appraised = self_score if rng.random() < 0.8 else round(self_score * 0.8, 2)
                out.append([code, agency, ncode, self_score, appraised, ""])
    return out


# the items the demo's appraisal adjusts on Ba Đình's sheet, with the reason it gives
DEMO_ADJUSTMENTS = (
    ("1.1.1", "Kế hoạch CCHC năm ban hành sau thời hạn quy định; trừ một nửa số điểm."),
    ("3.2.1", "Chưa có văn bản chứng minh việc công khai thủ tục tại bộ phận một cửa."),
    ("7.1.2", "Tỷ lệ hồ sơ trực tuyến theo hệ thống thấp hơn số đơn vị tự báo cáo."),
)


def _to_answer_round(sheet: Any, *, leader: Any, member: Any, chair: Any) -> None:
    """Ba Đình's sheet of the open year taken through its stages to the answer round: its
    leader submits it, the appraisal accepts every score but DEMO_ADJUSTMENTS, which it
    halves with a reason, and the team's chair asks the unit to answer them by the default
    last day. The unit's specialist and leader then answer in the demo, and the chair
    finalises once they have (or once the last day has passed)."""
    from cchc.reform import appraisal, assessments
    from cchc.reform.models import Method

    assessments.submit(sheet, actor=leader)
    reasons = dict(DEMO_ADJUSTMENTS)
    for row in sheet.scores.select_related("node").filter(node__method=Method.SELF):
        if row.node.code in reasons:
            appraisal.appraise(
                sheet,
                row.node.code,
                actor=member,
                score=round(float(row.self_score) / 2, 2),
                comment=reasons[row.node.code],
            )
        else:
            appraisal.appraise(sheet, row.node.code, actor=member, accept=True)
    appraisal.request_explanation(sheet, actor=chair)


def write_bundle(directory: Path, templates: list[list[Any]], nodes, scores) -> None:  # type: ignore[no-untyped-def]
    def w(name: str, header: list[str], rows) -> None:  # type: ignore[no-untyped-def]
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        (directory / name).write_text(buf.getvalue(), encoding="utf-8")

    w(TEMPLATES, list(TEMPLATE_COLUMNS), templates)
    w(NODES, list(NODE_COLUMNS), nodes)
    if scores is not None:
        w(SCORES, list(SCORE_COLUMNS), scores)


def seed(stdout: Any = None) -> None:
    import datetime as dt

    from django.utils import timezone

    from cchc.accounts.models import User
    from cchc.agencies.models import Agency
    from cchc.core.actors import SYSTEM
    from cchc.interchange.services import import_bundle
    from cchc.reform import appraisal, assessments, criteria, publishing
    from cchc.reform.models import Assessment, Template

    this_year = timezone.localdate().year
    last_year = this_year - 1
    if Template.objects.filter(code=f"PAR-{this_year}").exists():
        return
    agencies = list(
        Agency.objects.filter(province_code="01", valid_to__isnull=True).order_by("code")
    )
    codes = [a.code for a in agencies][:80]
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        last_nodes = template_rows(f"PAR-{last_year}")
        this_nodes = template_rows(f"PAR-{this_year}")
        write_bundle(
            d,
            [
                [f"PAR-{last_year}", last_year, f"Bộ chỉ số CCHC năm {last_year}", 1],
                [f"PAR-{this_year}", this_year, f"Bộ chỉ số CCHC năm {this_year}", 1],
            ],
            last_nodes + this_nodes,
            score_rows(f"PAR-{last_year}", last_nodes, codes, seed=last_year),
        )
        for result in import_bundle(d, initiated_by="seed_demo"):
            if stdout is not None:
                stdout.write(result.summary())
    if codes:
        # last year: 80 units imported as appraised; the others never took part
        publishing.publish_results(last_year, actor=SYSTEM, confirm_incomplete=True)
    t = Template.objects.get(code=f"PAR-{this_year}")
    # a deadline is the end of a local working day, not the instant the demo was seeded
    last_day = timezone.localdate() + dt.timedelta(days=30)
    deadline = timezone.make_aware(dt.datetime.combine(last_day, dt.time(23, 59)))
    criteria.set_deadline(t, actor=SYSTEM, deadline=deadline)
    # the open year: Sở Tư pháp part-way through its self-assessment; Ba Đình further on
    # (below), so the demo shows each stage a unit's sheet goes through
    sheets: dict[str, Assessment] = {}
    for agency_code, username in (
        ("H26.01", "chuyenvien.tuphap"),
        ("H26.100", "chuyenvien.badinh"),
    ):
        agency = Agency.objects.filter(code=agency_code).first()
        user = User.objects.filter(username=username).first()
        if agency is None or user is None:
            continue
        a = assessments.open_assessment(t, agency, actor=user)
        sheets[agency_code] = a
        rng = random.Random(agency_code)
        rows = a.scores.select_related("node").filter(node__method="self").order_by("node__order")
        # Ba Đình scores every item (it is submitted below); Sở Tư pháp the first twelve
        for row in rows if agency_code == "H26.100" else rows[:12]:
            assessments.set_self_score(
                a,
                row.node.code,
                actor=user,
                score=round(float(row.node.max_points) * rng.uniform(0.7, 1.0), 2),
                explanation="Đã thực hiện theo kế hoạch; văn bản đang được số hóa.",
            )
    sonoivu = User.objects.filter(username="sonoivu").first()
    if sonoivu is not None and agencies:
        chair = User.objects.filter(username="thanhtra").first() or sonoivu
        appraisal.create_team(
            t,
            actor=SYSTEM,
            name="Tổ thẩm định số 1",
            chair=chair,
            members=[sonoivu],
            agencies=[a for a in agencies if a.code in ("H26.01", "H26.100")],
        )
        leader = User.objects.filter(username="lanhdao.badinh").first()
        if "H26.100" in sheets and leader is not None:
            _to_answer_round(sheets["H26.100"], leader=leader, member=sonoivu, chair=chair)
    if stdout is not None:
        stdout.write(
            f"PAR INDEX: {last_year} published for {len(codes)} units, {this_year} open "
            f"({Assessment.objects.filter(template=t).count()} self-assessments started)."
        )
