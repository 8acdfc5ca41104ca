"""Load: the app under gunicorn on loopback, 20 concurrent users for 60 s, then the audit chain.

Run: DATABASE_URL=... .venv/bin/python bench/load.py [--seconds 60] [--users 20]
     [--workers 3] [--threads 6] [--think 0] [--warmup 3]

A throwaway database gets one workspace, one reviewer per simulated user (each with
an API token and a signed-in session), 20 Persian and English articles of 1,000–2,000
words, 300 claims and some evidence and comments, all made through the services.
gunicorn then serves the production settings (whitenoise manifest, secure cookies,
DEBUG off) and every user, on its own thread with one persistent connection, picks
per request: 70% reads (reader page, claims page, API claim and source lists), 25%
writes through the API (claims with W3C selectors, evidence, comments), 5% JSON Lines
exports. Any status outside 2xx/3xx or any exception is an error. After the run the
workspace's audit chain is verified from its stored canonical text, and the events
written during the run are matched against the writes and exports that succeeded.

The per-token API throttle is raised to 100000/hour for the run: at 20 users it
would otherwise refuse requests after 3,600 per token per hour, which measures the
throttle rather than the server. A short warm-up (not counted) lets every worker
open its database connections and compile its templates first.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from _setup import bench_database

BASE_DIR = Path(__file__).resolve().parent.parent
API_THROTTLE_RATE = "100000/hour"

ENGLISH = (
    "the minister said that unemployment fell by twelve percent last year while prices "
    "rose in every province according to official figures the central bank reported "
    "inflation of forty percent and the mayor promised new metro lines before the "
    "election although the budget shows no such spending critics argue the numbers were "
    "revised twice and independent economists doubt the survey which covered only urban "
    "households the ministry of health announced that vaccination reached ninety percent"
).split()
PERSIAN = (
    "وزیر گفت که نرخ بیکاری سال گذشته دوازده درصد کاهش یافت در حالی که قیمت‌ها در همه "
    "استان‌ها افزایش پیدا کرد بر اساس آمار رسمی بانک مرکزی تورم چهل درصدی را گزارش داد "
    "و شهردار پیش از انتخابات وعده خطوط تازه مترو داد هرچند بودجه چنین هزینه‌ای را نشان "
    "نمی‌دهد منتقدان می‌گویند ارقام دو بار بازنگری شده و اقتصاددانان مستقل به نظرسنجی "
    "تردید دارند که فقط خانوارهای شهری را در بر می‌گرفت وزارت بهداشت اعلام کرد واکسیناسیون "
    "به نود درصد رسید"
).split()
STANCES = ["supports", "refutes", "context"]
KINDS = ["official_document", "statement", "news_report", "dataset", "expert", "other"]
COMMENTS = [
    "Checked the ministry's PDF: the figure is for urban households only.",
    "منبع رسمی این عدد را تأیید نمی‌کند؛ نسخه‌ی بایگانی را ببینید.",
    "Needs a **second source** before we propose a verdict.",
    "گزارش بانک مرکزی (۱۴۰۲) رقم دیگری دارد.",
]


@dataclass(frozen=True)
class Span:
    """A sentence of a snapshot, with the W3C quote context a client would send."""

    snapshot: int
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass
class Plan:
    """What the simulated users need: ids to read and write, and their credentials."""

    slug: str
    articles: list[int]
    spans: list[Span]
    claims: list[int]
    tokens: list[str]
    cookies: list[str]
    seeded_events: int


@dataclass
class Sample:
    kind: str
    endpoint: str
    ms: float
    status: int  # 0 for an exception


@dataclass
class Results:
    samples: list[Sample] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    error_examples: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def article_text(rng: random.Random, words: list[str]) -> tuple[str, list]:
    """An article of 1,000–2,000 words in sentences and paragraphs, with sentence offsets."""
    title = " ".join(rng.sample(words, 6))
    parts, sentences, position, total = [title, "\n\n"], [], len(title) + 2, 0
    target = rng.randint(1000, 2000)
    while total < target:
        for _ in range(rng.randint(3, 6)):
            sentence = " ".join(rng.choice(words) for _ in range(rng.randint(8, 20)))
            sentence = sentence[0].upper() + sentence[1:] + "."
            total += sentence.count(" ") + 1
            sentences.append((position, position + len(sentence)))
            parts.append(sentence + " ")
            position += len(sentence) + 1
        parts.append("\n\n")
        position += 2
    return "".join(parts).rstrip(), sentences


def span_of(snapshot, start: int, end: int) -> Span:
    text = snapshot.text
    return Span(
        snapshot=snapshot.pk,
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - 32) : start],
        suffix=text[end : end + 32],
    )


def populate(users: int, article_count: int, claim_count: int) -> Plan:
    """Make the workspace through the services, as people would have."""
    from django.test import Client

    from app.accounts.models import User
    from app.articles.services import article_import_text
    from app.audit.models import AuditEvent
    from app.claims.evidence import evidence_add_with_source
    from app.claims.services import claim_create, comment_add
    from app.members.services import member_add, workspace_create
    from app.members.tokens import api_token_create

    rng = random.Random(8)
    admin = User.objects.create_user("load-admin", password=secrets.token_urlsafe())
    workspace = workspace_create(name="Load bench", creator=admin)
    reviewers = []
    for index in range(users):
        user = User.objects.create_user(f"load-{index}", password=secrets.token_urlsafe())
        member_add(workspace=workspace, user=user, role="reviewer", actor=admin)
        reviewers.append(user)
    articles, spans, snapshots = [], [], {}
    for index in range(article_count):
        persian = index % 2 == 1
        text, sentences = article_text(rng, PERSIAN if persian else ENGLISH)
        snapshot = article_import_text(
            workspace=workspace,
            text=text,
            actor=rng.choice(reviewers),
            language="fa" if persian else "en",
        ).snapshot
        articles.append(snapshot.article_id)
        snapshots[snapshot.pk] = snapshot
        spans.extend(span_of(snapshot, start, end) for start, end in sentences)
    claims = []
    for _ in range(claim_count):
        span = rng.choice(spans)
        claim = claim_create(
            workspace=workspace,
            snapshot=snapshots[span.snapshot],
            start=span.start,
            end=span.end,
            exact=span.exact,
            actor=rng.choice(reviewers),
            claimant=rng.choice(["The minister", "وزیر", "The mayor", "شهردار"]),
            tags=rng.sample(["economy", "health", "اقتصاد", "انتخابات"], 1),
        )
        claims.append(claim)
    for number, claim in enumerate(rng.sample(claims, 100)):
        evidence_add_with_source(
            claim=claim,
            url=f"https://stats.example.org/seed/{number}",
            title=f"Seed source {number}",
            stance=rng.choice(STANCES),
            actor=rng.choice(reviewers),
        )
        comment_add(claim=claim, body=rng.choice(COMMENTS), actor=rng.choice(reviewers))
    tokens = [
        api_token_create(workspace=workspace, actor=user, name="load bench").secret
        for user in reviewers
    ]
    cookies = []
    for user in reviewers:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        cookies.append(f"sessionid={client.cookies['sessionid'].value}")
    return Plan(
        slug=workspace.slug,
        articles=articles,
        spans=spans,
        claims=[claim.pk for claim in claims],
        tokens=tokens,
        cookies=cookies,
        seeded_events=AuditEvent.objects.filter(workspace=workspace).count(),
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(database: str) -> dict[str, str]:
    """Production settings pointed at the bench database."""
    url = urlsplit(os.environ["DATABASE_URL"])
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="app.settings",
        DATABASE_URL=urlunsplit(url._replace(path=f"/{database}")),
        SANAD_ENV="production",
        SECRET_KEY=os.environ["SECRET_KEY"],
        ALLOWED_HOSTS="127.0.0.1",
        SANAD_SIGNING_KEY_PATH=str(BASE_DIR / ".local" / "bench-audit-signing-key.pem"),
        SECURE_SSL_REDIRECT="false",
        SANAD_API_TOKEN_RATE=API_THROTTLE_RATE,
        LOG_LEVEL="WARNING",
    )
    return env


def wait_until_serving(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/accounts/login/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass  # not listening yet
        finally:
            connection.close()
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within 60 s:\n{log.read_text()}")


class User:
    """One simulated person: a session cookie, a token and one keep-alive connection."""

    def __init__(
        self,
        index: int,
        plan: Plan,
        port: int,
        results: Results | None,
        think: float = 0,
        seed: int = 0,
    ):
        self.plan = plan
        self.think = think
        self.port = port
        self.results = results
        self.rng = random.Random(seed + index)
        self.index = index
        self.cited = 0
        # Every URL a user cites is new, also across the warm-up and the measured run.
        self.url_prefix = f"https://news.example.org/load/{secrets.token_hex(4)}"
        self.session = {"Cookie": plan.cookies[index]}
        self.api = {"Authorization": f"Bearer {plan.tokens[index]}"}
        self.connection = self.connect()

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def send(self, kind, endpoint, method, path, headers, body=None) -> bytes | None:
        headers = dict(headers)
        if body is not None:
            body = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
            status = response.status
            problem = None if 200 <= status < 400 else data[:300].decode(errors="replace")
        except (OSError, http.client.HTTPException) as error:
            status, data, problem = 0, None, f"{type(error).__name__}: {error}"
            self.connection.close()
            self.connection = self.connect()
        elapsed = (time.perf_counter() - started) * 1000
        if self.results is not None:
            with self.results.lock:
                self.results.samples.append(Sample(kind, endpoint, elapsed, status))
                if problem is not None:
                    key = (endpoint, status)
                    self.results.errors[key] += 1
                    self.results.error_examples.setdefault(key, f"{method} {path}: {problem}")
        return data if problem is None else None

    def one_request(self) -> None:
        roll = self.rng.random()
        plan, rng = self.plan, self.rng
        api = f"/api/v1/workspaces/{plan.slug}"
        if roll < 0.70:
            which = rng.randrange(4)
            if which == 0:
                path = f"/w/{plan.slug}/articles/{rng.choice(plan.articles)}/"
                self.send("read", "reader page", "GET", path, self.session)
            elif which == 1:
                self.send("read", "claims page", "GET", f"/w/{plan.slug}/claims/", self.session)
            elif which == 2:
                self.send("read", "API claim list", "GET", f"{api}/claims/", self.api)
            else:
                self.send("read", "API source list", "GET", f"{api}/sources/", self.api)
        elif roll < 0.95:
            which = rng.randrange(3)
            if which == 0:
                self.create_claim(api)
            elif which == 1:
                self.cited += 1
                body = {
                    "url": f"{self.url_prefix}/{self.cited}",
                    "title": rng.choice(["Budget report", "گزارش بودجه"]),
                    "kind": rng.choice(KINDS),
                    "stance": rng.choice(STANCES),
                    "quote": rng.choice(COMMENTS),
                }
                path = f"{api}/claims/{rng.choice(plan.claims)}/evidence/"
                self.send("write", "API evidence add", "POST", path, self.api, body)
            else:
                path = f"{api}/claims/{rng.choice(plan.claims)}/comments/"
                body = {"body": rng.choice(COMMENTS)}
                self.send("write", "API comment add", "POST", path, self.api, body)
        else:
            path = (
                f"/api/v1/exports/jsonl/?workspace={plan.slug}&article={rng.choice(plan.articles)}"
            )
            self.send("export", "API JSONL export", "GET", path, self.api)

    def create_claim(self, api: str) -> None:
        span = self.rng.choice(self.plan.spans)
        body = {
            "snapshot": span.snapshot,
            "selectors": [
                {"type": "TextPositionSelector", "start": span.start, "end": span.end},
                {
                    "type": "TextQuoteSelector",
                    "exact": span.exact,
                    "prefix": span.prefix,
                    "suffix": span.suffix,
                },
            ],
            "claimant": self.rng.choice(["The minister", "وزیر"]),
            "tags": ["load"],
        }
        data = self.send("write", "API claim create", "POST", f"{api}/claims/", self.api, body)
        if data is not None:
            # Later evidence and comments may land on claims made during the run.
            self.plan.claims.append(json.loads(data)["id"])

    def run_until(self, deadline: float) -> None:
        while time.perf_counter() < deadline:
            self.one_request()
            if self.think:
                pause = self.rng.expovariate(1 / self.think)
                time.sleep(max(0.0, min(pause, deadline - time.perf_counter())))
        self.connection.close()


def cpu_seconds_by_process(server_pid: int, database: str) -> dict[int, tuple[str, float]]:
    """CPU time so far of the gunicorn workers and the bench database's backends.

    The machine is shared: latency says how long requests waited, CPU time says what
    they cost, which other people's load changes much less.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # the process ended meanwhile, or is not ours to read
        fields = stat[stat.rindex(")") + 2 :].split()
        parent = int(fields[1])
        if parent == server_pid or (title.startswith("postgres:") and f" {database} " in title):
            kind = "gunicorn" if parent == server_pid else "postgres"
            found[int(entry.name)] = (kind, (int(fields[11]) + int(fields[12])) / ticks)
    return found


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    used: dict[str, float] = defaultdict(float)
    for pid, (kind, seconds) in after.items():
        used[kind] += seconds - before.get(pid, (kind, 0.0))[1]
    return used


class WaitSampler(threading.Thread):
    """Twice a second, what the bench database's backends are doing (pg_stat_activity).

    Tells CPU starvation apart from waiting on locks (the audit chain's per-workspace
    advisory lock serializes writes) or on the write-ahead log.
    """

    def __init__(self, database: str):
        super().__init__(daemon=True)
        self.database = database
        self.seen: Counter = Counter()
        self.stop = threading.Event()

    def run(self) -> None:
        from django.db import connection

        try:
            with connection.cursor() as cursor:
                while not self.stop.wait(0.5):
                    cursor.execute(
                        "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()",
                        [self.database],
                    )
                    for state, wait_type, wait in cursor.fetchall():
                        if state == "active":
                            what = f"waiting {wait_type}:{wait}" if wait_type else "running"
                            self.seen[what] += 1
                        elif state == "idle in transaction":
                            # The transaction is open while the worker runs Python.
                            self.seen["idle in transaction"] += 1
        finally:
            connection.close()

    def summary(self) -> str:
        total = sum(self.seen.values())
        if not total:
            return "no busy backends seen"
        return ", ".join(f"{what} {count / total:.0%}" for what, count in self.seen.most_common(5))


def cpu_pressure() -> str:
    """Share of time some runnable task waited for a CPU (Linux PSI), last 10 s / 60 s."""
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except OSError:
        return "n/a"
    values = dict(item.split("=") for item in line.split()[1:])
    return f"{values['avg10']}% / {values['avg60']}%"


def machine() -> str:
    load = " ".join(f"{n:.2f}" for n in os.getloadavg())
    return f"load average {load}, CPU pressure (10 s / 60 s) {cpu_pressure()}"


def drive(
    plan: Plan,
    port: int,
    users: int,
    seconds: float,
    results: Results | None,
    think: float = 0,
    seed: int = 0,
) -> float:
    """Run `users` threads until `seconds` have passed; return the measured wall time."""
    people = [User(index, plan, port, results, think, seed) for index in range(users)]
    started = time.perf_counter()
    deadline = started + seconds
    threads = [threading.Thread(target=person.run_until, args=(deadline,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def endpoint_costs(plan: Plan, rounds: int = 15) -> dict:
    """CPU and queries per request of each endpoint, in this process, one at a time.

    Wall time under load mostly says how busy the machine is; CPU time per request
    says which endpoint to make cheaper first.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(3)
    client = Client()
    client.cookies["sessionid"] = plan.cookies[0].split("=", 1)[1]
    token = {"Authorization": f"Bearer {plan.tokens[0]}"}
    api = f"/api/v1/workspaces/{plan.slug}"

    def claim_body() -> dict:
        span = rng.choice(plan.spans)
        position = {"type": "TextPositionSelector", "start": span.start, "end": span.end}
        return {"snapshot": span.snapshot, "selectors": [position]}

    cases = {
        "reader page": lambda: client.get(f"/w/{plan.slug}/articles/{rng.choice(plan.articles)}/"),
        "claims page": lambda: client.get(f"/w/{plan.slug}/claims/"),
        "API claim list": lambda: client.get(f"{api}/claims/", headers=token),
        "API source list": lambda: client.get(f"{api}/sources/", headers=token),
        "API claim create": lambda: client.post(
            f"{api}/claims/", claim_body(), content_type="application/json", headers=token
        ),
        "API evidence add": lambda: client.post(
            f"{api}/claims/{rng.choice(plan.claims)}/evidence/",
            {"url": f"https://cost.example.org/{secrets.token_hex(6)}", "stance": "context"},
            content_type="application/json",
            headers=token,
        ),
        "API comment add": lambda: client.post(
            f"{api}/claims/{rng.choice(plan.claims)}/comments/",
            {"body": rng.choice(COMMENTS)},
            content_type="application/json",
            headers=token,
        ),
        "API JSONL export": lambda: b"".join(
            client.get(
                f"/api/v1/exports/jsonl/?workspace={plan.slug}&article={plan.articles[0]}",
                headers=token,
            ).streaming_content
        ),
    }
    print(f"\n{'endpoint, in process':<22}{'queries':>8}{'CPU ms':>8}{'wall ms':>9}  (medians)")
    for name, call in cases.items():
        cpu, wall, queries = [], [], []
        for _ in range(rounds):
            with CaptureQueriesContext(connection) as captured:
                begin_cpu, begin = time.process_time(), time.perf_counter()
                call()
                cpu.append((time.process_time() - begin_cpu) * 1000)
                wall.append((time.perf_counter() - begin) * 1000)
            queries.append(len(captured))
        print(
            f"{name:<22}{statistics.median(queries):>8.0f}{statistics.median(cpu):>8.1f}"
            f"{statistics.median(wall):>9.1f}"
        )
    return cases


def check_endpoints(plan: Plan, port: int) -> None:
    """Refuse to measure a run where a page would answer with a login redirect or 4xx."""
    probe = Results()
    person = User(0, plan, port, probe)
    api = f"/api/v1/workspaces/{plan.slug}"
    for path, headers in [
        (f"/w/{plan.slug}/articles/{plan.articles[1]}/", person.session),
        (f"/w/{plan.slug}/claims/", person.session),
        (f"{api}/claims/", person.api),
        (f"{api}/sources/", person.api),
        (f"/api/v1/exports/jsonl/?workspace={plan.slug}&article={plan.articles[0]}", person.api),
    ]:
        person.send("check", path, "GET", path, headers)
    person.create_claim(api)
    bad = [s for s in probe.samples if not 200 <= s.status < 300]
    if bad:
        details = "\n".join(f"  {s.endpoint}: {s.status}" for s in bad)
        raise SystemExit(f"endpoint check failed:\n{details}\n{dict(probe.error_examples)}")


def percentile(sorted_ms: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    rank = max(1, round(fraction * len(sorted_ms) + 0.5 - 1e-9))
    return sorted_ms[min(rank, len(sorted_ms)) - 1]


def report(results: Results, wall: float) -> None:
    samples = results.samples
    total_errors = sum(results.errors.values())
    rate = len(samples) / wall
    mean = sum(s.ms for s in samples) / len(samples)
    print(f"\n{len(samples):,} requests in {wall:.1f} s: {rate:.1f} requests/s")
    # Little's law: with no think time this is the user count, whatever the server does,
    # so latency there is users / throughput.
    print(f"mean latency {mean:.0f} ms; requests in flight on average {rate * mean / 1000:.1f}")
    print(
        f"\n{'kind / endpoint':<22}{'count':>7}{'share':>7}{'p50':>8}{'p95':>8}{'p99':>8}"
        f"{'max':>8}{'errors':>8}   (ms)"
    )
    groups: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        groups[sample.kind].append(sample)
        groups[f"  {sample.endpoint}"].append(sample)
    order = ["read", "write", "export"]
    for kind in order:
        names = [kind, *sorted({f"  {s.endpoint}" for s in groups[kind]})]
        for name in names:
            chosen = groups[name]
            if not chosen:
                continue
            ms = sorted(s.ms for s in chosen)
            errors = sum(1 for s in chosen if not 200 <= s.status < 400)
            print(
                f"{name:<22}{len(chosen):>7}{len(chosen) / len(samples):>7.1%}"
                f"{percentile(ms, 0.50):>8.1f}{percentile(ms, 0.95):>8.1f}"
                f"{percentile(ms, 0.99):>8.1f}{ms[-1]:>8.1f}{errors:>8}"
            )
    redirects = sum(1 for s in samples if 300 <= s.status < 400)
    print(f"\nerrors: {total_errors}   redirects (3xx, counted as success): {redirects}")
    for key, count in results.errors.most_common():
        print(f"  {count} x {key[0]} status {key[1]}: {results.error_examples[key]}")


def verify_chain(plan: Plan, results: Results) -> bool:
    """Verify the chain and match the run's events with the requests that succeeded."""
    from app.audit.models import AuditEvent
    from app.audit.verify import export_line, verify_lines
    from app.workspaces.models import Workspace

    workspace = Workspace.objects.get(slug=plan.slug)
    events = AuditEvent.objects.filter(workspace=workspace).order_by("seq")
    lines = (export_line(c, h) for c, h in events.values_list("canonical", "hash").iterator())
    outcome = verify_lines(lines, expect_first_seq=1)
    print(f"\naudit chain: {outcome}")
    done = Counter(s.endpoint for s in results.samples if 200 <= s.status < 300)
    run_actions = Counter(
        events.filter(seq__gt=plan.seeded_events).values_list("action", flat=True)
    )
    expected = {
        "claim.created": done["API claim create"],
        "evidence.added": done["API evidence add"],
        "source.created": done["API evidence add"],  # every URL cited in the run is new
        "comment.added": done["API comment add"],
        "export.created": done["API JSONL export"],
    }
    print(f"events: {events.count():,} in all, {sum(run_actions.values()):,} during the run")
    matched = True
    for action, wanted in expected.items():
        found = run_actions[action]
        flag = "ok" if found == wanted else "MISMATCH"
        matched &= found == wanted
        print(f"  {action:<16}{found:>6} events for {wanted:>6} successful requests  {flag}")
    return outcome.ok and matched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=20)
    # Three processes keep both cores busy even while one is between requests; the GIL
    # lets each run Python on one core only, so more processes add memory, not speed.
    # Six threads each give every user a thread, so a read never queues inside a worker
    # behind writes that wait for the audit chain's lock or the WAL flush (measured: 3x6
    # served more than 5x2 or 4x4 here, at the same CPU cost per request).
    parser.add_argument("--workers", type=int, default=3, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=6, help="threads per gunicorn process")
    parser.add_argument(
        "--think",
        type=float,
        default=0,
        help="mean pause of a user between requests, s (default 0: back to back)",
    )
    parser.add_argument("--warmup", type=float, default=3, help="uncounted seconds first")
    options = parser.parse_args()
    # The sessions made here must verify in the server: both sign with this key.
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    print(f"before: {machine()} on {os.cpu_count()} cores")
    with bench_database() as database:
        started = time.perf_counter()
        plan = populate(options.users, 20, 300)
        print(
            f"populated {len(plan.articles)} articles, {len(plan.claims)} claims, "
            f"{plan.seeded_events} audit events in {time.perf_counter() - started:.1f} s"
        )
        endpoint_costs(plan)
        env = server_env(database)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
        )
        port = free_port()
        command = [
            # The production settings (gunicorn.conf.py), with the process and thread
            # counts of this run.
            sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app.wsgi:application",
            "-k", "gthread", "-w", str(options.workers), "--threads", str(options.threads),
            "-b", f"127.0.0.1:{port}",
            # Clients keep their connection open between requests, as a proxy in front would.
            "--keep-alive", "30",
            "--graceful-timeout", "10",
            "--log-level", "warning",
        ]  # fmt: skip
        print(f"server: {' '.join(command[2:])}")
        with tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
            server = subprocess.Popen(  # noqa: S603 (our own fixed command line)
                command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
            )
            try:
                wait_until_serving(port, server, Path(log.name))
                check_endpoints(plan, port)
                if options.warmup:
                    drive(plan, port, options.users, options.warmup, None, options.think, seed=1000)
                plan.seeded_events = _event_count(plan)
                results = Results()
                pace = f"{options.think:g} s mean think time" if options.think else "no think time"
                print(f"{options.users} users, {pace}, for {options.seconds:g} s ...")
                cpu_before = cpu_seconds_by_process(server.pid, database)
                client_before = time.process_time()
                sampler = WaitSampler(database)
                sampler.start()
                wall = drive(plan, port, options.users, options.seconds, results, options.think)
                sampler.stop.set()
                sampler.join()
                client_cpu = time.process_time() - client_before
                cpu = cpu_used(cpu_before, cpu_seconds_by_process(server.pid, database))
            finally:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
            report(results, wall)
            count = len(results.samples)
            print(
                f"\nCPU during the run ({os.cpu_count()} cores, {wall:.0f} s wall): "
                f"gunicorn {cpu['gunicorn']:.1f} s ({cpu['gunicorn'] / count * 1000:.1f} ms/request), "
                f"PostgreSQL {cpu['postgres']:.1f} s ({cpu['postgres'] / count * 1000:.1f} ms/request), "
                f"load client {client_cpu:.1f} s"
            )
            print(f"busy PostgreSQL backends, sampled: {sampler.summary()}")
            per_request = (cpu["gunicorn"] + cpu["postgres"]) / count
            capacity = (os.cpu_count() or 1) / per_request
            print(
                f"estimate for this machine idle: {capacity:.0f} requests/s at this CPU cost; "
                f"{options.users} back-to-back users would then wait "
                f"~{options.users / capacity * 1000:.0f} ms per request on average"
            )
            server_log = Path(log.name).read_text().strip()
            if results.errors and server_log:
                print(f"\nserver log (last lines):\n{server_log[-3000:]}")
        chain_ok = verify_chain(plan, results)
    print(f"\nafter: {machine()}")
    if results.errors or not chain_ok:
        sys.exit(1)


def _event_count(plan: Plan) -> int:
    from app.audit.models import AuditEvent

    return AuditEvent.objects.filter(workspace__slug=plan.slug).count()


if __name__ == "__main__":
    main()
