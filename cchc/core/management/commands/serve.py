"""Serve the platform with waitress (pure-Python WSGI server, no compiler needed)."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve CCHC over HTTP (PORT or --port, default 8000)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, threads, **options):
        from waitress import serve

        from config.wsgi import application

        self.stdout.write(f"CCHC listening on http://{host}:{port}/")
        serve(application, host=host, port=port, threads=threads, ident="cchc")
