"""Shared benchmark setup: a PostgreSQL database holding N generated dossiers.

Benchmarks are not tests: they run on demand (`make bench` or one script), write their
figures to bench/results/*.json, and docs/performance.md quotes those files.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


CONTROL: dict[str, float] = {}


def setup_django(require_postgres: bool = True) -> None:
    import django

    CONTROL.setdefault("control_loop_s_at_start", control_loop_seconds())

    django.setup()
    from django.db import connection

    if require_postgres and connection.vendor != "postgresql":
        sys.exit(
            "Benchmarks run on PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench"
        )


def prepare_database(*, keep: bool) -> str:
    """Make sure the PostgreSQL database named in DATABASE_URL exists: created when missing;
    dropped and created afresh unless `keep`. Only a database whose name contains "bench"."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(os.environ.get("DATABASE_URL", ""))
    name = cfg["NAME"]
    if "bench" not in (name or ""):
        sys.exit(
            f"refusing to use database {name!r} for a benchmark: its name must contain 'bench'"
        )
    admin = psycopg.connect(
        host=cfg["HOST"] or "127.0.0.1",
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if not (exists and keep):
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return name


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def setup_database(*, keep: bool) -> None:
    """What a benchmark that loads its own data starts with: its database made ready
    (`prepare_database`), Django set up on it, and the schema migrated."""
    prepare_database(keep=keep)
    setup_django()
    migrate()


def ensure_dossiers(n: int, *, seed: int = 766) -> dict:
    """Load the generated bundle until the database holds at least n dossiers."""
    from django.core.management import call_command

    from cchc.demo.bundle import generate
    from cchc.dossiers.models import Dossier

    have = Dossier.objects.count()
    info = {"dossiers_before": have}
    if have >= n * 0.95:
        return info
    bundle = ROOT / "var" / f"bench-bundle-{n}"
    t0 = time.monotonic()
    if not (bundle / "dossiers.jsonl").exists():
        counts = generate(bundle, dossiers=n, petitions=max(1000, n // 200), seed=seed)
        info["generated"] = counts
    info["generate_seconds"] = round(time.monotonic() - t0, 1)
    t0 = time.monotonic()
    from django.core.management import load_command_class

    # our own generated bundle; older trees compared by compare_api.py have no --trusted
    # flag (they skipped the foreign-key checks by default)
    parser = load_command_class("cchc.interchange", "import_bundle").create_parser("", "")
    trusted = {"trusted": True} if "--trusted" in parser.format_help() else {}
    call_command("import_bundle", str(bundle), **trusted)
    info["import_seconds"] = round(time.monotonic() - t0, 1)
    info["dossiers_after"] = Dossier.objects.count()
    return info


def control_loop_seconds() -> float:
    """A fixed pure-Python loop (10 M iterations of `s += i*i % 7`): this workplace's machines
    change speed from one session, and one hour, to the next (1.0-1.7 s seen on one machine in
    one session), so every result records it next to its figures."""
    t0 = time.perf_counter()
    s = 0
    for i in range(10_000_000):
        s += i * i % 7
    return round(time.perf_counter() - t0, 2)


def write_result(name: str, payload: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    from django.db import connection

    payload = {
        "benchmark": name,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "database": connection.vendor,
            "server_version": getattr(connection, "pg_version", None),
            "control_loop_s_at_end": control_loop_seconds(),
            **CONTROL,
        },
        **payload,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(payload, indent=2, ensure_ascii=False))
    return path


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def time_page(get, url: str, n: int, *, warm_up: int) -> tuple[list[float], object]:  # type: ignore[no-untyped-def]
    """GET `url` (`get`: a requests session's or a test client's) `warm_up` times untimed,
    so every server process and cache has answered it, then `n` times timed; every answer
    must be 200. Returns the times in milliseconds and the last answer."""
    for _ in range(warm_up):
        r = get(url)
        assert r.status_code == 200, (url, r.status_code)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    return times, r


def page_figures(path: str, times: list[float]) -> dict:
    """The figures a page's timing reports: its path, how many requests, median and p95 (ms)."""
    return {
        "url": path,
        "requests": len(times),
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
    }


def cpu_by_process() -> dict[str, float]:
    """CPU seconds used so far by this machine's processes, grouped: PostgreSQL backends, the
    web server (`manage.py serve`), the index worker, everything else (Linux /proc)."""
    import glob

    tick = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(stat[:-4] + "cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        group = (
            "postgres"
            if "postgres" in cmd
            else "web_server"
            if "manage.py serve" in cmd
            else "index_worker"
            if "run_index_worker" in cmd
            else "other"
        )
        out[group] = out.get(group, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return out


def cpu_per_item(before: dict[str, float], after: dict[str, float], items: int) -> dict[str, float]:
    """Milliseconds of CPU per item, by process group, between two cpu_by_process() readings."""
    return {
        group: round((after.get(group, 0.0) - before.get(group, 0.0)) / max(items, 1) * 1000, 2)
        for group in sorted(after)
    }


BENCH_AGENCY = "H26.100"
RESULT_NOTE = "Quyết định số 12/QĐ"


def lifecycle_actions(agency_code: str) -> list[tuple[str, dict]]:
    """The API actions of a lifecycle after its intake, with their JSON bodies: the in-process
    benches and the HTTP load generator send these (a test runs them against the API, so a
    rule added to an action cannot silently turn every bench lifecycle into a 400)."""
    return [
        ("transfer", {"to_agency": agency_code}),
        ("finish", {"note": RESULT_NOTE}),  # a finish records its result
        ("return_result", {}),
    ]


def service_lifecycle(procedure, agency, clerk, specialist, applicant: str) -> None:  # type: ignore[no-untyped-def]
    """One dossier's lifecycle through the services, as a counter handles it: intake,
    transfer, finish, return of the result."""
    from cchc.dossiers import services
    from cchc.dossiers.services import Applicant

    d = services.intake_at_counter(
        procedure=procedure,
        receiving_agency=agency,
        applicant=Applicant(name=applicant),
        actor=clerk,
    )
    d = services.transfer(d, actor=clerk, to_agency=agency)
    d = services.finish(d, actor=specialist, note=RESULT_NOTE)
    services.return_result(d, actor=clerk)


def statements_of(fn) -> list[str]:  # type: ignore[no-untyped-def]
    """The SQL statements one call of `fn` sends on Django's default connection."""
    from django.db import connection

    statements: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        fn()
    return statements


def write_comparison(name: str, procedure: str, runs: list, key: str, summary: dict) -> Path:
    """Write an alternating-runs comparison to bench/results/<BENCH_RESULT or name>.json and
    print its `summary` (kept under `key`). Django-free: the comparing process runs none."""
    payload = {
        "benchmark": name,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "procedure": procedure,
        "runs": runs,
        key: summary,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{os.environ.get('BENCH_RESULT', name)}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return path


def bench_agency_and_procedure():  # type: ignore[no-untyped-def]
    """The agency every lifecycle benchmark works in and its first published procedure."""
    from cchc.agencies.models import Agency
    from cchc.catalogue.models import Procedure

    agency = Agency.objects.get(code=BENCH_AGENCY)
    procedure = (
        Procedure.objects.filter(agencies=agency, status="PUBLISHED").order_by("code").first()
    )
    return agency, procedure


def client_api_lifecycle(client, procedure_code: str, agency_code: str) -> None:  # type: ignore[no-untyped-def]
    """One dossier's whole life through the API with Django's test client (no HTTP server):
    intake, transfer, finish, return. Any answer but the documented success fails."""
    r = client.post(
        "/api/v1/dossiers",
        {
            "procedure": procedure_code,
            "receiving_agency": agency_code,
            "applicant": {"name": "Hồ sơ đo đạc"},
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    code = r.json()["code"]
    for action, body in lifecycle_actions(agency_code):
        r = client.post(
            f"/api/v1/dossiers/{code}/actions/{action}",
            body,
            content_type="application/json",
        )
        assert r.status_code == 200, r.content
