"""Full dossier lifecycles per second and p95 of the staff pages, at 1 million dossiers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench .venv/bin/python bench/bench_lifecycle.py

Lifecycle = counter intake -> transfer -> finish -> return result, (a) through the service
layer in 2 worker processes (one per core), (b) through /api/v1 over HTTP against the real
server (`manage.py serve`: granian). Page latency: the work-queue page and a dossier page, fetched over HTTP
by a signed-in clerk of the busiest commune. Env: BENCH_DOSSIERS (default 1,000,000),
BENCH_SECONDS (default 20 per phase).

Both live-refresh modes of the indices are measured: "immediate" (facts refreshed after each
commit, inside the clerk's request) and "queued" (the change marks the dossier; one
`run_index_worker` process runs alongside on the same 2 cores, and the time it needs to
catch up after the phase is reported as the lag).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import socket
import subprocess
import time
from typing import Any

from common import (
    bench_agency_and_procedure,
    cpu_by_process,
    cpu_per_item,
    ensure_dossiers,
    page_figures,
    percentile,
    service_lifecycle,
    setup_database,
    setup_django,
    time_page,
    write_result,
)

N = int(os.environ.get("BENCH_DOSSIERS", "1000000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
WEB_WORKERS = int(
    os.environ.get("BENCH_WEB_WORKERS", str(os.cpu_count() or 2))
)  # server processes (granian)
WEB_THREADS = int(os.environ.get("BENCH_WEB_THREADS", "4"))
# 8 kept-alive connections: with 4, every request waited on its dozen database round trips
# and the server and PostgreSQL together used ~130 % of the 200 % of CPU (session 3)
HTTP_CLIENTS = int(os.environ.get("BENCH_HTTP_CLIENTS", "8"))
# exploratory runs: a subset of the phases, written to another results file
PHASES = set(os.environ.get("BENCH_PHASES", "services,pages,api").split(","))
RESULT_NAME = os.environ.get("BENCH_RESULT", "lifecycle")
PASSWORD = "bench-pass-123"


def bench_users():
    from cchc.accounts.models import Membership, User
    from cchc.agencies.models import Agency

    agency = Agency.objects.get(code="H26.100")
    users = {}
    for name, role in [("bench_clerk", "CLERK"), ("bench_specialist", "SPECIALIST")]:
        user, _ = User.objects.get_or_create(
            username=name, defaults={"kind": "STAFF", "province_code": "01"}
        )
        user.set_password(PASSWORD)
        user.save()
        Membership.objects.get_or_create(user=user, agency=agency, role=role)
        users[role] = user
    # a clerk of the agency that received the most dossiers, for the "all" tab (issue 16
    # point 7 speaks of 135 k dossiers in one commune; the bench commune holds fewer)
    from django.db.models import Count

    from cchc.dossiers.models import Dossier

    busiest = (
        Dossier.objects.values("receiving_agency")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("receiving_agency", flat=True)
        .first()
    )
    user, _ = User.objects.get_or_create(
        username="bench_clerk_busiest", defaults={"kind": "STAFF", "province_code": "01"}
    )
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.filter(user=user).exclude(agency_id=busiest).delete()
    Membership.objects.get_or_create(user=user, agency_id=busiest, role="CLERK")
    return agency, users


def service_worker(deadline: float, out: mp.Queue, release: Any) -> None:
    setup_django()
    from django.db import connection

    from cchc.accounts.models import User

    agency, procedure = bench_agency_and_procedure()
    clerk = User.objects.get(username="bench_clerk")
    specialist = User.objects.get(username="bench_specialist")
    done = 0
    latencies = []
    while time.monotonic() < deadline:
        t0 = time.perf_counter()
        service_lifecycle(procedure, agency, clerk, specialist, "Người thử tải")
        latencies.append(time.perf_counter() - t0)
        done += 1
    out.put((done, latencies))
    release.wait(60)  # keep this process and its database session until CPU has been read
    connection.close()


def run_service_phase() -> dict:
    deadline = time.monotonic() + SECONDS
    queue: mp.Queue = mp.Queue()
    ctx = mp.get_context("fork")
    release = ctx.Event()
    procs = [
        ctx.Process(target=service_worker, args=(deadline, queue, release)) for _ in range(WORKERS)
    ]
    cpu0 = cpu_by_process()
    t0 = time.monotonic()
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    elapsed = time.monotonic() - t0
    cpu1 = cpu_by_process()  # the workers (in "other") and their sessions are still there
    release.set()
    for p in procs:
        p.join()
    total = sum(r[0] for r in results)
    lat = [x for r in results for x in r[1]]
    return {
        "lifecycles": total,
        "seconds": round(elapsed, 2),
        "per_second": round(total / elapsed, 1),
        "workers": WORKERS,
        "p95_lifecycle_ms": round(percentile(lat, 95) * 1000, 1),
        "cpu_ms_per_lifecycle": cpu_per_item(cpu0, cpu1, total),
    }


def start_server(port: int, mode: str) -> subprocess.Popen:
    """The real server (`manage.py serve`: granian, WEB_WORKERS × WEB_THREADS) on this
    database, as production runs it."""
    from cchc.core.processes import manage, serve_args

    env = {**os.environ, "CCHC_ENV": "development", "DEBUG": "0", "INDICES_REFRESH": mode}
    proc = manage(
        *serve_args(port, workers=WEB_WORKERS, threads=WEB_THREADS),
        env=env,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):  # up to a minute: the shared machine is sometimes very loaded
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def login(session, base: str, username: str = "bench_clerk") -> None:
    r = session.get(f"{base}/accounts/login/")
    token = session.cookies.get("csrftoken")
    r = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": base},
    )
    r.raise_for_status()
    assert "sessionid" in session.cookies, f"{username} could not sign in"


def page_latencies(base: str, dossier_code: str, dossier_url: str, n: int = 200) -> dict:
    import requests

    from cchc.accounts.models import User
    from cchc.dossiers.models import Dossier

    s = requests.Session()
    login(s, base)
    busiest = requests.Session()
    login(busiest, base, "bench_clerk_busiest")
    out: dict = {}
    pages = [
        ("work_queue", f"{base}/staff/", s),
        ("work_queue_all", f"{base}/staff/?queue=all", s),
        # every dossier the clerk of the busiest agency may see (issue 16 point 7)
        ("busiest_agency_all", f"{base}/staff/?queue=all", busiest),
        ("busiest_agency_all_search", f"{base}/staff/?queue=all&q=nguyen", busiest),
        ("busiest_agency_all_page_50", f"{base}/staff/?queue=all&page=50", busiest),
        ("dossier_page", dossier_url, s),
    ]
    out["busiest_agency_dossiers_visible"] = Dossier.objects.visible_to(
        User.objects.get(username="bench_clerk_busiest")
    ).count()
    for name, url, session in pages:
        times, _ = time_page(session.get, url, n, warm_up=10)
        out[name] = page_figures(url.replace(base, ""), times)
    return out


def api_load(
    base: str, token: str, deadline: float, procedure: str, out: mp.Queue, release: Any
) -> None:
    """The load generator: HTTP_CLIENTS kept-alive connections driven by one event loop in one
    process, each running lifecycles back to back (POST the intake, then its three actions).

    It shares the 2 cores with the server, so it is built to cost as little as possible:
    requests are preformatted bytes and a response is framed by its Content-Length and read
    only for its status and, after the intake, the new dossier's code. (Eight processes of
    http.client, session 3's generator, used ~7 % of the CPU of a lifecycle on their own.)
    Any response that is not a success stops the run with the status and the body."""
    import json
    from urllib.parse import urlsplit

    url = urlsplit(base)
    head = (
        f"Host: {url.hostname}:{url.port}\r\nAuthorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\nContent-Length: "
    ).encode()

    def request(path: str, body: dict) -> bytes:
        data = json.dumps(body, ensure_ascii=False).encode()
        return (
            f"POST {path} HTTP/1.1\r\n".encode()
            + head
            + str(len(data)).encode()
            + b"\r\n\r\n"
            + data
        )

    intake = request(
        "/api/v1/dossiers",
        {
            "procedure": procedure,
            "receiving_agency": "H26.100",
            "applicant": {"name": "Người thử tải API"},
        },
    )
    actions = [
        ("transfer", {"to_agency": "H26.100"}),
        ("finish", {"note": "Quyết định số 12/QĐ"}),
        ("return_result", {}),
    ]

    class Client:
        def __init__(self) -> None:
            self.sock = socket.create_connection((url.hostname, url.port))
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buf = b""
            self.step = 0  # 0: intake sent; 1..3: that action sent
            self.code = ""

        def send(self) -> None:
            if self.step == 0:
                self.sock.sendall(intake)
            else:
                action, body = actions[self.step - 1]
                self.sock.sendall(request(f"/api/v1/dossiers/{self.code}/actions/{action}", body))

        def response(self) -> bytes | None:
            """The body of the response in the buffer once it is complete."""
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return None
            header = self.buf[:end]
            start = header.lower().find(b"content-length:")
            if start < 0:
                raise RuntimeError(f"response without Content-Length: {header[:300]!r}")
            line_end = header.find(b"\r\n", start)
            length = int(header[start + 15 : line_end if line_end > 0 else len(header)])
            if len(self.buf) < end + 4 + length:
                return None
            body = self.buf[end + 4 : end + 4 + length]
            self.buf = self.buf[end + 4 + length :]
            status = int(header[9:12])
            if status >= 400:
                raise RuntimeError(
                    f"step {self.step} of {self.code or 'intake'}: {status} {body[:300]!r}"
                )
            return body

    try:
        out.put(drive([Client() for _ in range(HTTP_CLIENTS)], deadline))
    except Exception as exc:  # noqa: BLE001 - handed to the bench, which records it
        out.put(exc)
    release.wait(60)  # alive until CPU has been read (its own time is in "other")


def drive(clients: list[Any], deadline: float) -> int:
    """Run the clients' lifecycles until the deadline; the number of lifecycles completed."""
    import selectors

    selector = selectors.DefaultSelector()
    running = len(clients)
    for client in clients:
        selector.register(client.sock, selectors.EVENT_READ, client)
        client.send()
    done = 0
    while running:
        for key, _events in selector.select():
            client = key.data
            chunk = client.sock.recv(65536)
            if not chunk:
                raise RuntimeError("the server closed a connection")
            client.buf += chunk
            body = client.response()
            if body is None:
                continue
            if client.step == 0:
                at = body.find(b'"code":"') + 8  # the dossier's own code is the first key
                client.code = body[at : body.find(b'"', at)].decode()
            client.step = (client.step + 1) % 4
            if client.step == 0:
                done += 1
                if time.monotonic() >= deadline:
                    selector.unregister(client.sock)
                    client.sock.close()
                    running -= 1
                    continue
            client.send()
    return done


def run_api_phase(base: str, procedure: str) -> dict:
    from cchc.accounts.models import ApiToken, Membership, User
    from cchc.agencies.models import Agency

    user, _ = User.objects.get_or_create(
        username="bench_api", defaults={"kind": "STAFF", "province_code": "01"}
    )
    agency = Agency.objects.get(code="H26.100")
    for role in ("CLERK", "SPECIALIST"):
        Membership.objects.get_or_create(user=user, agency=agency, role=role)
    _token, raw = ApiToken.issue(user, "bench")
    deadline = time.monotonic() + SECONDS
    queue: mp.Queue = mp.Queue()
    ctx = mp.get_context("fork")
    release = ctx.Event()
    generator = ctx.Process(target=api_load, args=(base, raw, deadline, procedure, queue, release))
    cpu0 = cpu_by_process()
    t0 = time.monotonic()
    generator.start()
    total = queue.get(timeout=SECONDS + 300)  # raises if the generator never reports
    if isinstance(total, Exception):
        raise total
    elapsed = time.monotonic() - t0
    cpu1 = cpu_by_process()
    release.set()
    generator.join()
    # where the two cores went (the load generator is in "other")
    return {
        "lifecycles": total,
        "seconds": round(elapsed, 2),
        "per_second": round(total / elapsed, 1),
        "http_connections": HTTP_CLIENTS,
        "server_processes": WEB_WORKERS,
        "threads_per_process": WEB_THREADS,
        "cpu_ms_per_lifecycle": cpu_per_item(cpu0, cpu1, total),
    }


def start_index_worker(mode: str) -> subprocess.Popen | None:
    """The queued mode's worker, started and ready before a phase begins, as the server is: its
    start-up (Django, and the URLconf its system checks import: ~1.9 s of CPU on session 4's
    machine) happens once in production and is not part of any lifecycle. Ready means it has
    refreshed a dossier marked for it."""
    if mode != "queued":
        return None
    from cchc.core.processes import manage
    from cchc.dossiers.models import Dossier
    from cchc.indices import queue
    from cchc.indices.models import PendingRefresh

    env = {**os.environ, "INDICES_REFRESH": mode}
    worker = manage("run_index_worker", env=env, stderr=subprocess.DEVNULL)
    probe = Dossier.objects.order_by("-pk").values_list("pk", flat=True).first()
    queue.mark(probe)  # autocommit: visible to the worker at once
    deadline = time.monotonic() + 120
    while PendingRefresh.objects.filter(dossier_id=probe).exists():
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the index worker did not start")
        time.sleep(0.1)
    return worker


def catch_up_seconds(worker: subprocess.Popen | None) -> float | None:
    """After a phase: how long the index worker needs to empty its queue."""
    if worker is None:
        return None
    from cchc.indices.models import PendingRefresh

    t0 = time.monotonic()
    while PendingRefresh.objects.exists() and time.monotonic() - t0 < 600:
        time.sleep(0.2)
    worker.terminate()
    worker.wait(10)
    return round(time.monotonic() - t0, 1)


HOT_TABLES = (
    "indices_pendingrefresh",
    "dossiers_dossier",
    "dossiers_dossierstep",
    "dossiers_dossiercodecounter",
    "indices_dossierfact",
    "indices_daysummary",
    "indices_monthsummary",
    "indices_proceduremonthsummary",
)


def vacuum() -> None:
    """What autovacuum does between phases on a server that runs it. This machine's server has
    autovacuum off (recorded in the results), so the dead rows of earlier phases would
    otherwise slow every later one: the queue table alone gains ~8,000 per phase."""
    from django.db import connection

    with connection.cursor() as cur:
        for table in HOT_TABLES:
            cur.execute(f"VACUUM (ANALYZE) {table}")


def main() -> None:
    setup_database(keep=True)
    load = ensure_dossiers(N)
    from django.conf import settings
    from django.db import connection

    from cchc.catalogue.models import Procedure
    from cchc.core import processes
    from cchc.dossiers.models import Dossier

    agency, _users = bench_users()
    procedure = (
        Procedure.objects.filter(agencies=agency, status="PUBLISHED").order_by("code").first()
    )
    total = Dossier.objects.count()
    connection.close()
    with connection.cursor() as cur:
        cur.execute("SHOW autovacuum")
        autovacuum = cur.fetchone()[0]
    result = {
        "dossiers_in_database": total,
        "load": load,
        "server_autovacuum": autovacuum,
        "vacuum_before_each_phase": list(HOT_TABLES),
        "modes": {},
    }
    modes = os.environ.get("BENCH_MODES", "immediate,queued").split(",")
    for mode in modes:
        settings.INDICES_REFRESH = mode  # inherited by the forked workers
        out: dict = {}
        if "services" in PHASES:
            vacuum()
            worker = start_index_worker(mode)
            connection.close()  # not shared with the forked service workers
            out["service_layer"] = run_service_phase()
            out["service_layer"]["index_worker_catch_up_s"] = catch_up_seconds(worker)
            connection.close()
        if not PHASES & {"pages", "api"}:
            result["modes"][mode] = out
            continue
        port = processes.free_port()
        server = start_server(port, mode)
        base = f"http://127.0.0.1:{port}"
        try:
            if "pages" in PHASES:
                sample = (
                    Dossier.objects.filter(current_agency=agency)
                    .order_by("-id")
                    .values_list("id", "code")
                    .first()
                )
                out["pages"] = page_latencies(
                    base, sample[1], f"{base}/staff/dossiers/{sample[1]}/"
                )
            if "api" in PHASES:
                vacuum()
                worker = start_index_worker(mode)
                try:
                    out["api"] = run_api_phase(base, procedure.code)
                except Exception as exc:  # noqa: BLE001 - reported, not hidden
                    out["api"] = {"error": repr(exc)}
                out["api"]["index_worker_catch_up_s"] = catch_up_seconds(worker)
        finally:
            server.terminate()
            server.wait(10)
        connection.close()
        result["modes"][mode] = out
    result["dossiers_after"] = Dossier.objects.count()
    write_result(RESULT_NAME, result)


if __name__ == "__main__":
    main()
