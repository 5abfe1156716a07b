"""SIPAS on PostgreSQL: the index of one campaign, and simultaneous online submissions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_surveys_bench \
        BENCH_RESPONSES=100000 BENCH_UNITS=180 .venv/bin/python bench/bench_surveys.py

1. Data: one open campaign over BENCH_UNITS units with BENCH_RESPONSES questionnaires of
   the 39 scored items (plus two profile items), answers drawn per unit around its own
   level with "don't know" and blank forms. The rows are bulk-inserted (the data is the
   input of the measurement, not what is measured). BENCH_KEEP=1 reuses a loaded database.
2. Index: `campaign_results(campaign)` (what the results page, publication and
   compute_indices run), BENCH_REPEAT (3) times; target < 2 s.
3. Submissions: BENCH_CLIENTS (200) respondents submit at the same moment, each once more
   with the same form key (a double click), through `collection.submit_open`, served by
   BENCH_WORKERS (16) threads with a database connection each, as a server's workers would
   (this PostgreSQL allows 100 connections shared by every helper, so 200 connections are
   refused). Latency counts from the common start, so it includes the wait for a worker.
   Checks: exactly one response per respondent, none lost; reports p50/p95.
Writes bench/results/surveys.json.
"""

from __future__ import annotations

import os
import random
import statistics
import threading
import time

from common import percentile, prepare_database, setup_django, write_result

N = int(os.environ.get("BENCH_RESPONSES", "100000"))
UNITS = int(os.environ.get("BENCH_UNITS", "180"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "200"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "16"))
KEEP = os.environ.get("BENCH_KEEP") == "1"


def load() -> dict:
    import datetime as dt

    from django.utils import timezone

    from cchc.agencies.models import Agency
    from cchc.core.actors import SYSTEM
    from cchc.surveys import services
    from cchc.surveys.models import Campaign, Questionnaire, Response

    campaign = Campaign.objects.filter(code="BENCH").first()
    if campaign is not None and campaign.responses.count() >= N:
        return {"loaded_s": 0.0, "reused": True}
    t0 = time.perf_counter()
    agencies = [
        Agency.objects.get_or_create(
            code=f"BENCH.{i:03d}",
            defaults={"name": f"Đơn vị {i}", "level": "COMMUNE", "province_code": "01"},
        )[0]
        for i in range(UNITS)
    ]
    questionnaire = Questionnaire.objects.get(code="sipas-2023-xa", version=1)
    Campaign.objects.filter(code="BENCH").delete()
    campaign = services.create_campaign(
        code="BENCH",
        name="Bench",
        questionnaire=questionnaire,
        province_code="01",
        period="2026",
        date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 12, 31),
        agencies=agencies,
        actor=SYSTEM,
    )
    services.open_campaign(campaign, actor=SYSTEM)
    scored = list(
        questionnaire.method.items.filter(kind="satisfaction").values_list("code", flat=True)
    )
    from cchc.surveys.methods import MethodSpec

    spec = MethodSpec.load(questionnaire.method)
    rng = random.Random(13)
    levels = [rng.uniform(0.6, 0.95) for _ in agencies]
    now = timezone.now()
    batch = []
    for k in range(N):
        u = k % UNITS
        answers = {}
        blank = rng.random() < 0.03
        for code in scored:
            r = rng.random()
            if blank and r < 0.8:
                continue
            answers[code] = (
                9 if r < 0.02 else (rng.choice((4, 5)) if r < levels[u] else rng.choice((1, 2, 3)))
            )
        answers["R.gender"] = 1 + k % 2
        answers["R.age"] = 18 + k % 60
        batch.append(
            Response(
                code=f"BENCH-{k:07d}",
                campaign=campaign,
                method=questionnaire.method,
                questionnaire=questionnaire,
                period="2026",
                agency=agencies[u],
                mode="paper_post",
                collected_at=now,
                answers=answers,
                scored=spec.score_vector(answers),
                valid=True,
            )
        )
        if len(batch) == 5000:
            Response.objects.bulk_create(batch)
            batch = []
    Response.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE surveys_response")
    return {"loaded_s": round(time.perf_counter() - t0, 1), "reused": False}


def index_timing() -> dict:
    from cchc.surveys.models import Campaign
    from cchc.surveys.results import campaign_results

    campaign = Campaign.objects.get(code="BENCH")
    runs = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        doc = campaign_results(campaign)
        runs.append(time.perf_counter() - t0)
    n_valid = sum(a["n_valid"] for a in doc["agencies"])
    n_invalid = sum(a["n_invalid"] for a in doc["agencies"])
    return {
        "responses": n_valid + n_invalid,
        "units": len(doc["agencies"]),
        "seconds": [round(r, 3) for r in runs],
        "median_s": round(statistics.median(runs), 3),
        "target_s": 2.0,
        "met": statistics.median(runs) < 2.0,
    }


def submissions() -> dict:

    from cchc.agencies.models import Agency
    from cchc.surveys import collection
    from cchc.surveys.models import Campaign, Response

    campaign = Campaign.objects.get(code="BENCH")
    agency = Agency.objects.get(code="BENCH.000")
    scored = list(campaign.method.items.filter(kind="satisfaction").values_list("code", flat=True))
    before = Response.objects.filter(campaign=campaign, device_key__startswith="bench-").count()
    from concurrent.futures import ThreadPoolExecutor

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = time.perf_counter()

    def submit(i: int) -> None:
        answers = {c: 4 + (i + j) % 2 for j, c in enumerate(scored)}
        try:
            for click in range(2):  # the second is the double click: same form key
                collection.submit_open(
                    campaign,
                    open_token=campaign.open_token,
                    agency=agency,
                    answers=answers,
                    device_key=f"bench-{os.getpid()}-{i}-{click}",
                    nonce=f"bench-nonce-{os.getpid()}-{i}",
                )
            with lock:
                latencies.append(time.perf_counter() - start)
        except Exception as exc:  # noqa: BLE001 - counted and reported
            with lock:
                errors.append(repr(exc)[:200])

    with ThreadPoolExecutor(max_workers=WORKERS, initializer=lambda: None) as pool:
        start = time.perf_counter()
        list(pool.map(submit, range(CLIENTS)))
    wall = time.perf_counter() - start
    from django.db import connections

    connections.close_all()
    created = Response.objects.filter(
        campaign=campaign, nonce__startswith=f"bench-nonce-{os.getpid()}-"
    ).count()
    del before
    return {
        "clients": CLIENTS,
        "workers": WORKERS,
        "responses_created": created,
        "lost": CLIENTS - created,
        "errors": errors[:5],
        "error_count": len(errors),
        "p50_ms": round(1000 * percentile(latencies, 50), 1),
        "p95_ms": round(1000 * percentile(latencies, 95), 1),
        "wall_s": round(wall, 2),
    }


def main() -> None:
    prepare_database(keep=KEEP)
    setup_django()
    from common import migrate

    migrate()
    data = load()
    result = {"data": data, "index": index_timing(), "submissions": submissions()}
    write_result("surveys", {"responses": N, "units": UNITS, **result})


if __name__ == "__main__":
    main()
