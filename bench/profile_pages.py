"""Latency and CPU of one index page, optionally with a cProfile listing (not a benchmark:
prints only; the figures in docs/performance.md come from bench_indices.py's results).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_indices_bench \\
        .venv/bin/python bench/profile_pages.py "/indices/?period=2026" [--prof [tottime]]
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import time

from common import percentile, setup_django

REQUESTS = 40


def main() -> None:
    setup_django()
    from django.test import Client

    from cchc.accounts.models import User
    from cchc.agencies.models import Agency

    province = Agency.objects.values_list("province_code", flat=True).first()
    admin, _ = User.objects.get_or_create(
        username="bench_province_admin",
        defaults={"kind": "PROVINCE_ADMIN", "province_code": province, "full_name": "Bench"},
    )
    client = Client()
    client.force_login(admin)
    url = sys.argv[1] if len(sys.argv) > 1 else "/indices/?period=2026"
    assert client.get(url).status_code == 200
    cpu0, times = time.process_time(), []
    for _ in range(REQUESTS):
        t0 = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    print(
        f"{url}: p50 {percentile(times, 50):.1f} ms, p95 {percentile(times, 95):.1f} ms, "
        f"Python CPU {(time.process_time() - cpu0) / REQUESTS * 1000:.1f} ms per request"
    )
    if "--prof" in sys.argv:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(10):
            client.get(url)
        profile.disable()
        order = (
            sys.argv[sys.argv.index("--prof") + 1]
            if len(sys.argv) > sys.argv.index("--prof") + 1
            else "cumulative"
        )
        pstats.Stats(profile).sort_stats(order).print_stats(40)


if __name__ == "__main__":
    main()
