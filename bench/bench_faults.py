"""Load and fault figures (issue 12 point 9): parallel clients write through the real HTTP
server while the database is restarted under them; then every acknowledged write is checked.

    .venv/bin/python bench/bench_faults.py            # its own throw-away cluster on port 5434

By default the script creates a PostgreSQL cluster of its own (initdb into a temporary
directory, run as the `postgres` user when started as root, listening on 127.0.0.1:5434 and a
socket in that directory), and restarts only that cluster, with `pg_ctl restart`: the first
restart with `-m fast` (sessions ended, clean shutdown), the second with `-m immediate` (a
crash: no checkpoint, WAL recovery at start). It never touches another cluster: a database
URL on port 5432 is refused. To use a cluster of your own instead, give both
`--database-url` (a database whose name contains "bench"; dropped and created) and
`--restart-cmd` (a shell command run for each restart, e.g. `pg_ctlcluster 15 faults
restart`).

What runs, for `--seconds` (default 60):
* the server as production runs it (`manage.py serve`, granian, `--web-workers` processes of
  `--web-threads` threads) and the background worker (`manage.py run_worker`), which the
  script starts again whenever it exits, as a service manager would (each exit is counted);
* `--clients` (default 50) client threads, each with its own HTTP connection: most run dossier
  lifecycles through `/api/v1` (intake at the counter, transfer, finish, return result), each
  write with an `Idempotency-Key` of its own; the others (`--open311-clients`, default 10)
  file petitions through the Open311 GeoReport v2 POST with an API key of their own, each
  petition's POST with an `Idempotency-Key` of its own (kept across its retries);
* a request that gets no answer (connection refused or dropped, time-out) or a 5xx is sent
  again, the same request with the same key, with a growing pause, until it is answered with a
  success or `--give-up` seconds have passed; any other answer is a failure and ends that
  client's current lifecycle;
* the database is restarted `--restarts` times (default 2), evenly spread over the run.

Then the worker is given time to empty both outboxes and the script checks, in the database:
dossiers and petitions created, duplicates (one marker per intended write: must be 0),
acknowledged writes lost (must be 0), for petitions also that each acknowledged petition's
key is stored with the code it was acknowledged with and that no key stands for a petition
that does not exist (key and petition are committed together), every acknowledged action present once in the dossier's
history, one index fact per dossier and per petition and the dossier's fact up to date (resolved
once `finish` was acknowledged), exactly one notification per channel for each notified,
acknowledged action (receipt, result), all sent, no index mark left, codes unique; and for each
restart, how long the database was down (until it accepted connections again) and the
recovery time: from the restart's start to the first success of a request sent after the first
failure it caused. Figures: bench/results/faults.json (or `--result NAME`).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SHARED_PORT = 5432  # the machine's shared cluster: never restarted by this script
AGENCY = "H26.100"
DOSSIER_NOTIFIED = ("receive", "finish")  # cchc.portal.notifications.NOTIFIED_ACTIONS ∩ lifecycle
ACTIONS = (("transfer", {"to_agency": AGENCY}), ("finish", {}), ("return_result", {}))


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=50, help="client threads in all (50)")
    p.add_argument(
        "--open311-clients", type=int, default=10, help="of which file Open311 petitions (10)"
    )
    p.add_argument("--seconds", type=float, default=60, help="length of the run (60)")
    p.add_argument("--restarts", type=int, default=2, help="database restarts in the run (2)")
    p.add_argument(
        "--stop-modes",
        default="fast,immediate",
        help="pg_ctl shutdown mode of each restart, cycled (fast,immediate); own cluster only",
    )
    p.add_argument("--port", type=int, default=5434, help="port of the script's own cluster")
    p.add_argument("--database-url", help="use this database instead of an own cluster")
    p.add_argument("--restart-cmd", help="shell command restarting that database's cluster")
    p.add_argument("--dossiers", type=int, default=2000, help="dossiers loaded beforehand")
    p.add_argument("--web-workers", type=int, default=2)
    p.add_argument("--web-threads", type=int, default=8)
    p.add_argument("--give-up", type=float, default=120, help="seconds of retries per request")
    p.add_argument("--settle", type=float, default=180, help="seconds for the outboxes to empty")
    p.add_argument("--result", default="faults", help="bench/results/NAME.json")
    p.add_argument("--keep-cluster", action="store_true", help="leave the own cluster running")
    args = p.parse_args()
    if bool(args.database_url) != bool(args.restart_cmd):
        p.error("--database-url and --restart-cmd go together")
    if args.port == SHARED_PORT:
        p.error(f"port {SHARED_PORT} is the shared cluster's: pick another")
    if not 0 <= args.open311_clients < args.clients:
        p.error("--open311-clients must leave at least one dossier client")
    return args


# -- the database cluster ---------------------------------------------------------------------
class OwnCluster:
    """A throw-away PostgreSQL cluster in a temporary directory, run by `postgres` when this
    script runs as root (PostgreSQL refuses to run as root)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="cchc-faults-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                sys.exit(f"port {port} is in use: give another with --port")

    def pg_ctl(self, *args: str) -> list[str]:
        return [
            *self.as_user,
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            *args,
        ]

    def start(self) -> None:
        subprocess.run(
            [
                *self.as_user,
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data),
                "--auth=trust",
                "-U",
                "postgres",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=self.dir,
        )
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c max_connections=200"
        )
        subprocess.run(self.pg_ctl("-w", "-o", options, "start"), check=True, cwd=self.dir)

    def restart_command(self, mode: str) -> list[str]:
        return self.pg_ctl("-w", "-m", mode, "restart")

    def stop(self) -> None:
        subprocess.run(self.pg_ctl("-w", "-m", "fast", "stop"), check=False, cwd=self.dir)
        shutil.rmtree(self.dir, ignore_errors=True)


def pg_ready(host: str, port: int, timeout: float = 120) -> float:
    """Seconds until the server accepts connections again."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        r = subprocess.run(
            [str(PG_BIN / "pg_isready"), "-q", "-h", host, "-p", str(port)], check=False
        )
        if r.returncode == 0:
            return time.monotonic() - t0
        time.sleep(0.05)
    raise RuntimeError("the database did not come back")


# -- processes --------------------------------------------------------------------------------
class Services:
    """The web server and the background worker on the bench database, logs in `logdir`;
    the worker is started again whenever it exits."""

    def __init__(self, root: Path, logdir: Path, args: argparse.Namespace) -> None:
        self.root = root
        self.logdir = logdir
        self.args = args
        self.port = free_port()
        self.env = {
            **os.environ,
            "CCHC_ENV": "development",
            "DEBUG": "0",
            "INDICES_REFRESH": "immediate",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            # a message a worker had leased when the database went away comes back in seconds
            "NOTIFICATION_LEASE_SECONDS": "5",
            "NOTIFICATION_RETRY_SECONDS": "2",
        }
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.worker_exits: list[dict[str, Any]] = []
        self.stopping = threading.Event()
        self.supervisor: threading.Thread | None = None
        self.t0 = time.monotonic()  # reset when the clients start

    def _spawn(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = open(self.logdir / f"{name}.log", "ab")  # noqa: SIM115 - lives with the process
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=self.root,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        import requests

        self.server = self._spawn(
            "server",
            "serve",
            "--port",
            str(self.port),
            "--workers",
            str(self.args.web_workers),
            "--threads",
            str(self.args.web_threads),
        )
        self.worker = self._spawn("worker", "run_worker", "--interval", "0.5")
        self.supervisor = threading.Thread(target=self._supervise, daemon=True)
        self.supervisor.start()
        for _ in range(1200):
            try:
                requests.get(f"{self.url}/open311/v2/discovery.json", timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("the server did not start: " + self.tail("server"))

    def _supervise(self) -> None:
        while not self.stopping.is_set():
            if self.worker is not None and self.worker.poll() is not None:
                self.worker_exits.append(
                    {"at_s": round(time.monotonic() - self.t0, 1), "code": self.worker.returncode}
                )
                if self.stopping.wait(1):
                    return
                self.worker = self._spawn("worker", "run_worker", "--interval", "0.5")
            self.stopping.wait(0.2)

    def stop(self) -> None:
        self.stopping.set()
        if self.supervisor is not None:
            self.supervisor.join()
        for proc in (self.server, self.worker):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()

    def tail(self, name: str, chars: int = 3000) -> str:
        path = self.logdir / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def count_in_log(self, name: str, needle: str) -> int:
        path = self.logdir / f"{name}.log"
        return path.read_text(errors="replace").count(needle) if path.exists() else 0


def git_commit(root: Path) -> str:
    """The commit measured, with "+changes" when the work tree differs from it."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results"],
        cwd=root,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{head}+changes" if dirty else head


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- the clients ------------------------------------------------------------------------------
class Record:
    """Everything the clients saw, shared between their threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.attempts = 0  # HTTP requests sent, retries included
        self.retries = 0
        self.statuses: collections.Counter[str] = collections.Counter()
        self.replayed = 0
        self.replayed_open311 = 0  # of which Open311 petition POSTs
        self.answers: list[tuple[float, float, bool]] = []  # (sent, answered, success)
        self.gave_up: list[dict[str, Any]] = []
        self.refused: list[dict[str, Any]] = []  # answered with a 4xx: not retried
        # intended writes: marker -> what was acknowledged
        self.dossiers: dict[str, dict[str, Any]] = {}
        self.petitions: dict[str, str | None] = {}
        self.petition_keys: dict[str, str] = {}  # marker -> its Idempotency-Key
        self.client_errors: list[str] = []  # a client thread that died (a bug of the script)

    def successes(self) -> int:
        with self.lock:
            return sum(1 for a in self.answers if a[2])

    def answer(self, sent: float, status: str, ok: bool) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.answers.append((sent, time.monotonic(), ok))


def send(
    session: Any,
    record: Record,
    args: argparse.Namespace,
    method_url: str,
    *,
    json: dict | None = None,
    data: dict | None = None,
    headers: dict | None = None,
) -> Any:
    """One write, sent again (same body, same key) on no answer or a 5xx until it succeeds or
    `--give-up` seconds have passed. The response, or None."""
    import requests

    first = time.monotonic()
    pause = 0.2
    tries = 0
    while True:
        tries += 1
        sent = time.monotonic()
        with record.lock:
            record.attempts += 1
            if tries > 1:
                record.retries += 1
        try:
            r = session.post(method_url, json=json, data=data, headers=headers, timeout=30)
        except requests.RequestException as exc:
            record.answer(sent, f"no answer ({type(exc).__name__})", False)
            r = None
        else:
            record.answer(sent, str(r.status_code), r.status_code < 400)
            if r.status_code < 400:
                if r.headers.get("Idempotent-Replayed") == "true":
                    with record.lock:
                        record.replayed += 1
                        if "/open311/" in method_url:
                            record.replayed_open311 += 1
                return r
            if r.status_code < 500:
                with record.lock:
                    record.refused.append(
                        {
                            "url": method_url.split("/", 3)[-1],
                            "status": r.status_code,
                            "body": r.text[:300],
                        }
                    )
                return None
        if time.monotonic() - first > args.give_up:
            with record.lock:
                record.gave_up.append({"url": method_url.split("/", 3)[-1], "tries": tries})
            return None
        time.sleep(pause)
        pause = min(pause * 2, 2.0)


def dossier_client(
    n: int,
    base: str,
    token: str,
    procedure: str,
    deadline: float,
    record: Record,
    args: argparse.Namespace,
) -> None:
    import requests

    session = requests.Session()
    auth = {"Authorization": f"Bearer {token}"}

    def post(url: str, body: dict) -> Any:
        """POST with a fresh idempotency key (each request is a new write)."""
        headers = {**auth, "Idempotency-Key": str(uuid.uuid4())}
        return send(session, record, args, url, json=body, headers=headers)

    i = 0
    while time.monotonic() < deadline:
        i += 1
        marker = f"Thử lỗi c{n:02d}-{i:05d}"
        entry: dict[str, Any] = {"code": None, "actions": []}
        with record.lock:
            record.dossiers[marker] = entry
        body = {
            "procedure": procedure,
            "receiving_agency": AGENCY,
            "applicant": {
                "name": marker,
                "phone": f"09{n:02d}{i:06d}",
                "email": f"c{n:02d}.{i:05d}@example.vn",
            },
        }
        r = post(f"{base}/api/v1/dossiers", body)
        if r is None:
            continue
        entry["code"] = r.json()["code"]
        for action, payload in ACTIONS:
            r = post(f"{base}/api/v1/dossiers/{entry['code']}/actions/{action}", payload)
            if r is None:
                break
            entry["actions"].append(action)


def open311_client(
    n: int, base: str, api_key: str, deadline: float, record: Record, args: argparse.Namespace
) -> None:
    import requests

    session = requests.Session()
    i = 0
    while time.monotonic() < deadline:
        i += 1
        marker = f"Kiến nghị thử lỗi o{n:02d}-{i:05d}"
        # one key per intended petition, sent again with each retry of its POST: a petition
        # committed whose answer was lost (a dropped connection, a restart) is replayed, not
        # filed twice
        key = str(uuid.uuid4())
        with record.lock:
            record.petitions[marker] = None
            record.petition_keys[marker] = key
        form = {
            "api_key": api_key,
            "service_code": "TTHC-QUYDINH",
            "lat": "21.028511",
            "long": "105.804817",
            "description": f"{marker}: thủ tục đòi bản sao công chứng không cần thiết.",
            "first_name": "Thử",
            "last_name": f"Lỗi {n:02d}",
            "email": f"o{n:02d}.{i:05d}@example.vn",
            "phone": f"08{n:02d}{i:06d}",
            "attribute[agency_code]": AGENCY,
        }
        r = send(
            session,
            record,
            args,
            f"{base}/open311/v2/requests.json",
            data=form,
            headers={"Idempotency-Key": key},
        )
        if r is not None:
            with record.lock:
                record.petitions[marker] = r.json()[0]["service_request_id"]


# -- the checks -------------------------------------------------------------------------------
def check(record: Record, before: dict[str, int]) -> dict[str, Any]:
    from django.db.models import Count

    from cchc.core.models import IdempotencyKey
    from cchc.dossiers.models import Dossier, DossierEvent
    from cchc.feedback.models import Petition
    from cchc.indices.models import DossierFact, PendingRefresh, PetitionFact
    from cchc.portal.models import Notification

    out: dict[str, Any] = {}
    # dossiers
    rows = list(
        Dossier.objects.filter(applicant_name__startswith="Thử lỗi c").values_list(
            "pk", "applicant_name", "code"
        )
    )
    by_marker: dict[str, list[tuple[int, str]]] = collections.defaultdict(list)
    for pk, name, code in rows:
        by_marker[name].append((pk, code))
    acked = {m: e for m, e in record.dossiers.items() if e["code"]}
    lost = [m for m in acked if m not in by_marker]
    wrong_code = [m for m, e in acked.items() if m in by_marker and by_marker[m][0][1] != e["code"]]
    unacked_created = [m for m in by_marker if m not in acked]
    ids = [pk for pk, _name, _code in rows]
    events = collections.Counter(
        DossierEvent.objects.filter(dossier_id__in=ids).values_list("dossier_id", "action")
    )
    pk_of = {m: v[0][0] for m, v in by_marker.items()}
    actions_lost, actions_doubled = [], []
    for m, e in acked.items():
        if m not in pk_of:
            continue
        for action in ("receive", *e["actions"]):
            seen = events[(pk_of[m], action)]
            if seen == 0:
                actions_lost.append((m, action))
            elif seen > 1:
                actions_doubled.append((m, action, seen))
    facts = dict(
        DossierFact.objects.filter(dossier_id__in=ids).values_list("dossier_id", "resolved")
    )
    fact_missing = [m for m in pk_of if pk_of[m] not in facts]
    fact_stale = [
        m
        for m, e in acked.items()
        if m in pk_of and pk_of[m] in facts and facts[pk_of[m]] != ("finish" in e["actions"])
    ]
    notices = collections.Counter(
        Notification.objects.filter(dossier_id__in=ids).values_list("dossier_id", "kind", "channel")
    )
    notices_wrong = []
    for m, e in acked.items():
        if m not in pk_of:
            continue
        done = {"receive", *e["actions"]}
        for kind in DOSSIER_NOTIFIED:
            for channel in Notification.Channel.values:
                want = 1 if kind in done else 0
                got = notices[(pk_of[m], kind, channel)]
                if got != want:
                    notices_wrong.append((m, kind, channel, got, want))
    codes = [code for _pk, _name, code in rows]
    out["dossiers"] = {
        "intended": len(record.dossiers),
        "intakes_acknowledged": len(acked),
        "created": len(rows),
        "created_total_in_database": Dossier.objects.count() - before["dossiers"],
        "duplicates": sum(len(v) - 1 for v in by_marker.values()),
        "acknowledged_lost": len(lost),
        "acknowledged_with_another_code": len(wrong_code),
        "created_but_never_acknowledged": len(unacked_created),
        "actions_acknowledged": sum(len(e["actions"]) for e in acked.values()),
        "lifecycles_completed": sum(1 for e in acked.values() if len(e["actions"]) == 3),
        "acknowledged_actions_missing_from_history": len(actions_lost),
        "actions_recorded_twice": len(actions_doubled),
        "index_fact_missing": len(fact_missing),
        "index_fact_not_up_to_date": len(fact_stale),
        "notifications": sum(notices.values()),
        "notifications_not_exactly_once": len(notices_wrong),
        "notifications_not_sent": Notification.objects.filter(dossier_id__in=ids)
        .exclude(status=Notification.Status.SENT)
        .count(),
        "codes_unique": len(codes) == len(set(codes)),
        "examples": {
            "lost": lost[:5],
            "wrong_code": wrong_code[:5],
            "actions_lost": actions_lost[:5],
            "actions_doubled": actions_doubled[:5],
            "fact_missing": fact_missing[:5],
            "fact_stale": fact_stale[:5],
            "notices_wrong": notices_wrong[:5],
            "created_never_acknowledged": unacked_created[:5],
        },
    }
    # petitions
    prow = list(
        Petition.objects.filter(description__startswith="Kiến nghị thử lỗi o").values_list(
            "pk", "description", "code"
        )
    )
    p_by_marker: dict[str, list[tuple[int, str]]] = collections.defaultdict(list)
    for pk, description, code in prow:
        p_by_marker[description.split(":", 1)[0]].append((pk, code))
    p_acked = {m: c for m, c in record.petitions.items() if c}
    p_lost = [m for m in p_acked if m not in p_by_marker]
    p_ids = [pk for pk, _d, _c in prow]
    p_facts = set(
        PetitionFact.objects.filter(petition_id__in=p_ids).values_list("petition_id", flat=True)
    )
    p_codes = [c for _pk, _d, c in prow]
    petition_notices = (
        Notification.objects.filter(kind__startswith="petition:").count()
        - before["petition_notices"]
    )
    # the Open311 keys: each stored with the answer (the petition's code) it replays
    key_code: dict[str, str | None] = {}
    for key, body in IdempotencyKey.objects.filter(scope__startswith="open311:").values_list(
        "key", "body"
    ):
        try:
            key_code[key] = json.loads(bytes(body))[0]["service_request_id"]
        except (ValueError, LookupError, TypeError):
            key_code[key] = None
    code_marker = {c: m for m, v in p_by_marker.items() for _pk, c in v}
    p_keyed = {m: record.petition_keys[m] for m in record.petitions if m in record.petition_keys}
    keys_missing = [m for m in p_acked if p_keyed.get(m) not in key_code]
    keys_other_code = [
        m for m, c in p_acked.items() if p_keyed.get(m) in key_code and key_code[p_keyed[m]] != c
    ]
    created_without_key = [m for m in p_by_marker if p_keyed.get(m) not in key_code]
    keys_without_petition = [k for k, c in key_code.items() if c not in code_marker]
    out["petitions"] = {
        "intended": len(record.petitions),
        "acknowledged": len(p_acked),
        "created": len(prow),
        "duplicates": sum(len(v) - 1 for v in p_by_marker.values()),
        "acknowledged_lost": len(p_lost),
        "acknowledged_with_another_code": sum(
            1
            for m, c in p_acked.items()
            if m in p_by_marker and c not in {x[1] for x in p_by_marker[m]}
        ),
        "created_but_never_acknowledged": sum(1 for m in p_by_marker if m not in p_acked),
        "posts_replayed_by_idempotency_key": record.replayed_open311,
        "idempotency_keys_stored": len(key_code),
        "acknowledged_without_their_key_stored": len(keys_missing),
        "key_stored_with_another_code": len(keys_other_code),
        "created_without_their_key_stored": len(created_without_key),
        "keys_without_their_petition": len(keys_without_petition),
        "index_fact_missing": sum(1 for pk in p_ids if pk not in p_facts),
        "notifications_queued (filing notifies no one)": petition_notices,
        "codes_unique": len(p_codes) == len(set(p_codes)),
        "examples": {
            "duplicates": [m for m, v in p_by_marker.items() if len(v) > 1][:5],
            "lost": p_lost[:5],
            "created_never_acknowledged": [m for m in p_by_marker if m not in p_acked][:5],
            "key_missing": keys_missing[:5],
            "key_with_another_code": keys_other_code[:5],
            "keys_without_petition": keys_without_petition[:5],
        },
    }
    out["index_marks_left"] = PendingRefresh.objects.count()
    out["idempotency_keys_stored"] = IdempotencyKey.objects.count()
    out["all_dossier_codes_unique"] = (
        Dossier.objects.values("code").annotate(n=Count("pk")).filter(n__gt=1).count() == 0
    )
    return out


# -- the run ----------------------------------------------------------------------------------
def restart_windows(record: Record, restarts: list[dict[str, Any]]) -> None:
    """For each restart, from the moment its command began: the first failed answer (the
    outage seen by the clients), the first success to a request sent after that failure (the
    service is back: the recovery time), the last failure and the failures in between."""
    answers = list(record.answers)
    for r in restarts:
        start = r.pop("_start")
        failed = sorted(a[1] for a in answers if not a[2] and a[1] >= start)
        first_fail = failed[0] if failed else None
        ok_after = sorted(
            a[1] for a in answers if a[2] and a[0] >= (first_fail if failed else start)
        )
        first_ok = ok_after[0] if ok_after else None
        # the old measure, kept: the first success to a request sent after the command began
        # (with a slow restart command a request can still succeed before the database stops)
        sent_after = sorted(a[1] for a in answers if a[2] and a[0] >= start)
        r["first_write_acknowledged_after_s"] = (
            round(sent_after[0] - start, 2) if sent_after else None
        )
        r["first_failure_after_s"] = round(first_fail - start, 2) if failed else None
        r["recovered_after_s"] = round(first_ok - start, 2) if first_ok is not None else None
        window = [t for t in failed if first_ok is None or t <= first_ok + 5]
        r["failed_answers_around_it"] = len(window)
        r["last_failure_after_s"] = round(max(window) - start, 2) if window else None


def guarded(target: Any, record: Record) -> Any:
    def run(*a: Any) -> None:
        try:
            target(*a)
        except Exception as exc:  # noqa: BLE001 - recorded in the figures, not hidden
            with record.lock:
                record.client_errors.append(f"{target.__name__}: {exc!r}"[:300])

    return run


def main() -> None:
    args = parse_args()
    cluster: OwnCluster | None = None
    if args.database_url:
        url = args.database_url
        if f":{SHARED_PORT}/" in url or url.rstrip("/").endswith(f":{SHARED_PORT}"):
            sys.exit(f"refusing to restart the cluster on port {SHARED_PORT}: it is shared")
        restart = [args.restart_cmd] * args.restarts
    else:
        cluster = OwnCluster(args.port)
        cluster.start()
        url = f"postgres://postgres@127.0.0.1:{args.port}/cchc_bench_faults"
        modes = args.stop_modes.split(",")
        restart = [modes[k % len(modes)] for k in range(args.restarts)]
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DB_CONN_MAX_AGE", "60")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import ROOT, ensure_dossiers, setup_database, write_result

    logdir = Path(tempfile.mkdtemp(prefix="cchc-faults-logs-"))
    services: Services | None = None
    try:
        setup_database(keep=False)
        load = ensure_dossiers(args.dossiers)
        import dj_database_url
        from django.db import connection

        from cchc.accounts.models import ApiToken, Membership, User
        from cchc.agencies.models import Agency
        from cchc.catalogue.models import Procedure
        from cchc.dossiers.models import Dossier
        from cchc.feedback.open311_clients import issue_key

        agency = Agency.objects.get(code=AGENCY)
        procedure = (
            Procedure.objects.filter(agencies=agency, status="PUBLISHED").order_by("code").first()
        )
        n_dossier = args.clients - args.open311_clients
        tokens = []
        for n in range(n_dossier):
            user, _ = User.objects.get_or_create(
                username=f"faults_{n:02d}", defaults={"kind": "STAFF", "province_code": "01"}
            )
            for role in ("CLERK", "SPECIALIST"):
                Membership.objects.get_or_create(user=user, agency=agency, role=role)
            tokens.append(ApiToken.issue(user, "faults")[1])
        keys = [issue_key(name=f"Ứng dụng thử lỗi {n:02d}")[1] for n in range(args.open311_clients)]
        from cchc.portal.models import Notification

        before = {
            "dossiers": Dossier.objects.count(),
            "petition_notices": Notification.objects.filter(kind__startswith="petition:").count(),
        }
        connection.close()

        cfg = dj_database_url.parse(url)
        host, port = cfg["HOST"] or "127.0.0.1", int(cfg["PORT"] or 5432)
        services = Services(ROOT, logdir, args)
        services.start()
        record = Record()
        load_before = os.getloadavg()
        t0 = services.t0 = time.monotonic()
        deadline = t0 + args.seconds
        threads = [
            threading.Thread(
                target=guarded(dossier_client, record),
                args=(n, services.url, tokens[n], procedure.code, deadline, record, args),
            )
            for n in range(n_dossier)
        ] + [
            threading.Thread(
                target=guarded(open311_client, record),
                args=(n, services.url, keys[n], deadline, record, args),
            )
            for n in range(args.open311_clients)
        ]
        for t in threads:
            t.start()
        restarts: list[dict[str, Any]] = []
        for k, how in enumerate(restart):
            at = t0 + args.seconds * (k + 1) / (len(restart) + 1)
            time.sleep(max(0.0, at - time.monotonic()))
            start = time.monotonic()
            if cluster is not None:
                cmd = cluster.restart_command(how)
                proc = subprocess.run(
                    cmd, check=False, capture_output=True, text=True, cwd=cluster.dir
                )
            else:
                proc = subprocess.run(how, shell=True, check=False, capture_output=True, text=True)  # noqa: S602 - the operator's own command
            pg_ready(host, port)
            restarts.append(
                {
                    "_start": start,
                    "at_s": round(start - t0, 1),
                    "how": how if cluster is None else f"pg_ctl restart -m {how}",
                    "command_exit": proc.returncode,
                    "database_down_s": round(time.monotonic() - start, 2),
                    "acknowledged_writes_before_it": record.successes(),
                }
            )
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        load_after = os.getloadavg()
        # the worker empties both outboxes (it may have died with the database: supervised)
        from cchc.indices.models import PendingRefresh

        connection.close()
        settle0 = time.monotonic()
        while time.monotonic() - settle0 < args.settle:
            try:
                waiting = Notification.objects.filter(status=Notification.Status.QUEUED).count()
                marks = PendingRefresh.objects.count()
            except Exception:  # noqa: BLE001 - a stale connection after a restart
                connection.close()
                time.sleep(0.5)
                continue
            if waiting == 0 and marks == 0:
                break
            time.sleep(0.5)
        settle_s = time.monotonic() - settle0
        services.stop()
        server_tracebacks = services.count_in_log("server", "Traceback")
        worker_tracebacks = services.count_in_log("worker", "Traceback")
        restart_windows(record, restarts)
        connection.close()
        checks = check(record, before)
        sent_ok = record.successes()
        result = {
            "command": " ".join(shlex.quote(a) for a in sys.argv),
            "commit": git_commit(ROOT),
            "database": "own throw-away cluster" if cluster else "given by --database-url",
            "setup": load,
            "clients": {
                "total": args.clients,
                "dossier_lifecycles": n_dossier,
                "open311_petitions": args.open311_clients,
            },
            "server": {"processes": args.web_workers, "threads_each": args.web_threads},
            "seconds": round(elapsed, 1),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
            "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
            "requests": {
                "sent": record.attempts,
                "retries": record.retries,
                "answers_by_status": dict(sorted(record.statuses.items())),
                "successes": sent_ok,
                "failures": record.attempts - sent_ok,
                "replayed_by_idempotency_key": record.replayed,
                "of_which_open311_posts": record.replayed_open311,
                "refused_4xx": len(record.refused),
                "refused_examples": record.refused[:5],
                "given_up": len(record.gave_up),
                "given_up_examples": record.gave_up[:5],
                "client_threads_died": record.client_errors,
            },
            "restarts": restarts,
            "worker_exits": services.worker_exits,
            "server_tracebacks_logged": server_tracebacks,
            "worker_tracebacks_logged": worker_tracebacks,
            "outboxes_settled_in_s": round(settle_s, 1),
            "checks": checks,
        }
        # the logs are kept for a reader of the figures (var/ is not committed)
        for name in ("server", "worker"):
            if (logdir / f"{name}.log").exists():
                (ROOT / "var").mkdir(exist_ok=True)
                shutil.copy(logdir / f"{name}.log", ROOT / "var" / f"faults-{name}.log")
        write_result(args.result, result)
    finally:
        if services is not None:
            services.stop()
        shutil.rmtree(logdir, ignore_errors=True)  # copied to var/ above when the run finished
        if cluster is not None and not args.keep_cluster:
            cluster.stop()
        elif cluster is not None:
            print(f"cluster left running: {cluster.data} on port {cluster.port}")


if __name__ == "__main__":
    main()
