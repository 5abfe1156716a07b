"""The platform's own commands as child processes, as production runs them.

The tests that check the real server (`manage.py serve`) and worker, and the benchmarks that
measure them, start them the same way: this interpreter, `manage.py` from the project's root,
on a loopback port nothing listens on yet. Free of Django, so a benchmark can use it before
its settings are loaded.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]

Output = int | IO[Any] | None


def free_port() -> int:
    """A loopback TCP port that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_args(port: int, *, workers: int, threads: int) -> list[str]:
    """The `manage.py` arguments of the server on `port` (granian past one worker)."""
    return ["serve", "--port", str(port), "--workers", str(workers), "--threads", str(threads)]


def manage(
    *args: str,
    env: Mapping[str, str],
    stdout: Output = subprocess.DEVNULL,
    stderr: Output = subprocess.STDOUT,
    cwd: Path = ROOT,
) -> subprocess.Popen[bytes]:
    """`manage.py ARGS` in a child process (started, not waited for); its output goes to
    `stdout` (none by default) and its errors with it unless `stderr` says otherwise."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=cwd,
        env=dict(env),
        stdout=stdout,
        stderr=stderr,
    )
