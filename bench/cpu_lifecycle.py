"""CPU per API lifecycle in one process (Django test client, no HTTP server), for
compare_cpu.py: the Python CPU of this process and the CPU of its PostgreSQL backend.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench .venv/bin/python bench/cpu_lifecycle.py

CPU time, unlike lifecycles per second, hardly depends on how many other processes share the
cores, so it compares two versions of the code on a loaded machine. Run bench_lifecycle.py
first (it loads the data and creates the bench users). Env: CPU_LIFECYCLES (200). Prints one
JSON line. Runs with INDICES_REFRESH=queued (production's mode: each change only marks).
"""

from __future__ import annotations

import json
import os
import time

os.environ["INDICES_REFRESH"] = "queued"
from common import (  # noqa: E402
    bench_agency_and_procedure,
    client_api_lifecycle,
    setup_django,
    statements_of,
)

N = int(os.environ.get("CPU_LIFECYCLES", "200"))


def backend_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def prepared_lifecycle(label: str):  # type: ignore[no-untyped-def]
    """Django set up, a fresh API token of the bench user, and one API lifecycle to call,
    warmed up (caches, prepared statements); with the PID of this process's PostgreSQL
    backend, whose CPU counts too, and the token (the caller deletes it) and its secret."""
    setup_django()
    from django.db import connection
    from django.test import Client

    from cchc.accounts.models import ApiToken, User

    agency, procedure = bench_agency_and_procedure()
    token, raw = ApiToken.issue(User.objects.get(username="bench_api"), label)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def lifecycle() -> None:
        client_api_lifecycle(client, procedure.code, agency.code)

    for _ in range(20):
        lifecycle()
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    return lifecycle, pid, token, raw


def main() -> None:
    lifecycle, pid, _token, _raw = prepared_lifecycle("cpu")
    statements = statements_of(lifecycle)
    pg0, py0, wall0 = backend_cpu_seconds(pid), time.process_time(), time.perf_counter()
    for _ in range(N):
        lifecycle()
    pg1, py1, wall1 = backend_cpu_seconds(pid), time.process_time(), time.perf_counter()
    print(
        json.dumps(
            {
                "lifecycles": N,
                "statements_per_lifecycle": len(statements),
                "python_cpu_ms": round((py1 - py0) / N * 1000, 2),
                "postgres_cpu_ms": round((pg1 - pg0) / N * 1000, 2),
                "wall_ms": round((wall1 - wall0) / N * 1000, 2),
                "load_average_1min": round(os.getloadavg()[0], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
