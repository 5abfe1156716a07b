"""Generates a realistic interchange bundle (interchange.md §1) for one province.

Used by `make demo` (seed_demo, ~50,000 dossiers over 12 months) and by the benchmarks
(1 million dossiers). The dossiers' histories follow the lifecycle rules: online submissions
before reception, supplement pauses (sometimes two, which is late under the 766 rule),
financial obligations, late finishes, withdrawals, stops, and open dossiers at the end.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

from cchc.core.calendar import LOCAL_TZ, WorkingCalendar
from cchc.demo.catalogue_data import DEPARTMENTS, PROCEDURES
from cchc.demo.petition_texts import petition_text
from cchc.interchange.reference import AGENCY_COLUMNS, PROCEDURE_COLUMNS

HOUR = 3600


DEFAULT_SEED = 766


def iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(LOCAL_TZ).isoformat(timespec="seconds") if moment else None


def communes(province_code: str) -> list[tuple[str, str, str]]:
    from vietnam_provinces import Ward

    wards = sorted(Ward.iter_by_province(int(province_code)), key=lambda w: int(w.code))
    return [
        (f"H26.{100 + i}", f"UBND {w.name}", f"000.{(i // 100) + 1:02d}.{i % 100:02d}.H26")
        for i, w in enumerate(wards)
    ]


def identity_codes(province_code: str = "01") -> dict[str, str]:
    """Agency code -> identity code (the V1V2V3.Z1Z2.Y1Y2.MX1X2 part of dossier codes)."""
    ids = {code: f"000.00.{int(code.split('.')[1]):02d}.H26" for code, _n, _l in DEPARTMENTS}
    ids.update({code: ident for code, _n, ident in communes(province_code)})
    return ids


def procedure_rows(rng: random.Random, commune_codes: list[str]) -> list[dict]:
    rows = []
    n = 0
    for field, (handler, names) in PROCEDURES.items():
        for name in names:
            n += 1
            level = "commune" if handler == "commune" else "province"
            time_unit = "working_day"
            days = rng.choice([1, 3, 5, 7, 10, 15, 20] if level == "province" else [1, 2, 3, 5, 10])
            if "Chứng thực" in field:
                time_unit, days = rng.choice([("same_day", 0), ("working_hour", 4)])
            has_fee = rng.random() < 0.55
            rows.append(
                {
                    "code": f"{1 if level == 'province' else 2}.{n:06d}",
                    "name": name,
                    "field": field,
                    "processing_time": days,
                    "time_unit": time_unit,
                    "online_level": rng.choices(["full", "partial", "none"], [0.45, 0.4, 0.15])[0],
                    "has_fee": 1 if has_fee else 0,
                    "paper_result": 1 if rng.random() < 0.8 else 0,
                    "agency_codes": ";".join(commune_codes) if level == "commune" else handler,
                    "valid_from": "2025-07-01",
                    "valid_to": "",
                    "_level": level,
                    "_fee": rng.choice([0, 10000, 20000, 50000, 100000, 500000]) if has_fee else 0,
                }
            )
            # a procedure "with fees" whose fee came out 0 showed "Phí/Lệ phí: Không" while
            # flagged as charging: the flag follows the amount (same draws, same bundle)
            rows[-1]["has_fee"] = 1 if rows[-1]["_fee"] else 0
    return rows


def procedure_fees(seed: int = DEFAULT_SEED, province_code: str = "01") -> dict[str, int]:
    """Procedure code -> the fee (VND) its dossiers pay in the bundle `generate(seed=…)`
    writes: procedures.csv carries only whether there is a fee (the interchange format), the
    demo seed fills the amount from here so the catalogue shows what the dossiers paid."""
    commune_codes = [c for c, _n, _i in communes(province_code)]
    return {p["code"]: p["_fee"] for p in procedure_rows(random.Random(seed), commune_codes)}


def working_moment(rng: random.Random, cal: WorkingCalendar, day: dt.date) -> dt.datetime:
    while not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    minute = rng.randint(0, 8 * 60 - 1)
    hour = 8 + minute // 60 if minute < 240 else 13 + (minute - 240) // 60
    return dt.datetime(day.year, day.month, day.day, hour, minute % 60, tzinfo=LOCAL_TZ)


def dossier_history(
    rng: random.Random, cal: WorkingCalendar, proc: dict, submitted: dt.datetime, now: dt.datetime
) -> tuple[list[tuple[int, dt.datetime]], dt.datetime | None, int]:
    """A plausible status history; stops at `now` (so recent dossiers stay open)."""
    hist: list[tuple[int, dt.datetime]] = []
    online = proc["_channel"] == 2

    def add(status: int, moment: dt.datetime) -> bool:
        if moment > now:
            return False
        hist.append((status, moment))
        return True

    t = submitted
    if online:
        add(1, t)
        t = cal.add_working_seconds(t, rng.uniform(0.2, 10) * HOUR)
        if rng.random() < 0.02:
            add(3, t)
            return hist, None, 0
    if not add(2, t):
        return hist, None, 0
    received = t
    unit = proc["time_unit"]
    legal = cal.due(received, proc["processing_time"], unit).due_at
    budget = max(cal.working_seconds_between(received, legal), HOUR)
    t = cal.add_working_seconds(t, rng.uniform(0.05, 0.6) * HOUR)
    if not add(4, t):
        return hist, legal, 0
    pause = 0.0
    supplements = 2 if rng.random() < 0.012 else (1 if rng.random() < 0.09 else 0)
    for _ in range(supplements):
        t = cal.add_working_seconds(t, rng.uniform(0.05, 0.4) * budget)
        if not add(5, t):
            return hist, legal, 0
        wait = rng.uniform(2, 60) * HOUR
        t = cal.add_working_seconds(t, wait)
        pause += wait
        if rng.random() < 0.03:  # never came back: stopped
            add(8, t)
            return hist, legal, 0
        if not add(4, t):
            return hist, legal, 0
    fee = proc["_fee"]
    if fee and rng.random() < 0.3:
        t = cal.add_working_seconds(t, rng.uniform(0.05, 0.2) * budget)
        if not add(6, t):
            return hist, legal, fee
        t = cal.add_working_seconds(t, rng.uniform(1, 24) * HOUR)
        if not add(4, t):
            return hist, legal, fee
    roll = rng.random()
    if roll < 0.008:
        add(7, cal.add_working_seconds(t, rng.uniform(1, 20) * HOUR))
        return hist, legal, fee
    if roll < 0.012:
        add(8, cal.add_working_seconds(t, rng.uniform(1, 20) * HOUR))
        return hist, legal, fee
    late = rng.random() < proc["_late_rate"]
    if late:
        target = legal + dt.timedelta(seconds=pause)
        finish = cal.add_working_seconds(target, rng.uniform(1, 40) * HOUR)
    else:
        spent = cal.working_seconds_between(received, t) - pause
        left = max(budget - spent, 600)
        finish = cal.add_working_seconds(t, rng.uniform(0.1, 0.98) * left)
    if not add(9, max(finish, t + dt.timedelta(minutes=5))):
        return hist, legal, fee
    t = hist[-1][1]
    add(10, cal.add_working_seconds(t, rng.uniform(0.5, 30) * HOUR))
    return hist, legal, fee


def generate(
    out: Path,
    *,
    dossiers: int,
    petitions: int = 0,
    seed: int = DEFAULT_SEED,
    end: dt.datetime | None = None,
    months: int = 12,
    province_code: str = "01",
    document_flags: bool = True,
) -> dict[str, int]:
    """Write agencies.csv, procedures.csv, dossiers.jsonl (and petitions.jsonl) into `out`.

    `document_flags`: the 766 flags of the dossiers' documents (HoSoCoThanhPhanSoHoa,
    CoKetQuaDienTu, TaiSuDungDuLieuSoHoa). True draws them at random, as a previous system
    would report them (benchmarks: realistic counts for the index); False writes 0, because
    the bundle carries no documents: the demo seed then creates the records and derives the
    flags from them (issue 16). The same random draws are made either way, so every other
    value of the bundle is identical."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    cal = WorkingCalendar()
    end = end or dt.datetime.now(LOCAL_TZ)
    start = end - dt.timedelta(days=round(months * 30.44))
    commune_rows = communes(province_code)
    commune_codes = [c for c, _n, _i in commune_rows]

    with open(out / "agencies.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(AGENCY_COLUMNS)
        for code, name, level in DEPARTMENTS:
            group = {
                "PROVINCE_AGENCY": "Sở, ban, ngành",
                "CENTRAL_AGENCY": "Cơ quan ngành dọc",
                "PROVINCE_CENTRE": "Trung tâm phục vụ hành chính công",
            }[level]
            w.writerow([code, name, level, "", group, province_code, "2025-07-01", "", ""])
        for code, name, _ident in commune_rows:
            w.writerow(
                [code, name, "COMMUNE", "", "Xã, phường", province_code, "2025-07-01", "", ""]
            )
        # a pre-2025 district merged into communes: old dossiers and rankings still resolve
        w.writerow(
            [
                "H26.DS",
                "UBND huyện Sóc Sơn (cũ)",
                "DISTRICT",
                "",
                "Quận, huyện (cũ)",
                province_code,
                "2008-08-01",
                "2025-06-30",
                ";".join(commune_codes[-3:]),
            ]
        )

    procs = procedure_rows(rng, commune_codes)
    with open(out / "procedures.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        cols = PROCEDURE_COLUMNS
        w.writerow(cols)
        for p in procs:
            w.writerow([p[c] for c in cols])

    # agencies differ in quality so rankings have something to show
    agency_late = {
        c: rng.choice([0.02, 0.05, 0.08, 0.12, 0.2, 0.35])
        for c in commune_codes + [d[0] for d in DEPARTMENTS]
    }
    weights = [rng.paretovariate(1.2) for _ in procs]
    # synchronised to the national portal (DongBoDVCQG, the 766 index's DOSSIER_SYNC: 6
    # points), each unit at its own rate; absent, every unit scored 0 there. Drawn from a
    # generator of its own, so every other value of the bundle is what it was.
    sync_rng = random.Random(f"{seed}-sync")
    agency_sync = {c: sync_rng.choice([0.82, 0.9, 0.95, 0.98, 1.0]) for c in agency_late}
    ids = identity_codes(province_code)
    seq: dict[tuple[str, dt.date], int] = {}
    span = (end - start).total_seconds()
    written = 0
    with open(out / "dossiers.jsonl", "w", encoding="utf-8") as fh:
        for proc in rng.choices(procs, weights, k=dossiers):
            agency = (
                rng.choice(commune_codes) if proc["_level"] == "commune" else proc["agency_codes"]
            )
            online_share = {"full": 0.65, "partial": 0.35, "none": 0.0}[proc["online_level"]]
            channel = 2 if rng.random() < online_share else (3 if rng.random() < 0.04 else 1)
            proc["_channel"] = channel
            proc["_late_rate"] = agency_late[agency]
            day = (start + dt.timedelta(seconds=rng.uniform(0, span))).date()
            submitted = working_moment(rng, cal, day)
            if submitted > end:
                continue
            hist, legal, fee = dossier_history(rng, cal, proc, submitted, end)
            if not hist:
                continue
            local_day = submitted.date()
            key = (agency, local_day)
            seq[key] = seq.get(key, 0) + 1
            code = f"{ids[agency]}-{local_day:%y%m%d}-{seq[key]:04d}"
            statuses = [s for s, _t in hist]
            ended = next((t for s, t in hist if s in (9, 10, 8, 3, 7)), None)
            finished = next((t for s, t in hist if s == 9), None)
            returned = next((t for s, t in hist if s == 10), None)
            rated = 10 in statuses and rng.random() < 0.35
            record = {
                "MaHoSo": code,
                "MaTTHC": proc["code"],
                "MaDonViTiepNhan": agency,
                "MaDonViXuLy": agency,
                "KenhThucHien": channel,
                "NgayNopHoSo": iso(submitted),
                "NgayTiepNhan": iso(next((t for s, t in hist if s == 2), None)),
                "NgayHenTra": iso(legal),
                "NgayKetThucXuLy": iso(finished or ended),
                "NgayTraKetQua": iso(returned),
                "TrangThaiHoSo": statuses[-1],
                "DuocThanhToanTrucTuyen": (
                    rng.choice([1, 2]) if fee and channel == 2 and rng.random() < 0.6 else 0
                ),
                "PhiLePhi": fee,
                "HoSoCoThanhPhanSoHoa": int(rng.random() < 0.75 and document_flags),
                "CoKetQuaDienTu": int(finished is not None and rng.random() < 0.55)
                * document_flags,
                "TaiSuDungDuLieuSoHoa": int(rng.random() < 0.2 and document_flags),
                "DongBoDVCQG": int(sync_rng.random() < agency_sync[agency]),
                "DanhGia": rng.choices([5, 4, 3, 2, 1], [0.55, 0.3, 0.08, 0.04, 0.03])[0]
                if rated
                else None,
                "LichSu": [
                    {"TrangThai": s, "ThoiDiem": iso(t), "DonVi": agency, "GhiChu": ""}
                    for s, t in hist
                ],
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += 1

    made_petitions = 0
    if petitions:
        made_petitions = _petitions(
            out, rng, cal, petitions, start, end, commune_codes + [d[0] for d in DEPARTMENTS[:17]]
        )
    return {
        "agencies": len(DEPARTMENTS) + len(commune_rows) + 1,
        "procedures": len(procs),
        "dossiers": written,
        "petitions": made_petitions,
    }


def _petitions(
    out: Path,
    rng: random.Random,
    cal: WorkingCalendar,
    n: int,
    start: dt.datetime,
    end: dt.datetime,
    agencies: list[str],
) -> int:
    span = (end - start).total_seconds()
    count = 0
    with open(out / "petitions.jsonl", "w", encoding="utf-8") as fh:
        for i in range(n):
            received = working_moment(
                rng, cal, (start + dt.timedelta(seconds=rng.uniform(0, span))).date()
            )
            if received > end:
                continue
            due = cal.add_working_seconds(received, 15 * 8 * HOUR)
            handled = cal.add_working_seconds(received, rng.uniform(1, 20) * 8 * HOUR)
            handled = handled if handled <= end else None
            published = (
                cal.add_working_seconds(handled, rng.uniform(1, 16) * HOUR) if handled else None
            )
            published = published if published and published <= end else None
            likes, dislikes = (rng.randint(0, 6), rng.randint(0, 3)) if published else (0, 0)
            category = rng.choices(["TTHC", "CANBO", "KHAC"], [0.6, 0.15, 0.25])[0]
            row = {
                "Ma": f"PA-{received.year}-{i + 1:06d}",
                "MaDonVi": rng.choice(agencies),
                "LoaiPhanAnh": category,
                "Kenh": rng.choices(
                    ["WEB", "OPEN311", "HOTLINE", "COUNTER", "MAIL"], [0.5, 0.05, 0.3, 0.1, 0.05]
                )[0],
                "NgayTiepNhan": iso(received),
                "HanXuLy": iso(due),
                "NgayXuLyXong": iso(handled),
                "NgayCongKhai": iso(published),
                "TrangThai": "DA_CONG_KHAI"
                if published
                else ("DA_XU_LY" if handled else "DANG_XU_LY"),
                "MaHoSo": None,
                "SoThich": likes,
                "SoKhongThich": dislikes,
                **petition_text(rng, category, answered=handled is not None),
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count
