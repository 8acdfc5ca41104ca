"""Import 1,000 generated HTML news pages (~3,000 characters of body each).

Prints articles per second and peak memory. Run: ./sanad bench bench/import_html.py [N]
The pages mix Persian and English and carry the chrome real sites have (navigation,
related stories, newsletter box, comments), so extraction does its full work.
"""

import random
import resource
import sys
import time

from _setup import bench_database

FA_WORDS = (
    "وزیر گفت که قرارداد همکاری دو کشور در ۱۸ ژوئن ۲۰۲۴ امضا شد و این سند زمینه "
    "همکاری‌های اقتصادی را فراهم می‌کند بودجه سد ۱۸۵ میلیون مترمکعب گفتوگو نشست "
    "کارشناسان پیش‌بینی می‌کنند که صادرات ٢۹ درصد افزایش یابد"
).split()
EN_WORDS = (
    "the minister said exports doubled in 2024 while ridership fell by twelve percent "
    "officials confirmed the agreement was signed on June 18 after a long meeting "
    "analysts expect the budget to grow despite the drought"
).split()


def paragraph(rng: random.Random, words: list[str]) -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(80, 100))) + "."


def page(number: int, rng: random.Random) -> bytes:
    persian = number % 2 == 0
    words = FA_WORDS if persian else EN_WORDS
    body = "".join(f"<p>{paragraph(rng, words)}</p>" for _ in range(6))
    lang, direction = ("fa", "rtl") if persian else ("en", "ltr")
    related = "".join(
        f"<li><a href='/n/{i}'>{' '.join(rng.sample(words, 6))}</a></li>" for i in range(6)
    )
    return f"""<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">
<title>Article {number} | Bench Daily</title><meta property="og:site_name" content="Bench Daily">
<meta property="article:published_time" content="2024-06-{number % 28 + 1:02d}T10:00:00Z">
<link rel="canonical" href="https://bench.example/news/{number}"></head><body>
<header><nav><a href="/">Home</a> <a href="/politics">Politics</a> <a href="/economy">Economy</a></nav></header>
<main><article><h1>Article {number}</h1><div class="share">Share: Facebook Twitter Telegram</div>
{body}</article>
<aside class="related"><h2>Related</h2><ul>{related}</ul></aside>
<section class="newsletter"><h3>Newsletter</h3><p>Sign up for our daily email.</p></section>
<section class="comments"><div class="comment"><p>{" ".join(rng.sample(words, 10))}</p></div></section>
</main><footer>© 2025 Bench Daily. All rights reserved.</footer></body></html>""".encode()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rng = random.Random(20261123)
    pages = [page(n, rng) for n in range(count)]
    with bench_database():
        from app.articles.services import article_import_html
        from app.members.services import workspace_create

        workspace = workspace_create(name="Bench", creator=None)
        characters = 0
        rss_before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        for html in pages:
            result = article_import_html(workspace=workspace, html=html, actor=None)
            characters += len(result.snapshot.text)
        elapsed = time.perf_counter() - started
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles imported: {count}")
    print(f"mean body length:  {characters / count:,.0f} characters")
    print(f"elapsed:           {elapsed:.2f} s")
    print(f"throughput:        {count / elapsed:.1f} articles/s")
    print(f"peak process RSS:  {rss_mb:.0f} MiB ({rss_before_mb:.0f} MiB before the imports)")


if __name__ == "__main__":
    main()
