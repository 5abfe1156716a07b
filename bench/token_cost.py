"""What reading the API token on every request costs, as a share of an API lifecycle.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench .venv/bin/python bench/token_cost.py

Issue 11 removed the token cache and allowed the API to lose up to the cache's own share
(~7 %). The comparison of whole commits (compare_api.py) also carries everything else those
commits changed; this measures the token read alone, in one process, in alternating rounds:
the CPU (Python + its PostgreSQL backend) of `ApiToken.authenticate` times the requests of a
lifecycle, against the CPU of a whole API lifecycle (cpu_lifecycle.py's). Run
bench_lifecycle.py first (it loads the data and creates the bench users). Env: COMPARE_ROUNDS
(5). Writes bench/results/token_cost.json (BENCH_RESULT names another file).
"""

from __future__ import annotations

import os
import statistics
import time

os.environ["INDICES_REFRESH"] = "queued"
from common import statements_of, write_result  # noqa: E402
from cpu_lifecycle import backend_cpu_seconds, prepared_lifecycle  # noqa: E402

ROUNDS = int(os.environ.get("COMPARE_ROUNDS", "5"))
LIFECYCLES = 200
READS = 2000


def main() -> None:
    lifecycle, pid, token, raw = prepared_lifecycle("token cost")
    from cchc.accounts.models import ApiToken

    def cpu_ms(fn, n: int) -> float:  # type: ignore[no-untyped-def]
        pg0, py0 = backend_cpu_seconds(pid), time.process_time()
        for _ in range(n):
            fn()
        return ((backend_cpu_seconds(pid) - pg0) + (time.process_time() - py0)) / n * 1000

    # one token read a request: the statements of a lifecycle that read the token table
    requests = sum('"accounts_apitoken"' in s for s in statements_of(lifecycle))
    rounds = []
    try:
        for _ in range(ROUNDS):
            life = cpu_ms(lifecycle, LIFECYCLES)
            read = cpu_ms(lambda: ApiToken.authenticate(raw), READS)
            rounds.append(
                {
                    "lifecycle_cpu_ms": round(life, 3),
                    "token_read_cpu_ms": round(read, 4),
                    "share": round(requests * read / life, 4),
                }
            )
            print(rounds[-1], flush=True)
    finally:
        token.delete()
    write_result(
        os.environ.get("BENCH_RESULT", "token_cost"),
        {
            "token_reads_per_lifecycle": requests,
            "rounds": rounds,
            "median_share": statistics.median(r["share"] for r in rounds),
        },
    )


if __name__ == "__main__":
    main()
