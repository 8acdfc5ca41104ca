"""The issue-17 peer workload against Sanad as production serves it: the table's Sanad column.

Run: ./sanad bench bench/peers.py [--workers 2 --worker-class sync] [--export-claims 101000]
     [--creates-per-article 50] [--articles-with-claims 20] [--reads 10]

A throwaway database gets one workspace, 200 Persian articles of about 3,000 characters
(Persian and Arabic-Indic digits, no-break spaces, ZWNJ), imported through the services.
gunicorn then serves it with the repo's gunicorn.conf.py (or the workers and worker class
given), the production settings (DEBUG off) on 127.0.0.1, and one sequential client with
one keep-alive connection (sync workers close it after each response; the client reopens)
measures, in the issue's order:

1. create one claim through the API (20 articles x 50 claims, one request each): p50/p99,
   requests/s; SQL per request counted in this process with Django's test client and
   CaptureQueriesContext on the same request (the server's own settings may differ in
   throttling and caching, not in the statements a create sends);
2. read an article + 50 claims through the one-request reader API: p50/p95 of repeated
   reads (served from the shared cache) and of cold reads (after a claim change);
3. the same for an article with 500 claims (made through `claim_create` in process);
4. export of ~101,000 claims as JSON Lines (the rest added by bench/_populate.py):
   seconds and the peak resident memory of the worker process that served it (VmRSS
   sampled every 10 ms, and its VmHWM);
5. the same claims as W3C annotations: the streamed `page=all` collection, and the
   keyset (`after=`) pages followed link by link;
6. a bare Django view on the same server (`/healthz`: every middleware, a JsonResponse,
   no database) in requests/s, and create's share of it.

The load average is printed before and after: the machine is shared, so wall-clock
figures move with it; SQL counts do not.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from _populate import populate_claims
from _setup import bench_database
from load import free_port, machine, server_env, wait_until_serving

BASE_DIR = Path(__file__).resolve().parent.parent
NBSP = "\u00a0"
ZWNJ = "\u200c"
# Written for this bench: news prose with the traits of real Persian copy.
SENTENCES = [
    f"به گزارش خبرگزاری‌ها، وزیر نیرو روز سه‌شنبه گفت ذخیرهٔ سدهای کشور به ۴۲{NBSP}درصد رسیده است.",
    f"این رقم در سال ١٤٠١ حدود ۵۸{NBSP}درصد بود و کارشناسان می‌گویند کاهش آن بی‌سابقه است.",
    f"سخنگوی دولت اعلام کرد که تورم نقطه‌به‌نقطه در آبان‌ماه به ۳۱٫۵{NBSP}درصد کاهش یافته است.",
    f"مرکز آمار اما نرخ تورم سالانه را ٣٩{NBSP}درصد اعلام کرده و این دو عدد با هم نمی‌خوانند.",
    "شهردار تهران وعده داد که خط ۱۰ مترو تا پایان سال ۱۴۰۳ به بهره‌برداری برسد.",
    f"بودجهٔ مصوب برای این طرح ۲۵۰۰{NBSP}میلیارد تومان است، در حالی که برآورد اولیه دو برابر بود.",
    "نمایندهٔ مجلس مدعی شد که صادرات غیرنفتی در شش ماه نخست سال دو برابر شده است.",
    f"گزارش گمرک نشان می‌دهد صادرات غیرنفتی در همین دوره تنها ۱۲{NBSP}درصد رشد داشته است.",
    f"وزارت بهداشت می‌گوید پوشش واکسیناسیون کودکان به ٩٨{NBSP}درصد رسیده است.",
    "منتقدان می‌پرسند چرا داده‌های خام این بررسی هیچ‌گاه منتشر نشده است.",
    f"به گفتهٔ رئیس کل بانک مرکزی، نقدینگی در پایان شهریور از ۷۵۰۰{NBSP}هزار میلیارد تومان گذشت.",
    "اقتصاددانان مستقل هشدار می‌دهند که رشد نقدینگی پیش‌ران اصلی تورم است.",
    f"آمار رسمی نرخ بیکاری را ۸٫۲{NBSP}درصد نشان می‌دهد، اما نرخ مشارکت اقتصادی پایین است.",
    "وزیر راه و شهرسازی گفت ساخت یک میلیون مسکن در سال جاری آغاز شده است.",
    f"داده‌های پروانه‌های ساختمانی صادرشده تنها از شروع ٢١٠{NBSP}هزار واحد خبر می‌دهد.",
    "رئیس سازمان حفاظت محیط زیست اعلام کرد کیفیت هوای پایتخت نسبت به سال پیش بهتر شده است.",
    f"شمار روزهای آلوده در پاییز امسال به ۳۶ روز رسید که از میانگین پنج‌سالهٔ ۲۹{NBSP}روز بیشتر است.",
    "سخنگوی وزارت خارجه این ادعا را که قرارداد همکاری هنوز امضا نشده، رد کرد.",
]
PEERS = {
    # As measured by the author (issue 17), not by this script.
    "create": ("67 / 93 ms, 14.6 req/s, 62 SQL", "14 / 36 ms, 67 req/s, 16 SQL"),
    "read50": ("169 / 211 ms", "21 / 27 ms, 2 requests"),
    "read500": ("685 ms", "36 ms"),
    "jsonl": ("29.4 s / 1.48 GB", "15.6 s / 1.74 GB"),
}


def article_text(rng: random.Random, size: int = 3000) -> str:
    """About `size` characters of the sentences above, in paragraphs of 3-6 sentences."""
    paragraphs, length = [], 0
    while length < size:
        paragraph = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(3, 6)))
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def spans(text: str, count: int, rng: random.Random) -> list[tuple[int, int]]:
    """`count` distinct spans of 2-5 words inside one line each (code-point offsets)."""
    words, position = [], 0
    for line in text.split("\n"):
        for token in line.split(" "):
            if token:
                words.append((position, position + len(token)))
            position += len(token) + 1
    chosen = set()
    while len(chosen) < count:
        first = rng.randrange(len(words) - 5)
        last = first + rng.randint(1, 4)
        start, end = words[first][0], words[last][1]
        if "\n" not in text[start:end]:
            chosen.add((start, end))
    return sorted(chosen)


def claim_body(text: str, snapshot: int, start: int, end: int) -> dict:
    """What an annotation client sends: W3C position and quote selectors."""
    return {
        "snapshot": snapshot,
        "selectors": [
            {"type": "TextPositionSelector", "start": start, "end": end},
            {
                "type": "TextQuoteSelector",
                "exact": text[start:end],
                "prefix": text[max(0, start - 32) : start],
                "suffix": text[end : end + 32],
            },
        ],
        "claimant": "وزیر",
        "tags": ["peers"],
    }


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


class Client:
    """One sequential HTTP client with one keep-alive connection and the API token."""

    def __init__(self, port: int, token: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.headers = {"Authorization": f"Bearer {token}"}

    def reconnect(self) -> None:
        """A new connection: after an idle spell the server has closed the old one."""
        self.connection.close()

    def request(self, method: str, path: str, body=None, sink=None) -> tuple[float, bytes]:
        """(ms, body); with `sink`, the body is read in chunks and handed to it instead."""
        headers = dict(self.headers)
        if body is not None:
            body = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        if sink is None:
            data = response.read()
        else:
            data = b""
            while chunk := response.read(1 << 16):
                sink(chunk)
        elapsed = (time.perf_counter() - started) * 1000
        if not 200 <= response.status < 300:
            raise SystemExit(f"{method} {path}: HTTP {response.status}: {data[:500]!r}")
        return elapsed, data


def workers_of(server_pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == server_pid:
                found.append(int(entry.name))
    return found


def status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class WorkerMemory(threading.Thread):
    """Every 10 ms the resident memory of each worker; after, which one did the work."""

    def __init__(self, server_pid: int):
        super().__init__(daemon=True)
        self.pids = workers_of(server_pid)
        self.peak = dict.fromkeys(self.pids, 0)
        self.cpu_before = {pid: cpu_seconds(pid) for pid in self.pids}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.01):
            for pid in self.pids:
                with contextlib.suppress(OSError):  # a worker gunicorn replaced meanwhile
                    self.peak[pid] = max(self.peak[pid], status_kib(pid, "VmRSS"))

    def finish(self) -> tuple[int, float, float, float]:
        """(pid, CPU s) of the busiest worker; peak RSS sampled and VmHWM, MiB, of any.

        The client cannot tell which worker served it, so the memory figures are the
        highest of all the workers: an upper bound for the one that did.
        """
        self.stop.set()
        self.join()
        alive = [pid for pid in self.pids if Path(f"/proc/{pid}").exists()]
        used = {pid: cpu_seconds(pid) - self.cpu_before[pid] for pid in alive}
        pid = max(used, key=used.get)
        hwm = max(status_kib(worker, "VmHWM") for worker in alive)
        return pid, used[pid], max(self.peak.values()) / 1024, hwm / 1024


def populate(options):
    """The workspace, the reviewer and token, the articles; the 500-claim article's claims."""
    from app.accounts.models import User
    from app.articles.services import article_import_text
    from app.claims.services import claim_create
    from app.members.services import member_add, workspace_create
    from app.members.tokens import api_token_create

    rng = random.Random(17)
    admin = User.objects.create_user("peers-admin", password=secrets.token_urlsafe())
    reviewer = User.objects.create_user("peers-reviewer", password=secrets.token_urlsafe())
    workspace = workspace_create(name="Peers bench", creator=admin)
    member_add(workspace=workspace, user=reviewer, role="reviewer", actor=admin)
    snapshots = []
    for number in range(options.articles):
        snapshots.append(
            article_import_text(
                workspace=workspace,
                text=article_text(rng),
                title=f"گزارش شمارهٔ {number + 1}",
                language="fa",
                actor=reviewer,
            ).snapshot
        )
    big = snapshots[-1]
    for start, end in spans(big.text, 500, rng):
        claim_create(
            workspace=workspace,
            snapshot=big,
            start=start,
            end=end,
            exact=big.text[start:end],
            actor=reviewer,
        )
    token = api_token_create(workspace=workspace, actor=reviewer, name="peers bench").secret
    return workspace, reviewer, snapshots, token, rng


def sql_per_create(workspace, snapshot, token: str, rng, rounds: int = 5) -> list[int]:
    """Statements per API create, in this process, for the same request the server gets."""
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    client = TestClient(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = f"/api/v1/workspaces/{workspace.slug}/claims/"
    counts = []
    for start, end in spans(snapshot.text, rounds + 1, rng)[: rounds + 1]:
        body = claim_body(snapshot.text, snapshot.pk, start, end)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, body, content_type="application/json")
        if response.status_code != 201:
            raise SystemExit(f"in-process create: {response.status_code} {response.content[:300]}")
        counts.append(len(captured))
    return counts[1:]  # the first also warms caches (token, throttle rates)


def sql_per_read(workspace, snapshot, token: str) -> tuple[int, int]:
    """Statements per reader request: (cached, cold after a claim change)."""
    from django.db import connection
    from django.db.models import F
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    from app.claims.models import ReaderVersion

    client = TestClient(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = reader_url(workspace.slug, snapshot)
    client.get(url)
    with CaptureQueriesContext(connection) as cached:
        client.get(url)
    ReaderVersion.objects.filter(workspace=workspace).update(version=F("version") + 1)
    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    return len(cached), len(cold)


def reader_url(slug: str, snapshot) -> str:
    return (
        f"/api/v1/workspaces/{slug}/articles/{snapshot.article_id}/snapshots/{snapshot.pk}/reader/"
    )


def measure_reads(client: Client, workspace, snapshots, reads: int, claims: int) -> dict:
    """Cached reads (`reads` per article) and cold reads (a claim change before each)."""
    from django.db.models import F

    from app.claims.models import ReaderVersion

    versions = ReaderVersion.objects.filter(workspace=workspace)
    cached, cold = [], []
    for snapshot in snapshots:
        url = reader_url(workspace.slug, snapshot)
        _, body = client.request("GET", url)  # fills the cache if this version is new
        if len(json.loads(body)["claims"]) != claims:
            raise SystemExit(f"{url}: expected {claims} claims")
        for _ in range(reads):
            cached.append(client.request("GET", url)[0])
        for _ in range(max(2, reads // 2)):
            versions.update(version=F("version") + 1)
            cold.append(client.request("GET", url)[0])
    return {"cached": cached, "cold": cold}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, help="gunicorn processes (default: the conf's)")
    parser.add_argument("--worker-class", help="gunicorn worker class (default: the conf's)")
    parser.add_argument("--threads", type=int, help="threads per gthread worker")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--articles-with-claims", type=int, default=20)
    parser.add_argument("--creates-per-article", type=int, default=50)
    parser.add_argument("--reads", type=int, default=10, help="cached reads per article")
    parser.add_argument("--export-claims", type=int, default=101_000)
    parser.add_argument("--bare", type=int, default=2000, help="requests to the bare view")
    options = parser.parse_args()
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    print(f"before: {machine()} on {os.cpu_count()} cores")
    with bench_database() as database:
        from app.claims.models import Claim

        started = time.perf_counter()
        workspace, reviewer, snapshots, token, rng = populate(options)
        print(
            f"populated {len(snapshots)} Persian articles "
            f"({statistics.mean(len(s.text) for s in snapshots):,.0f} characters on average) "
            f"and 500 claims on one, in {time.perf_counter() - started:.1f} s"
        )
        env = server_env(database)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
        )
        port = free_port()
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
        command += ["-b", f"127.0.0.1:{port}", "--log-level", "warning"]
        if options.workers:
            command += ["-w", str(options.workers)]
        if options.worker_class:
            command += ["-k", options.worker_class]
        if options.threads:
            command += ["--threads", str(options.threads)]
        print(f"server: gunicorn {' '.join(command[3:])} (DEBUG off, production settings)")
        with tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
            server = subprocess.Popen(  # noqa: S603 (our own fixed command line)
                command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
            )
            try:
                wait_until_serving(port, server, Path(log.name))
                rows = run(options, server, port, workspace, reviewer, snapshots, token, rng)
            except BaseException:
                print(f"server log (last lines):\n{Path(log.name).read_text()[-3000:]}")
                raise
            finally:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
        total = Claim.objects.filter(workspace=workspace).count()
    print(f"\nafter: {machine()}")
    print(f"\n{'workload':<44}{'Sanad (this run)':<64}{'Label Studio 1.23':<34}doccano 1.8")
    print(f"{'':<44}{'':<64}{'(issue 17, not measured here)':<34}(issue 17)")
    for name, figures, peers in rows:
        ls, dc = peers
        print(f"{name:<44}{figures:<64}{ls:<34}{dc}")
    print(f"\n({total:,} claims in the workspace at the end)")


def run(options, server, port, workspace, reviewer, snapshots, token, rng) -> list:
    from django.db.models import F

    from app.claims.models import ReaderVersion

    client = Client(port, token)
    api = f"/api/v1/workspaces/{workspace.slug}"
    for _ in range(20):  # warm-up: every worker loads its templates and connections
        client.request("GET", "/healthz")
        client.request("GET", reader_url(workspace.slug, snapshots[-1]))
    rows = []

    # 1. Creates, one request each.
    with_claims = snapshots[: options.articles_with_claims]
    plan = [
        (snapshot, start, end)
        for snapshot in with_claims
        for start, end in spans(snapshot.text, options.creates_per_article, rng)
    ]
    creates = []
    started = time.perf_counter()
    for snapshot, start, end in plan:
        ms, _ = client.request(
            "POST", f"{api}/claims/", claim_body(snapshot.text, snapshot.pk, start, end)
        )
        creates.append(ms)
    wall = time.perf_counter() - started
    create_rate = len(creates) / wall
    sql = sql_per_create(workspace, snapshots[options.articles_with_claims], token, rng)
    print(
        f"\n1. create: {len(creates)} claims in {wall:.1f} s: p50 {statistics.median(creates):.1f}"
        f" ms, p99 {percentile(creates, 0.99):.1f} ms, {create_rate:.1f} req/s; SQL per create"
        f" in process: {sql}"
    )
    rows.append(
        (
            "create one claim (API) p50/p99, req/s, SQL",
            f"{statistics.median(creates):.1f} / {percentile(creates, 0.99):.1f} ms, "
            f"{create_rate:.1f} req/s, {statistics.median(sql):.0f} SQL",
            PEERS["create"],
        )
    )

    # 2 and 3. The reader in one request.
    cached_sql, cold_sql = sql_per_read(workspace, with_claims[0], token)
    reads = measure_reads(
        client, workspace, with_claims, options.reads, options.creates_per_article
    )
    big = measure_reads(client, workspace, snapshots[-1:], options.reads * 5, 500)
    for label, got in (("50 claims", reads), ("500 claims", big)):
        print(
            f"2/3. reader, {label}: cached p50 {statistics.median(got['cached']):.1f} / p95 "
            f"{percentile(got['cached'], 0.95):.1f} ms ({len(got['cached'])} reads); cold p50 "
            f"{statistics.median(got['cold']):.1f} / p95 {percentile(got['cold'], 0.95):.1f} ms "
            f"({len(got['cold'])} reads); 1 request"
        )
    print(f"     SQL per reader request in process: {cached_sql} cached, {cold_sql} cold")
    rows.append(
        (
            "read article + 50 claims p50/p95, requests",
            f"{statistics.median(reads['cached']):.1f} / {percentile(reads['cached'], 0.95):.1f}"
            f" ms cached ({statistics.median(reads['cold']):.1f} / "
            f"{percentile(reads['cold'], 0.95):.1f} cold), 1 request",
            PEERS["read50"],
        )
    )
    rows.append(
        (
            "read article + 500 claims p50",
            f"{statistics.median(big['cached']):.1f} ms cached, "
            f"{statistics.median(big['cold']):.1f} ms cold, 1 request",
            PEERS["read500"],
        )
    )

    # 4 and 5. Exports of the whole workspace.
    have = workspace.claims.count()
    started = time.perf_counter()
    # populate_claims approves its template verdicts: it needs the workspace's admin.
    from app.accounts.models import User

    admin = User.objects.get(username="peers-admin")
    populate_claims(workspace=workspace, actor=admin, count=max(0, options.export_claims - have))
    total = workspace.claims.count()
    print(f"\nadded {total - have:,} claims in bulk in {time.perf_counter() - started:.1f} s")
    ReaderVersion.objects.filter(workspace=workspace).update(version=F("version") + 1)

    def export(path: str, label: str) -> tuple[float, int, tuple]:
        size = [0]
        client.reconnect()
        memory = WorkerMemory(server.pid)
        memory.start()
        ms, _ = client.request(
            "GET", path, sink=lambda chunk: size.__setitem__(0, size[0] + len(chunk))
        )
        found = memory.finish()
        pid, cpu, peak, hwm = found
        print(
            f"{label}: {ms / 1000:.2f} s, {size[0] / 1e6:,.1f} MB; busiest worker {pid}: CPU "
            f"{cpu:.1f} s; highest of the workers: RSS sampled {peak:.0f} MiB, VmHWM {hwm:.0f} MiB"
        )
        return ms / 1000, size[0], found

    seconds, _size, (_, _, peak, hwm) = export(
        f"/api/v1/exports/jsonl/?workspace={workspace.slug}", f"4. JSON Lines, {total:,} claims"
    )
    rows.append(
        (
            f"export {total:,} claims (JSON Lines)",
            f"{seconds:.1f} s / {max(peak, hwm):.0f} MiB worker peak RSS",
            PEERS["jsonl"],
        )
    )
    whole, _, _ = export(
        f"/api/v1/exports/annotations/?workspace={workspace.slug}&page=all",
        f"5. W3C collection, page=all, {total:,} claims",
    )
    client.reconnect()
    path, pages, started, count = (
        f"/api/v1/exports/annotations/?workspace={workspace.slug}&after=0",
        0,
        time.perf_counter(),
        0,
    )
    while path:
        _, body = client.request("GET", path)
        page = json.loads(body)
        pages += 1
        count += len(page.get("items", []))
        following = page.get("next")
        path = None
        if following:
            parts = urlsplit(following)
            path = f"{parts.path}?{parts.query}"
    keyset = time.perf_counter() - started
    print(f"5. W3C keyset pages (after=): {keyset:.1f} s, {pages} requests, {count:,} annotations")
    rows.append(
        (
            f"export {total:,} as W3C annotations",
            f"{whole:.1f} s, 1 request (page=all); {keyset:.1f} s, {pages} requests (after=)",
            ("—", "—"),
        )
    )

    # 6. The bare view on the same server.
    client.reconnect()
    bare = []
    started = time.perf_counter()
    for _ in range(options.bare):
        bare.append(client.request("GET", "/healthz")[0])
    bare_rate = len(bare) / (time.perf_counter() - started)
    print(f"6. bare view /healthz: {bare_rate:.0f} req/s, p50 {statistics.median(bare):.2f} ms")
    rows.append(
        (
            "bare Django view (/healthz), same server",
            f"{bare_rate:.0f} req/s; create = {create_rate / bare_rate:.1%} of it",
            ("", ""),
        )
    )
    return rows


if __name__ == "__main__":
    main()
