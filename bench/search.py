"""Search with 100,000 claims and 10,000 articles: p50/p95 latency of 50 queries, and plans.

Run: DATABASE_URL=... .venv/bin/python bench/search.py [articles] [claims] [--keep] [--reuse]
By default the database is made, measured and dropped. Loading takes minutes, so when
iterating on queries populate once with `--keep` (the database `<name>_search_bench` stays),
then measure again with `--reuse --keep` (no load; add neither flag to drop it at the end).
Generated Persian and English text (Zipf-distributed vocabularies, with the spelling
variants real imports have: Arabic ي/ك, Arabic-Indic digits, missing ZWNJ) is loaded
with bulk inserts, so the database triggers build the search index exactly as in
production. Half the data lies in a second workspace the searching user is not in.
Each query goes through `app.search.selectors.search`, the selector the page and the
API use (snippets included); EXPLAIN (ANALYZE) of representative queries follows.
"""

import hashlib
import random
import statistics
import sys
import time
from contextlib import contextmanager

from _setup import bench_database

PERSIAN_SYLLABLES = ["با", "را", "زار", "گان", "ست", "مند", "کار", "دان", "سر", "پی", "نو", "شه"]
PERSIAN_SYLLABLES += ["گو", "ره", "تر", "ین", "بر", "ما", "جو", "دی", "ور", "خوا", "نی", "یار"]
ENGLISH_SYLLABLES = ["tra", "con", "mer", "ist", "ing", "ed", "port", "val", "ri", "der", "sh"]
ENGLISH_SYLLABLES += ["ment", "ly", "pro", "tion", "ex", "ver", "al", "min", "cal", "ab", "ou"]
REAL_ENGLISH = "mayor ridership budget deficit inflation election vaccine minister report".split()
REAL_PERSIAN = "وزیر قرارداد تورم انتخابات واکسن گزارش بودجه کسری گفتوگو ژوئن".split()


def vocabulary(rng, syllables, size, real):
    words = set(real)
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    ordered = list(real) + sorted(words - set(real))
    rng.shuffle(ordered[len(real) :])
    return ordered


def zipf_weights(size):
    return [1 / (rank + 1) ** 1.05 for rank in range(size)]


def variant(rng, text):
    """Spell Persian text as some sources do: Arabic letters, Arabic-Indic digits."""
    if rng.random() < 0.3:
        text = text.replace("ی", "ي").replace("ک", "ك")
    if rng.random() < 0.3:
        text = text.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    return text


def sentence(rng, words, weights, length, persian):
    chosen = rng.choices(words, weights=weights, k=length)
    if rng.random() < 0.2:
        chosen.insert(rng.randrange(len(chosen)), str(rng.randint(1, 1500)))
    text = " ".join(chosen)
    return (
        variant(rng, text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))) if persian else text
    )


def vocabularies(rng):
    """The Persian and English vocabularies; the first draws of `rng`, so a reuse run
    regenerates exactly the words a populated database was built from."""
    fa = vocabulary(rng, PERSIAN_SYLLABLES, 4000, REAL_PERSIAN)
    en = vocabulary(rng, ENGLISH_SYLLABLES, 4000, REAL_ENGLISH)
    return fa, en


@contextmanager
def kept_database(reuse, keep):
    """A bench database under its own name, so it never collides with the test database
    pytest makes from the same URL; `reuse` takes it as it is, `keep` leaves it behind."""
    import django

    django.setup()
    from django.db import connection

    settings = connection.settings_dict
    settings["TEST"]["NAME"] = f"test_{settings['NAME']}_search_bench"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=reuse)
    try:
        yield name
    finally:
        if keep:
            print(f"\ndatabase {name} kept; drop it with: dropdb {name}")
        else:
            connection.creation.destroy_test_db(name, verbosity=0)


def populate(article_count, claim_count):
    from django.db import connection

    from app.accounts.models import User
    from app.articles.models import Article, Snapshot
    from app.claims.models import Claim
    from app.members.services import member_add, workspace_create

    rng = random.Random(11)
    fa, en = vocabularies(rng)
    fa_w, en_w = zipf_weights(len(fa)), zipf_weights(len(en))
    admin = User.objects.create_user("bench-admin", password="x")  # noqa: S106
    searcher = User.objects.create_user("bench-searcher", password="x")  # noqa: S106
    mine = workspace_create(name="Bench desk", creator=admin)
    other = workspace_create(name="Other desk", creator=admin)
    member_add(workspace=mine, user=searcher, role="viewer", actor=admin)

    started = time.perf_counter()
    articles, texts = [], []
    for index in range(article_count):
        persian = index % 2 == 0
        words, weights = (fa, fa_w) if persian else (en, en_w)
        paragraphs = [
            ". ".join(sentence(rng, words, weights, rng.randint(8, 16), persian) for _ in range(4))
            for _ in range(5)
        ]
        texts.append("\n\n".join(paragraphs) + ".")
        articles.append(
            Article(
                workspace=mine if index % 2 == index // 2 % 2 else other,
                title=sentence(rng, words, weights, rng.randint(3, 7), persian),
                language="fa" if persian else "en",
                direction="rtl" if persian else "ltr",
                created_by=admin,
            )
        )
    Article.objects.bulk_create(articles, batch_size=1000)
    snapshots = [
        Snapshot(
            workspace_id=article.workspace_id,
            article=article,
            number=1,
            text=text,
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            origin="text",
        )
        for article, text in zip(articles, texts, strict=True)
    ]
    Snapshot.objects.bulk_create(snapshots, batch_size=500)
    print(
        f"{article_count:,} articles + snapshots inserted in {time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    claims = []
    for number in range(claim_count):
        snapshot = snapshots[number % article_count]
        persian = (number % article_count) % 2 == 0
        words, weights = (fa, fa_w) if persian else (en, en_w)
        text = snapshot.text
        start = rng.randrange(0, len(text) - 120)
        end = start + rng.randint(40, 110)
        claims.append(
            Claim(
                workspace_id=snapshot.workspace_id,
                article_id=snapshot.article_id,
                snapshot=snapshot,
                start=start,
                end=end,
                exact=text[start:end],
                restatement=sentence(rng, words, weights, rng.randint(6, 12), persian),
                claimant=sentence(rng, words, weights, 2, persian),
                tags=rng.sample(["economy", "health", "اقتصاد", "انتخابات"], rng.randint(0, 2)),
            )
        )
        if len(claims) == 5000:
            Claim.objects.bulk_create(claims)
            claims = []
    Claim.objects.bulk_create(claims)
    print(f"{claim_count:,} claims inserted in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE search_searchentry")
        cursor.execute(
            "SELECT count(*), pg_size_pretty(pg_total_relation_size('search_searchentry')) FROM search_searchentry"
        )
        count, size = cursor.fetchone()
    print(f"search entries: {count:,} ({size} with indexes)")
    return searcher, fa, en


def queries(rng, fa, en):
    def misspell(word):
        if len(word) < 5:
            return word + word[-1]
        i = rng.randrange(1, len(word) - 2)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]

    qs = []
    qs += [("word en", w) for w in rng.sample(en[:300], 6)]
    qs += [("word fa", w) for w in rng.sample(fa[:300], 6)]
    qs += [("rare en", w) for w in rng.sample(en[2000:], 4)]
    qs += [("rare fa", w) for w in rng.sample(fa[2000:], 4)]
    qs += [("two words", f"{rng.choice(en[:500])} {rng.choice(en[:500])}") for _ in range(3)]
    qs += [("two words fa", f"{rng.choice(fa[:500])} {rng.choice(fa[:500])}") for _ in range(3)]
    qs += [("prefix en", w[:4]) for w in rng.sample(en[100:1000], 4)]
    qs += [("prefix fa", w[:3]) for w in rng.sample(fa[100:1000], 4)]
    qs += [
        ("fa variant", variant(random.Random(1), w).replace("ی", "ي"))
        for w in rng.sample(fa[:800], 4)
    ]
    qs += [("fa digits", f"۱{rng.randint(10, 99)}") for _ in range(2)]
    qs += [("fragment", w[1:-1]) for w in rng.sample([w for w in en[:2000] if len(w) > 7], 4)]
    qs += [("misspelling", misspell(w)) for w in rng.sample(en[:1000], 3)]
    qs += [("misspelling fa", misspell(w)) for w in rng.sample(fa[:1000], 3)]
    return qs[:50]


def main() -> None:
    flags = {arg for arg in sys.argv[1:] if arg.startswith("--")}
    counts = [int(arg) for arg in sys.argv[1:] if not arg.startswith("--")]
    article_count = counts[0] if counts else 10_000
    claim_count = counts[1] if len(counts) > 1 else 100_000
    keep, reuse = "--keep" in flags, "--reuse" in flags
    database = kept_database(reuse, keep) if keep or reuse else bench_database()
    with database:
        from django.db import connection, transaction
        from django.test.utils import CaptureQueriesContext

        from app.accounts.models import User
        from app.claims.models import Claim
        from app.search.selectors import search

        searcher = User.objects.filter(username="bench-searcher").first()
        if searcher is None:
            searcher, fa, en = populate(article_count, claim_count)
        elif Claim.objects.count() < claim_count:
            sys.exit("the kept database is only partly populated: run again without --reuse")
        else:
            print("reusing the populated database")
            fa, en = vocabularies(random.Random(11))
        workload = queries(random.Random(5), fa, en)
        for _, query in workload:  # warm the cache and the regex/plan caches
            search(user=searcher, query=query)
        timings, plans = [], {}
        print(f"\n{'kind':<15} {'ms':>7} {'hits':>5}  query")
        for kind, query in workload:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                page = search(user=searcher, query=query)
                elapsed = (time.perf_counter() - started) * 1000
            timings.append(elapsed)
            # The ranked query, with the planner settings the selector sets around it.
            statements = [q["sql"] for q in captured.captured_queries]
            if kind not in plans:
                plans[kind] = [q for q in statements if q.startswith("SET LOCAL")]
                plans[kind] += [q for q in statements if "ts_rank" in q][:1]
            print(f"{kind:<15} {elapsed:7.1f} {len(page.hits):5d}  {query}")
        ordered = sorted(timings)
        p95 = ordered[round(0.95 * len(ordered)) - 1]
        print(
            f"\n{len(timings)} queries: p50 {statistics.median(timings):.1f} ms, "
            f"p95 {p95:.1f} ms, max {max(timings):.1f} ms (target p95 < 100 ms)"
        )
        for kind in ("word en", "word fa", "prefix en", "misspelling"):
            print(f"\nEXPLAIN (ANALYZE, BUFFERS) — {kind}")
            *settings, ranked = plans[kind]
            with transaction.atomic(), connection.cursor() as cursor:
                for statement in settings:
                    cursor.execute(statement)
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + ranked)
                print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
