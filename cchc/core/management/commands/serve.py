"""Serve the platform over HTTP.

One process (`--workers 1`, the default): waitress, a pure-Python threaded server that runs
anywhere. Several processes (`--workers N`, or WEB_WORKERS): granian, a server written in
Rust: its workers are forked from this process (after the application is loaded) and each
runs the application on `--threads` threads, so requests use every core instead of sharing
one interpreter lock. It replaced gunicorn in session 5: reading requests and writing
responses in Rust instead of Python gave 8-10 % more API lifecycles per second on the same
2 cores (docs/performance.md). Processes hold no state of their own (sessions, caches and
queues live in the database), so any number of them can serve side by side, on one machine
or behind a load balancer.
"""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandError


def _granian(host: str, port: int, workers: int, threads: int):  # type: ignore[no-untyped-def]
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces
    from granian.log import LogLevels

    return Granian(
        "config.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        http=HTTPModes.http1,
        workers=workers,
        blocking_threads=threads,
        runtime_threads=1,
        websockets=False,
        log_level=LogLevels.warning,
        respawn_failed_workers=True,
    )


class Command(BaseCommand):
    help = (
        "Serve CCHC over HTTP (PORT or --port, default 8000; WEB_WORKERS or --workers processes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_WORKERS", "1")),
            help="server processes (more than 1 runs granian's forked workers: Linux or macOS)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS", "8")),
            help="threads per process",
        )

    def handle(self, *args, host, port, workers, threads, **options):
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        from django.core.servers.basehttp import get_internal_wsgi_application
        from django.db import connections

        application = get_internal_wsgi_application()  # settings.WSGI_APPLICATION (config.wsgi)

        connections.close_all()  # nothing opened here may be shared with forked workers
        self.stdout.write(
            f"CCHC listening on http://{host}:{port}/ ({workers} process(es) × {threads} thread(s))"
        )
        self.stdout.flush()
        if workers == 1 or sys.platform == "win32":
            from waitress import serve

            serve(application, host=host, port=port, threads=threads, ident="cchc")
            return
        # the workers are forked from here: config.wsgi is already imported (and its startup
        # heap frozen, cchc.core.runtime), so each worker finds the application loaded
        _granian(host, port, workers, threads).serve()
