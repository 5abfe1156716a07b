"""`manage.py serve` really serves: one waitress process, or several granian processes."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request

import pytest

from cchc.core.processes import free_port, manage, serve_args


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_answers_http_with_one_or_several_processes(workers, tmp_path):
    port = free_port()
    # an empty SQLite file is enough: the probe is the API's JSON 404, which reads no table
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}"}
    proc = manage(*serve_args(port, workers=workers, threads=2), env=env, stdout=subprocess.PIPE)
    try:
        body = b""
        for _ in range(300):  # a loaded CI machine starts slowly
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/nothing-here") as r:  # noqa: S310
                    body = r.read()
            except urllib.error.HTTPError as exc:
                body = exc.read()
                assert exc.code == 404
                break
            except OSError:
                time.sleep(0.1)
        assert b"not_found" in body
        if workers > 1:  # the first worker may answer before the last one is forked
            for _ in range(200):
                children = subprocess.run(
                    ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True
                ).stdout.split()
                if len(children) == workers:
                    break
                time.sleep(0.1)
            assert len(children) == workers, "granian forks one process per worker"
    finally:
        proc.terminate()
        out = proc.communicate(timeout=15)[0].decode()
    assert f"{workers} process(es)" in out
