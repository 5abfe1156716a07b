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
4. Pages over HTTP: the real server (`manage.py serve`, started as bench_lifecycle.py does,
   BENCH_WEB_WORKERS × BENCH_WEB_THREADS) on this database, with a second campaign of the
   year before (BENCH_PREV_RESPONSES questionnaires over the same units, closed and
   published) so that the trend and the published pages have something to show. A Home
   Affairs user signs in and fetches each survey dashboard page BENCH_PAGE_REQUESTS (100)
   times after 5 warm-up requests, one request at a time; an anonymous visitor fetches the
   public pages. Reports p50/p95/max per page; the live results right after a response
   (served stale with the "being updated" stamp while one job recomputes them), the time of
   that job and the view after it; and the load average before and after. Target: p95
   under 200 ms (issue 13).
Writes bench/results/surveys.json.
"""

from __future__ import annotations

import os
import random
import statistics
import threading
import time

from common import (
    page_figures,
    percentile,
    setup_database,
    time_page,
    write_result,
)

N = int(os.environ.get("BENCH_RESPONSES", "100000"))
UNITS = int(os.environ.get("BENCH_UNITS", "180"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "200"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "16"))
KEEP = os.environ.get("BENCH_KEEP") == "1"
PREV_N = int(os.environ.get("BENCH_PREV_RESPONSES", str(N)))
PAGE_REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", "100"))
PHASES = set(os.environ.get("BENCH_PHASES", "index,submissions,pages").split(","))


def load(code: str = "BENCH", year: int = 2026, n: int = N, seed: int = 13) -> dict:

    from django.utils import timezone

    from cchc.agencies.models import Agency
    from cchc.surveys.demo import open_year_campaign, satisfaction_codes
    from cchc.surveys.models import Campaign, Response

    campaign = Campaign.objects.filter(code=code).first()
    if campaign is not None and campaign.responses.count() >= n:
        return {"loaded_s": 0.0, "reused": True}
    t0 = time.perf_counter()
    agencies = [
        Agency.objects.get_or_create(
            code=f"BENCH.{i:03d}",
            defaults={"name": f"Đơn vị {i}", "level": "COMMUNE", "province_code": "01"},
        )[0]
        for i in range(UNITS)
    ]
    Campaign.objects.filter(code=code).delete()
    campaign = open_year_campaign(
        code=code, name=f"Bench {year}", province_code="01", year=year, agencies=agencies
    )
    questionnaire = campaign.questionnaire
    scored = satisfaction_codes(questionnaire)
    from cchc.surveys.methods import MethodSpec

    spec = MethodSpec.load(questionnaire.method)
    rng = random.Random(seed)
    levels = [rng.uniform(0.6, 0.95) for _ in agencies]
    now = timezone.now()
    batch = []
    for k in range(n):
        u = k % UNITS
        answers = {}
        blank = rng.random() < 0.03
        for item in scored:
            r = rng.random()
            if blank and r < 0.8:
                continue
            answers[item] = (
                9 if r < 0.02 else (rng.choice((4, 5)) if r < levels[u] else rng.choice((1, 2, 3)))
            )
        answers["R.gender"] = 1 + k % 2
        answers["R.age"] = 18 + k % 60
        batch.append(
            Response(
                code=f"{code}-{k:07d}",
                campaign=campaign,
                method=questionnaire.method,
                questionnaire=questionnaire,
                period=str(year),
                agency=agencies[u],
                # one in five at the desk: the bias check has both sides to compare
                mode="paper_desk" if k % 5 == 0 else "paper_post",
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


def load_published(code: str = "BENCH-2025", year: int = 2025) -> dict:
    """The campaign of the year before, closed and published (frozen figures)."""
    from cchc.core.actors import SYSTEM
    from cchc.surveys import services
    from cchc.surveys.models import Campaign

    info = load(code=code, year=year, n=PREV_N, seed=year)
    campaign = Campaign.objects.get(code=code)
    if campaign.can_close:
        campaign = services.close_campaign(campaign, actor=SYSTEM)
    if campaign.can_publish:
        t0 = time.perf_counter()
        services.publish_results(campaign, actor=SYSTEM)
        info["publish_s"] = round(time.perf_counter() - t0, 2)
    return info


def load_average() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def fetch(session, url: str, n: int) -> dict:
    # warm-up: connections, template caches, the figures' cache
    times, r = time_page(session.get, url, n, warm_up=5)
    return {
        **page_figures("/" + url.split("://", 1)[1].split("/", 1)[1], times),
        "bytes": len(r.content),
        "max_ms": round(max(times), 1),
        "met": percentile(times, 95) < 200,
    }


def record_a_response(k: int = 0) -> None:
    """One phone questionnaire at unit BENCH.001 of the open campaign, through the service."""
    from cchc.agencies.models import Agency
    from cchc.core.actors import SYSTEM
    from cchc.surveys import collection
    from cchc.surveys.models import Campaign, Mode

    campaign = Campaign.objects.get(code="BENCH")
    scored = list(campaign.method.items.filter(kind="satisfaction").values_list("code", flat=True))
    collection.enter_response(
        campaign,
        agency=Agency.objects.get(code="BENCH.001"),
        mode=Mode.PHONE,
        answers={c: 3 + (k + j) % 3 for j, c in enumerate(scored)},
        actor=SYSTEM,
    )


def views_after_a_change(session, base: str, times: int = 3) -> dict:
    """The live results right after a response was recorded (the view that used to compute
    the index and the bias check's split in the request: 1.1-1.6 s). Now (live.py) it serves
    the last computed figures stamped "being updated" and queues one recomputation; the job
    runner computes them (here `run_jobs()` in this process, as `manage.py db_worker` would,
    on the same 2 cores as the server), and the next view shows them without the stamp."""
    from cchc.core.jobs import run_jobs
    from cchc.surveys.models import Campaign, LiveResults

    url = f"{base}/surveys/c/BENCH/results/"
    campaign = Campaign.objects.get(code="BENCH")
    first_ever = not LiveResults.objects.filter(pk=campaign.pk).exists()
    t0 = time.perf_counter()
    r = session.get(url)  # the campaign's very first view computes in the request
    first_ms = round(1000 * (time.perf_counter() - t0), 1)
    assert r.status_code == 200, r.status_code
    run_jobs()  # figures left stale by an earlier run of this bench (BENCH_KEEP=1)
    stale_ms, job_s, fresh_ms = [], [], []
    for k in range(times):
        record_a_response(k)
        t0 = time.perf_counter()
        r = session.get(url)
        stale_ms.append(round(1000 * (time.perf_counter() - t0), 1))
        assert r.status_code == 200 and 'id="figures-stamp"' in r.text, r.status_code
        t0 = time.perf_counter()
        ran = run_jobs()
        job_s.append(round(time.perf_counter() - t0, 2))
        assert ran == 1, ran
        t0 = time.perf_counter()
        r = session.get(url)
        fresh_ms.append(round(1000 * (time.perf_counter() - t0), 1))
        assert r.status_code == 200 and 'id="figures-stamp"' not in r.text
    return {
        "first_view_ever_ms": first_ms if first_ever else None,
        "view_right_after_a_response_ms": stale_ms,
        "recomputation_job_s": job_s,
        "view_after_the_job_ms": fresh_ms,
    }


def page_latencies() -> dict:
    """Every survey dashboard page over HTTP against the real server."""
    import requests
    from bench_lifecycle import PASSWORD, free_port, login, start_server

    from cchc.accounts.models import User

    user, _ = User.objects.get_or_create(
        username="bench_home_affairs", defaults={"kind": "PROVINCE_ADMIN", "province_code": "01"}
    )
    user.kind, user.province_code = "PROVINCE_ADMIN", "01"
    user.set_password(PASSWORD)
    user.save()
    from django.db import connections

    connections.close_all()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    load_before = load_average()
    server = start_server(port, "immediate")
    try:
        staff = requests.Session()
        login(staff, base, "bench_home_affairs")
        unit = "BENCH.000"
        for _ in range(10):  # both server processes past their first request
            staff.get(f"{base}/surveys/")
        after_a_change = views_after_a_change(staff, base)
        pages = {
            "fieldwork_progress": f"{base}/surveys/c/BENCH/",
            "progress_fragment": f"{base}/surveys/c/BENCH/progress/",
            "results_live_ranking_bias": f"{base}/surveys/c/BENCH/results/",
            "unit_profile_trend_live": f"{base}/surveys/c/BENCH/results/{unit}/",
            "results_published_ranking_bias": f"{base}/surveys/c/BENCH-2025/results/",
            "unit_profile_trend_published": f"{base}/surveys/c/BENCH-2025/results/{unit}/",
            "surveys_index": f"{base}/surveys/",
        }
        out = {name: fetch(staff, url, PAGE_REQUESTS) for name, url in pages.items()}
        # during fieldwork the live figures are stale most of the time: the same pages with a
        # response recorded and its recomputation queued, not yet run
        record_a_response()
        for name, url in (
            ("results_live_being_updated", pages["results_live_ranking_bias"]),
            ("unit_profile_live_being_updated", pages["unit_profile_trend_live"]),
        ):
            out[name] = fetch(staff, url, PAGE_REQUESTS)
            assert 'id="figures-stamp"' in staff.get(url).text
        from cchc.core.jobs import run_jobs

        run_jobs()
        anonymous = requests.Session()
        for name, url in {
            "public_list": f"{base}/surveys/public/",
            "public_results": f"{base}/surveys/c/BENCH-2025/results/",
            "public_unit": f"{base}/surveys/c/BENCH-2025/results/{unit}/",
        }.items():
            out[name] = fetch(anonymous, url, PAGE_REQUESTS)
    finally:
        server.terminate()
        server.wait(10)
    return {
        "server": "manage.py serve (granian)",
        "live_results_after_a_change": after_a_change,
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "pages": out,
        "all_met": all(p["met"] for p in out.values()),
    }


def main() -> None:
    setup_database(keep=KEEP)
    result: dict = {"data": load()}
    if "pages" in PHASES:
        result["previous_campaign"] = load_published()
    if "index" in PHASES:
        result["index"] = index_timing()
    if "submissions" in PHASES:
        result["submissions"] = submissions()
    if "pages" in PHASES:
        result["pages"] = page_latencies()
    name = os.environ.get("BENCH_RESULT", "surveys")
    write_result(name, {"responses": N, "units": UNITS, **result})


if __name__ == "__main__":
    main()
