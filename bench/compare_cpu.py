"""CPU per API lifecycle of another commit against this checkout, in alternating runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench .venv/bin/python bench/compare_cpu.py 64f2f9a
    DATABASE_URL=... .venv/bin/python bench/compare_cpu.py 64f2f9a 1c0bbf2   (two commits)

The companion of compare_api.py for a loaded machine: lifecycles per second over HTTP fall
with every other process on the cores, CPU time per lifecycle much less. Runs cpu_lifecycle.py
(in-process API lifecycles, Python CPU + the PostgreSQL backend's CPU) in each tree in turn,
both trees with this checkout's bench scripts. Env: COMPARE_ROUNDS (5), CPU_LIFECYCLES (200).
Writes bench/results/cpu_compare.json (BENCH_RESULT names another file).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys

from common import ROOT, write_comparison
from compare_api import database_url, python, short, worktree

ROUNDS = int(os.environ.get("COMPARE_ROUNDS", "5"))


def main() -> None:
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    # each commit on its own database, as compare_api.py runs them; two commits: neither is
    # this checkout
    trees = {}
    for ref in sys.argv[1:]:
        commit = short(ref)
        trees[commit] = (worktree(commit), {"DATABASE_URL": database_url(commit)})
    if len(sys.argv) == 2:
        trees[f"{short('HEAD')} (this checkout)"] = (str(ROOT), {})
    runs = []
    for _ in range(ROUNDS):
        for label, (tree, env) in trees.items():
            out = (
                subprocess.run(
                    [python(tree), "bench/cpu_lifecycle.py"],
                    cwd=tree,
                    env={**os.environ, **env},
                    check=True,
                    capture_output=True,
                    text=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            runs.append({"code": label, **json.loads(out)})
            print(json.dumps(runs[-1], ensure_ascii=False), flush=True)
    means = {}
    for label in trees:
        mine = [r for r in runs if r["code"] == label]
        means[label] = {
            key: round(statistics.median(r[key] for r in mine), 2)
            for key in ("python_cpu_ms", "postgres_cpu_ms", "wall_ms", "statements_per_lifecycle")
        }
        means[label]["cpu_ms"] = round(
            means[label]["python_cpu_ms"] + means[label]["postgres_cpu_ms"], 2
        )
    write_comparison(
        "cpu_compare",
        "cpu_lifecycle.py (in-process API lifecycles, queued index refresh), "
        f"{ROUNDS} alternating rounds; medians",
        runs,
        "medians",
        means,
    )


if __name__ == "__main__":
    main()
