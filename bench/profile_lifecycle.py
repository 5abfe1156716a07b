"""Where a lifecycle's time goes: statements and milliseconds per lifecycle, with and without
the change listeners, through the services and through the API (Django test client).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench .venv/bin/python bench/profile_lifecycle.py

Run bench_lifecycle.py first (it loads the data and creates the bench users). Prints only;
the figures quoted in docs/performance.md come from bench_lifecycle.py's results file.
"""

from __future__ import annotations

import time

from common import (
    bench_agency_and_procedure,
    client_api_lifecycle,
    service_lifecycle,
    setup_django,
    statements_of,
)

N = 20


def main() -> None:
    setup_django()
    from django.test import Client

    from cchc.accounts.models import ApiToken, User
    from cchc.dossiers.signals import dossier_changed

    agency, procedure = bench_agency_and_procedure()
    clerk = User.objects.get(username="bench_clerk")
    specialist = User.objects.get(username="bench_specialist")

    def one_service_lifecycle() -> None:
        service_lifecycle(procedure, agency, clerk, specialist, "Hồ sơ đo đạc")

    api_user = User.objects.get(username="bench_api")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(api_user, 'profile')[1]}")

    def api_lifecycle() -> None:
        client_api_lifecycle(client, procedure.code, agency.code)

    def measure(label: str, fn) -> None:  # type: ignore[no-untyped-def]
        fn()
        statements = statements_of(fn)
        t0 = time.perf_counter()
        for _ in range(N):
            fn()
        ms = (time.perf_counter() - t0) / N * 1000
        print(f"{label:45} {ms:7.1f} ms/lifecycle  {len(statements):3} statements")

    measure("services, listeners connected", one_service_lifecycle)
    measure("API (test client), listeners connected", api_lifecycle)
    saved = dossier_changed.receivers
    dossier_changed.receivers = []
    dossier_changed.sender_receivers_cache.clear()
    try:
        measure("services, no listeners", one_service_lifecycle)
        measure("API (test client), no listeners", api_lifecycle)
    finally:
        dossier_changed.receivers = saved
        dossier_changed.sender_receivers_cache.clear()


if __name__ == "__main__":
    main()
