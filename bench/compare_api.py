"""API lifecycles per second of another commit against this checkout, in alternating runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench .venv/bin/python bench/compare_api.py 4f6bfda
    DATABASE_URL=... .venv/bin/python bench/compare_api.py env:INDICES_REFRESH=immediate

This workplace's machines change speed from one minute to the next (the control loop of
bench/common.py varied by 2x within one session), more than most single changes are worth,
so one run of each tells little. This script checks the other commit out in a worktree under
var/, copies this checkout's bench scripts into it (both face the same load generator), and
runs bench_lifecycle.py's API phase (queued mode, as production runs) in each tree in turn
(with `cchc/core/processes.py`, the Django-free module the scripts start processes with).
Each commit runs on a database of its own (`<name>_<commit>` beside DATABASE_URL's
database), migrated and loaded by that commit's own code when it is missing, since a schema
from a later commit can refuse an earlier commit's writes; the databases are loaded at the
same time before the first round, from bundles generated with the same seed. (A database
copied from an older commit's, `CREATE DATABASE ... TEMPLATE ...`, and migrated forward by
the newer commit's `migrate` serves as well, and takes minutes instead of half an hour.)
`compare_api.py A B` compares two commits, neither of them this checkout (say, the code
before an issue and the commit where its work was complete, when later work on other issues
shares the hot path). `env:NAME=VALUE` instead of a commit compares this checkout with and without that setting
(the server inherits it), in the same alternating runs.
Each tree first runs untimed (COMPARE_WARMUP rounds, 1): a database just loaded
or copied is cold, and the first three rounds of issue 11's runs of 2026-12-03 strayed
from the steady later ones by up to 2x, both ways. Env: COMPARE_ROUNDS (5), COMPARE_WARMUP (1), BENCH_SECONDS (12). Writes bench/results/api_compare.json
(BENCH_RESULT names another file).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from common import ROOT, write_comparison

ROUNDS = int(os.environ.get("COMPARE_ROUNDS", "5"))
WARMUP = int(os.environ.get("COMPARE_WARMUP", "1"))
SECONDS = os.environ.get("BENCH_SECONDS", "12")


def python(tree: str | os.PathLike) -> str:
    return os.path.join(tree, ".venv", "bin", "python")


def worktree(commit: str) -> str:
    path = ROOT / "var" / f"compare-{commit}"
    if not path.exists():
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(path), commit], cwd=ROOT, check=True
        )
    for script in (ROOT / "bench").glob("*.py"):
        shutil.copy(script, path / "bench" / script.name)
    # the scripts start the server and workers through this Django-free module, which a tree
    # from before it lacks: it goes along with them (its ROOT is the tree it is copied into)
    shutil.copy(ROOT / "cchc" / "core" / "processes.py", path / "cchc" / "core" / "processes.py")
    venv = path / ".venv"
    if not venv.exists():
        same = subprocess.run(
            ["git", "diff", "--quiet", commit, "HEAD", "--", "requirements.txt"], cwd=ROOT
        )
        if same.returncode == 0:
            venv.symlink_to(ROOT / ".venv")
        else:  # its own pinned packages (an older commit may need one since removed)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run(
                [str(venv / "bin" / "pip"), "install", "-q", "-r", "requirements.txt"],
                cwd=path,
                check=True,
            )
    subprocess.run(
        [python(path), "manage.py", "compile_translations"],
        cwd=path,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return str(path)


def short(commit: str) -> str:
    """Seven hex digits unless that is ambiguous: git's default abbreviation grows with the
    repository (64f2f9a became 64f2f9ae), which named a new worktree and database and loaded
    a million dossiers again beside the ones already loaded."""
    return subprocess.run(
        ["git", "rev-parse", "--short=7", commit],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def database_url(commit: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    return f"{url}_{commit}" if url else url


def prepare(trees: dict[str, tuple[str, dict[str, str]]]) -> None:
    """Migrate and load every tree's database at once, before any timed run."""
    started = []
    distinct = {(tree, env.get("DATABASE_URL")): (tree, env) for tree, env in trees.values()}
    for tree, extra_env in distinct.values():
        env = {**os.environ, **extra_env, "BENCH_PHASES": "none", "BENCH_MODES": "queued"}
        env["BENCH_RESULT"] = "compare_prepare"
        started.append(
            (
                tree,
                subprocess.Popen([python(tree), "bench/bench_lifecycle.py"], cwd=tree, env=env),
            )
        )
    for tree, process in started:
        if process.wait() != 0:
            sys.exit(f"loading the database of {tree} failed")
        os.remove(os.path.join(tree, "bench", "results", "compare_prepare.json"))


def run(tree: str, label: str, extra_env: dict[str, str]) -> dict:
    name = "compare_run"
    env = {
        **os.environ,
        **extra_env,
        "BENCH_PHASES": "api",
        "BENCH_MODES": "queued",
        "BENCH_SECONDS": SECONDS,
        "BENCH_RESULT": name,
    }
    subprocess.run(
        [python(tree), "bench/bench_lifecycle.py"],
        cwd=tree,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    written = os.path.join(tree, "bench", "results", f"{name}.json")
    result = json.load(open(written, encoding="utf-8"))
    os.remove(written)
    api = result["modes"]["queued"]["api"]
    cpu = api["cpu_ms_per_lifecycle"]
    return {
        "code": label,
        "measured_at": result["measured_at"],
        "control_loop_s_at_start": result["machine"]["control_loop_s_at_start"],
        "api_lifecycles_per_s": api["per_second"],
        "cpu_ms_per_lifecycle": {**cpu, "all": round(sum(cpu.values()), 2)},
    }


def main() -> None:
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    base = sys.argv[1]
    head = short("HEAD")
    trees: dict[str, tuple[str, dict[str, str]]]
    if base.startswith("env:"):
        name, _, value = base[4:].partition("=")
        trees = {
            f"{head} with {name}={value}": (str(ROOT), {name: value}),
            f"{head} (this checkout)": (str(ROOT), {}),
        }
    else:
        commit = short(base)
        trees = {commit: (worktree(commit), {"DATABASE_URL": database_url(commit)})}
        if len(sys.argv) == 3:  # two commits, neither of them this checkout
            other = short(sys.argv[2])
            trees[other] = (worktree(other), {"DATABASE_URL": database_url(other)})
        else:
            trees[f"{head} (this checkout)"] = (str(ROOT), {})
    prepare(trees)
    for _ in range(WARMUP):
        for label, (tree, extra_env) in trees.items():
            warm = run(tree, label, extra_env)
            print("warm-up (not counted):", json.dumps(warm, ensure_ascii=False), flush=True)
    runs = []
    for _ in range(ROUNDS):
        for label, (tree, extra_env) in trees.items():
            runs.append(run(tree, label, extra_env))
            print(json.dumps(runs[-1], ensure_ascii=False), flush=True)
    means = {}
    for label in trees:
        mine = [r for r in runs if r["code"] == label]
        means[label] = {
            "api_lifecycles_per_s": round(
                sum(r["api_lifecycles_per_s"] for r in mine) / len(mine), 1
            ),
            **{
                f"{group}_cpu_ms": round(
                    sum(r["cpu_ms_per_lifecycle"].get(group, 0.0) for r in mine) / len(mine), 1
                )
                for group in ("web_server", "postgres", "index_worker", "all")
            },
        }
    write_comparison(
        "api_compare",
        f"bench_lifecycle.py, API phase, queued, {SECONDS} s per run, {ROUNDS} alternating rounds"
        f" after {WARMUP} untimed",
        runs,
        "means",
        means,
    )


if __name__ == "__main__":
    main()
