"""Serve the platform over HTTP.

One process (`--workers 1`, the default): waitress, a pure-Python threaded server that runs
anywhere. Several processes (`--workers N`, or WEB_WORKERS): gunicorn's pre-fork server with
threaded workers, so requests use every core instead of sharing one interpreter lock.
Processes hold no state of their own (sessions, caches and queues live in the database), so
any number of them can serve side by side, on one machine or behind a load balancer.
"""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandError


def _gunicorn_app(application, options: dict):  # type: ignore[no-untyped-def]
    from gunicorn.app.base import BaseApplication

    class App(BaseApplication):
        def load_config(self):  # type: ignore[no-untyped-def]
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):  # type: ignore[no-untyped-def]
            return application

    return App()


class Command(BaseCommand):
    help = "Serve CCHC over HTTP (PORT or --port, default 8000; WEB_WORKERS or --workers processes)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "1")),
                            help="server processes (more than 1 needs gunicorn, i.e. Linux or macOS)")
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "8")),
                            help="threads per process")

    def handle(self, *args, host, port, workers, threads, **options):
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        from django.db import connections

        from config.wsgi import application

        connections.close_all()  # nothing opened here may be shared with forked workers
        self.stdout.write(f"CCHC listening on http://{host}:{port}/ ({workers} process(es) × {threads} thread(s))")
        self.stdout.flush()
        if workers == 1 or sys.platform == "win32":
            from waitress import serve

            serve(application, host=host, port=port, threads=threads, ident="cchc")
            return
        _gunicorn_app(application, {
            "bind": f"{host}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread",
            "accesslog": None, "errorlog": "-", "loglevel": "warning", "keepalive": 5,
            "graceful_timeout": 10, "timeout": 60,
        }).run()
