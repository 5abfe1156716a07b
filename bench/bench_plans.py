"""Tasks and inspections at a province's yearly volume (issue 15, Speed), on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_plans_bench .venv/bin/python bench/bench_plans.py

Drops and recreates the database (its name must contain "bench"), migrates, and inserts
BENCH_TASKS tasks (default 20,000) over 120 units for one year — a quarter of them with
sub-tasks, a tenth with an extension, most completed, some overdue — and BENCH_FINDINGS
findings (default 2,000). Then measures, through the Django test client (URL routing,
session, permissions, template — everything but the network):

- the overdue queue page (/plans/?tab=overdue) of Home Affairs and of a unit leader;
- the unit report page (/plans/don-vi/<code>/) with counts, chart, overdue list, journey;
- `report_tasks` over the whole province;
- the daily reminder pass (`plans_daily`: decide reminders 7/3/1/0 and digests) and the
  delivery job run (e-mail to the locmem backend, SMS to the log backend).

p50/p95 over BENCH_REPEAT requests (default 40) after 3 warm-up requests. Writes
bench/results/plans.json.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time

from common import page_figures, prepare_database, setup_django, time_page, write_result

N_TASKS = int(os.environ.get("BENCH_TASKS", "20000"))
N_FINDINGS = int(os.environ.get("BENCH_FINDINGS", "2000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "40"))
UNITS = 120
YEAR = 2026
TODAY = dt.date(2026, 10, 15)


def seed() -> dict:
    from cchc.accounts.models import Membership, User
    from cchc.agencies.models import Agency, RankingGroup
    from cchc.core import events
    from cchc.plans.inspection_models import Finding
    from cchc.plans.models import Extension, Task, TaskEvent

    rnd = random.Random(15)
    group, _ = RankingGroup.objects.get_or_create(name="Sở, ban, ngành")
    agencies = Agency.objects.bulk_create(
        [
            Agency(
                code=f"B26.{i:03d}",
                name=f"Đơn vị thử {i}",
                level="PROVINCE_AGENCY",
                province_code="01",
                group=group,
                valid_from=dt.date(2020, 1, 1),
            )
            for i in range(UNITS)
        ]
    )
    users = []
    for a in agencies:
        for role in ("LEADER", "SPECIALIST", "CLERK"):
            users.append(
                User(
                    username=f"{role.lower()}_{a.code}",
                    kind="STAFF",
                    province_code="01",
                    email=f"{role.lower()}.{a.code}@example.vn",
                    phone="0900000000" if role == "LEADER" else "",
                    password="!",
                )
            )
    User.objects.bulk_create(users, batch_size=1000)
    by_name = {u.username: u for u in User.objects.filter(username__contains="_B26.")}
    Membership.objects.bulk_create(
        [
            Membership(user=by_name[f"{r.lower()}_{a.code}"], agency=a, role=r)
            for a in agencies
            for r in ("LEADER", "SPECIALIST", "CLERK")
        ],
        batch_size=2000,
    )
    admin = User.objects.create(
        username="bench_admin", kind="PROVINCE_ADMIN", province_code="01", email="nv@example.vn"
    )
    docs = [f"KH {n}/KH-UBND" for n in range(1, 6)] + [f"TB {n}/TB-VP" for n in range(1, 40)]
    tasks = []
    for n in range(N_TASKS):
        assigned = dt.date(YEAR, 1, 1) + dt.timedelta(days=rnd.randint(0, 300))
        deadline = assigned + dt.timedelta(days=rnd.randint(5, 120))
        r = rnd.random()
        done = None
        if deadline < TODAY and r < 0.85 or deadline >= TODAY and r < 0.3:
            done = min(TODAY, deadline + dt.timedelta(days=rnd.randint(-30, 10)))
            done = max(done, assigned)
        tasks.append(
            Task(
                code=f"NV-{YEAR}-{n + 1:05d}",
                title=f"Nhiệm vụ thử số {n + 1}",
                source_document=rnd.choice(docs),
                lead_agency=rnd.choice(agencies),
                assigned_on=assigned,
                deadline=deadline,
                deadline_in_force=deadline,
                completed_on=done,
                status="VERIFIED" if done else "ASSIGNED",
                progress=100 if done else rnd.randint(0, 90),
                assigned_by=admin,
                assigned_by_label="Sở Nội vụ",
                search_text=f"nv-{YEAR}-{n + 1:05d} nhiem vu thu so {n + 1}",
                last_event_seq=1,
            )
        )
    Task.objects.bulk_create(tasks, batch_size=2000)
    tasks = list(Task.objects.order_by("pk"))
    first_events = [
        TaskEvent(
            task=t,
            seq=1,
            at=dt.datetime(YEAR, 1, 1, tzinfo=dt.UTC),
            action="assign",
            actor_label="Sở Nội vụ",
            to_status="ASSIGNED",
        )
        for t in tasks
    ]
    events.chain_rows(TaskEvent, first_events)  # bulk rows carry their hash too
    TaskEvent.objects.bulk_create(first_events, batch_size=5000)
    # a quarter become children of another task of the same unit
    parents = {}
    children = []
    for t in tasks:
        if rnd.random() < 0.25 and t.lead_agency_id in parents:
            t.parent_id = parents[t.lead_agency_id]
            children.append(t)
        else:
            parents[t.lead_agency_id] = t.pk
    Task.objects.bulk_update(children, ["parent"], batch_size=2000)
    exts = []
    for t in rnd.sample(tasks, N_TASKS // 10):
        approved_on = t.deadline - dt.timedelta(days=rnd.randint(-5, 10))
        exts.append(
            Extension(
                task=t,
                requested_on=min(approved_on, t.deadline),
                new_deadline=t.deadline + dt.timedelta(days=15),
                reason="Chờ số liệu",
                approved=True,
                decided_on=approved_on,
            )
        )
    Extension.objects.bulk_create(exts, batch_size=2000)
    Finding.objects.bulk_create(
        [
            Finding(
                code=f"PH-{YEAR}-{n + 1:05d}",
                agency=rnd.choice(agencies),
                severity=rnd.choice(["LOW", "MEDIUM", "HIGH"]),
                description="Chưa niêm yết đủ TTHC",
                found_on=dt.date(YEAR, 1, 1) + dt.timedelta(days=rnd.randint(0, 280)),
                status=rnd.choice(["OPEN", "CLOSED"]),
                corrective_task=rnd.choice(tasks),
            )
            for n in range(N_FINDINGS)
        ],
        batch_size=2000,
    )
    return {"agencies": agencies, "admin": admin, "leader": by_name[f"leader_{agencies[7].code}"]}


def timed(client, url: str) -> dict:
    times, _ = time_page(client.get, url, REPEAT, warm_up=3)
    return page_figures(url, times)


def main() -> None:
    prepare_database(keep=False)
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    t0 = time.perf_counter()
    cast = seed()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    seed_s = time.perf_counter() - t0

    from unittest import mock

    from cchc.core.jobs import run_jobs
    from cchc.plans import notices, reports

    result: dict = {
        "tasks": N_TASKS,
        "findings": N_FINDINGS,
        "units": UNITS,
        "seed_s": round(seed_s, 1),
        "load_1min": os.getloadavg()[0],
    }
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        admin, leader = Client(), Client()
        admin.force_login(cast["admin"])
        leader.force_login(cast["leader"])
        unit = cast["agencies"][7].code
        result["overdue_queue_home_affairs"] = timed(admin, "/plans/?tab=overdue")
        result["overdue_queue_home_affairs_page_40"] = timed(admin, "/plans/?tab=overdue&page=40")
        result["overdue_queue_unit_leader"] = timed(leader, "/plans/?tab=overdue")
        result["unit_report"] = timed(leader, f"/plans/don-vi/{unit}/?year={YEAR}")
        result["unit_report_home_affairs"] = timed(admin, f"/plans/don-vi/{unit}/?year={YEAR}")
        t = time.perf_counter()
        doc = reports.report_tasks(TODAY)
        result["report_tasks_s"] = round(time.perf_counter() - t, 3)
        result["report_tasks_units"] = len(doc["agencies"])
        t = time.perf_counter()
        counts = notices.daily_pass(TODAY)
        decide_s = time.perf_counter() - t
        t = time.perf_counter()
        ran = run_jobs()
        deliver_s = time.perf_counter() - t
        result["daily_pass"] = {
            **counts,
            "decide_s": round(decide_s, 2),
            "deliver_s": round(deliver_s, 2),
            "total_s": round(decide_s + deliver_s, 2),
            "jobs_run": ran,
        }
        t = time.perf_counter()
        again = notices.daily_pass(TODAY)
        result["daily_pass_second_run"] = {**again, "s": round(time.perf_counter() - t, 2)}
    result["load_1min_end"] = os.getloadavg()[0]
    print(result)
    write_result("plans", result)


if __name__ == "__main__":
    main()
