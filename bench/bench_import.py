"""Dossiers imported per second (with their histories) by `import_bundle`, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_interchange_bench .venv/bin/python bench/bench_import.py

Generates N dossiers (BENCH_DOSSIERS, default 200,000) with the demo generator
(cchc.demo.bundle, realistic histories: supplements, payments, late finishes, open dossiers),
drops and recreates the database named by DATABASE_URL (its name must contain "bench"),
migrates it, then imports the bundle file by file, timing each. Then it runs the same bundle
again (idempotent re-run: everything unchanged) and times that too.

The dossier figure is the wall time of `import_file(dossiers.jsonl)`: parse, validate, replay
each history through cchc.dossiers.state.replay, COPY dossiers and events, commit. The
indices' listener of `dossiers_bulk_changed` runs on commit; its time is reported separately.
Writes bench/results/import.json.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from common import ROOT, prepare_database, setup_django, write_result

N = int(os.environ.get("BENCH_DOSSIERS", "200000"))
TRUSTED = os.environ.get("BENCH_TRUSTED", "1") != "0"  # import_bundle --trusted: our own bundle


def main() -> None:
    prepare_database(keep=False)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from cchc.demo.bundle import generate
    from cchc.dossiers import signals
    from cchc.dossiers.models import DossierEvent
    from cchc.interchange.formats import BUNDLE_FILES
    from cchc.interchange.services import import_file

    call_command("migrate", verbosity=0)
    bundle = (
        Path(os.environ["BENCH_BUNDLE"])
        if os.environ.get("BENCH_BUNDLE")
        else ROOT / "var" / f"bench-import-{N}"
    )
    t0 = time.monotonic()
    if not (bundle / "dossiers.jsonl").exists():
        generate(bundle, dossiers=N, petitions=max(1000, N // 200), seed=766)
    generate_seconds = time.monotonic() - t0
    with (bundle / "dossiers.jsonl").open("rb") as fh:
        lines = sum(1 for _ in fh)

    # BENCH_LISTENER=off disconnects the listeners of the bulk signal (the indices' refresh of
    # the imported dossiers' facts): import_bundle's own work alone. Otherwise they run on
    # commit as in production and are timed separately.
    listener = os.environ.get("BENCH_LISTENER", "on") != "off"
    if not listener:
        signals.dossiers_bulk_changed.receivers.clear()
        signals.dossiers_bulk_changed.sender_receivers_cache.clear()
    listener_seconds = {"value": 0.0}
    original_send = signals.dossiers_bulk_changed.send

    def timed_send(*args, **kwargs):
        start = time.monotonic()
        try:
            return original_send(*args, **kwargs)
        finally:
            listener_seconds["value"] += time.monotonic() - start

    signals.dossiers_bulk_changed.send = timed_send  # type: ignore[method-assign]

    runs = []
    for label in ("first import (empty database)", "second import (same bundle)"):
        files = {}
        for name in BUNDLE_FILES:
            if not (bundle / name).exists():
                continue
            listener_seconds["value"] = 0.0
            load_before = os.getloadavg()[0]
            start = time.monotonic()
            result = import_file(bundle, name, trusted=TRUSTED)
            seconds = time.monotonic() - start
            files[name] = {
                "summary": result.summary(),
                "seconds": round(seconds, 2),
                "listener_seconds": round(listener_seconds["value"], 2),
                "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            }
            if result.stats:
                files[name]["loader"] = result.stats
            print(f"{label}: {result.summary()} in {seconds:.1f} s", flush=True)
        runs.append({"run": label, "files": files})

    dossier_first = runs[0]["files"]["dossiers.jsonl"]
    import_only = dossier_first["seconds"] - dossier_first["listener_seconds"]
    events = DossierEvent.objects.count()
    write_result(
        os.environ.get("BENCH_RESULT", "import"),
        {
            "command": " ".join(
                f"{k}={os.environ[k]}"
                for k in (
                    "DATABASE_URL",
                    "BENCH_DOSSIERS",
                    "BENCH_BUNDLE",
                    "BENCH_LISTENER",
                    "CCHC_IMPORT_WORKERS",
                    "BENCH_TRUSTED",
                )
                if k in os.environ
            )
            + " .venv/bin/python bench/bench_import.py",
            "indices_listener": "connected (timed separately)" if listener else "disconnected",
            "dossiers_in_file": lines,
            "events_imported": events,
            "generate_seconds": round(generate_seconds, 1),
            "dossiers_per_second": round(lines / import_only),
            "dossiers_per_second_including_indices_refresh": round(lines / dossier_first["seconds"])
            if listener
            else None,
            "second_run_dossiers_per_second": round(
                lines / runs[1]["files"]["dossiers.jsonl"]["seconds"]
            ),
            "runs": runs,
            "postgres": connection.pg_version,
        },
    )


if __name__ == "__main__":
    main()
