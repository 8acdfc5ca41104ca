"""CPU per request of the two HTML pages fact-checkers hit most: the reader and the claim page.

Run: ./sanad bench bench/html_pages.py [rounds] [--profile]   (default 40 rounds)

In process (Django's test client, every middleware, a signed-in reviewer), on a throwaway
database: Persian articles of about 3,000 characters with 50 and 500 claims made through
the services, and a claim with evidence and Markdown comments. For each page it prints the
median process CPU time per request (time.process_time: what the request costs, which
other people's load on the machine changes little), wall time and SQL statements, for
repeated reads (fragments from the shared cache once filled) and for the first read after
a claim change (every claims fragment rendered again). `--profile` adds cProfile's top
functions (by cumulative time) of the 500-claim reader page and the claim page.
"""

import cProfile
import pstats
import statistics
import sys
import time

from _setup import bench_database

PERSIAN = (
    "وزیر اقتصاد روز دوشنبه گفت که نرخ تورم در شش\u00a0ماه گذشته به ۱۲٪ کاهش یافته است و "
    "این کاهش نتیجهٔ سیاست‌های پولی دولت بوده؛ مرکز آمار اما رقم ٣٩ درصد را گزارش کرد.\n\n"
)
COMMENTS = [
    "Checked the ministry's **PDF**: the figure is for urban households only.",
    "منبع رسمی این عدد را تأیید نمی‌کند؛ [نسخهٔ بایگانی](https://example.org/a) را ببینید.",
    "- first point\n- second point with `code`\n\n> a quote from the report",
]


def main() -> None:
    numbers = [arg for arg in sys.argv[1:] if arg.isdigit()]
    rounds = int(numbers[0]) if numbers else 40
    with bench_database():
        from django.db import connection
        from django.db.models import F
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from app.articles.services import article_import_text
        from app.claims.evidence import evidence_add_with_source
        from app.claims.models import ArticleClaimsVersion, ReaderVersion
        from app.claims.services import claim_create, comment_add
        from app.members.services import member_add, workspace_create
        from app.workspaces.models import Role
        from tests.factories import UserFactory

        admin = UserFactory(username="bench-admin")
        workspace = workspace_create(name="Pages desk", creator=admin)
        reviewer = UserFactory(username="bench-reviewer")
        member_add(workspace=workspace, user=reviewer, role=Role.REVIEWER, actor=admin)
        text = PERSIAN * (3000 // len(PERSIAN) + 1)
        starts = [i for i in range(1, len(text)) if text[i - 1] == " " and text[i] not in " \n"]
        client = Client()
        client.force_login(reviewer)
        pages = {}
        for count in (50, 500):
            snapshot = article_import_text(
                workspace=workspace, text=text, title=f"گزارش {count}", actor=reviewer
            ).snapshot
            claims = []
            for number in range(count):
                start = starts[number % len(starts)]
                end = min(text.index(" ", start), text.index("\n", start))
                claims.append(
                    claim_create(
                        workspace=workspace,
                        snapshot=snapshot,
                        start=start,
                        end=end,
                        exact=text[start:end],
                        actor=reviewer,
                    )
                )
            pages[f"reader, {count} claims"] = (
                f"/w/{workspace.slug}/articles/{snapshot.article_id}/"
            )
        claim = claims[0]
        for number in range(5):
            evidence_add_with_source(
                claim=claim,
                url=f"https://stats.example.org/{number}",
                title=f"Report {number}",
                stance="refutes",
                actor=reviewer,
            )
        for body in COMMENTS * 3:
            comment_add(claim=claim, body=body, actor=reviewer)
        pages["claim page (5 sources, 9 comments)"] = f"/w/{workspace.slug}/claims/{claim.pk}/"
        versions = ReaderVersion.objects.filter(workspace=workspace)

        article_versions = ArticleClaimsVersion.objects.filter(article__workspace=workspace)

        def bump():
            versions.update(version=F("version") + 1)
            article_versions.update(version=F("version") + 1)

        print(f"\n{'page':<38}{'read':<9}{'CPU ms':>8}{'wall ms':>9}{'SQL':>5}  (medians)")
        for name, url in pages.items():
            for _ in range(3):
                assert client.get(url).status_code == 200
            for label, before in (("repeat", None), ("cold", bump)):
                cpu, wall, sql = [], [], []
                for _ in range(rounds):
                    if before:
                        before()
                    with CaptureQueriesContext(connection) as captured:
                        begin_cpu, begin = time.process_time(), time.perf_counter()
                        response = client.get(url)
                        cpu.append((time.process_time() - begin_cpu) * 1000)
                        wall.append((time.perf_counter() - begin) * 1000)
                    assert response.status_code == 200
                    sql.append(len(captured))
                print(
                    f"{name:<38}{label:<9}{statistics.median(cpu):>8.1f}"
                    f"{statistics.median(wall):>9.1f}{statistics.median(sql):>5.0f}"
                )
        for name, url in pages.items():
            if "--profile" not in sys.argv or name.startswith("reader, 50 "):
                continue
            print(f"\n== cProfile, 10 repeated reads of the {name}")
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(10):
                client.get(url)
            profile.disable()
            stats = pstats.Stats(profile).sort_stats("cumulative")
            stats.print_stats(25)
            stats.print_stats("/app/", 30)


if __name__ == "__main__":
    main()
