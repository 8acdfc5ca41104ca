"""The article reader in real Chromium: 500 claims on a 10,000-word article, Persian and English.

Run: ./sanad bench bench/reader_highlight.py [loads]
(or DATABASE_URL=... .venv/bin/python bench/reader_highlight.py [loads]).

Each article is imported and annotated through the services, Django's live server serves
the reader on the throwaway database, and Debian's Chromium (driven by Playwright) loads
each reader page `loads` times (default 15). Per load it records:

- the reader's own figure for computing every highlight (`window.__sanadReader.highlightMs`);
- navigation timing from navigation start: the HTML response, the module script's import
  (offsets.js, fetched only once reader/main.js is parsed), first contentful paint,
  DOMContentLoaded and load (the reader runs before DOMContentLoaded);
- hovering items of the claim panel: the synchronous `mouseover` handler that swaps the
  focus highlight, and the time until the frame that shows it (next animation frame);
- a selection at the very end of the text turned into a new-claim span: from
  `addRange` to the visible "New claim" button (the reader waits for an animation
  frame before reacting, so this includes up to one frame of waiting), first
  selection of the page (which also splits the whole text into code points) and later
  ones; and the offset conversion alone, timed through offsets.js in a loop.

The first selection of each article is also turned into the claim form and checked
against the stored text, so a wrong conversion fails the bench instead of timing it.
"""

import math
import random
import statistics
import sys
import time

from _setup import bench_database

CHROMIUM = "/usr/bin/chromium"
# The flags the browser tests use (tests/browser/conftest.py).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--enable-caret-browsing",
]
WORDS = 10_000
CLAIMS = 500
HOVERS_PER_LOAD = 5
WARM_SELECTIONS_PER_LOAD = 4
CONVERSION_REPEATS = 2_000
TIMEOUT_MS = 30_000

NBSP = "\u00a0"
# Persian prose with what makes offsets hard: ZWNJ inside words (می‌گوید), NBSP between a
# number and its unit, Persian and Arabic-Indic digits, and astral characters (🚇, 𝒜)
# that are one code point but two UTF-16 units.
FA_WORDS = (
    "وزیر گفت که قرارداد همکاری دو کشور در سال ۱۴۰۳ امضا شد و این سند زمینه "
    "همکاری‌های اقتصادی را فراهم می‌کند بودجه سد ۱۸۵ میلیون مترمکعب است گفت‌وگو "
    "کارشناسان پیش‌بینی می‌کنند که صادرات ٢۹ درصد افزایش یابد مترو تهران روزانه "
    "مسافر جابه‌جا می‌کند سخنگوی دولت تأیید کرد آمار رسمی نشان می‌دهد"
).split()
FA_EXTRAS = [f"۱۲{NBSP}درصد", f"۳۰۰{NBSP}کیلومتر", "🚇", "𝒜", "📈"]
EN_WORDS = (
    "the minister said exports doubled in 2024 while ridership fell by twelve percent "
    "officials confirmed the agreement was signed on June 18 after a long meeting "
    "analysts expect the budget to grow despite the drought and the metro carried "
    "more passengers than ever according to the transport authority"
).split()
EN_EXTRAS = [f"12{NBSP}percent", "🚇", "📈", "𝒜"]


def article_text(rng: random.Random, words: list[str], extras: list[str]) -> str:
    """About WORDS words in paragraphs of 60-140, with the hard characters sprinkled in.

    The last paragraph ends with astral characters, ZWNJ and NBSP close to its end, so
    that the end-of-text selection goes through the surrogate-pair path of offsets.js.
    """
    tokens = [
        rng.choice(extras) if rng.random() < 0.03 else rng.choice(words) for _ in range(WORDS)
    ]
    tail = [extras[0], *[w for w in words if "\u200c" in w][:1], extras[-1], words[0], extras[1]]
    tokens[-len(tail) :] = tail
    sizes = []
    while sum(sizes) < len(tokens):
        sizes.append(rng.randint(60, 140))
    # The last paragraph takes the remainder, and never fewer than 60 words.
    sizes[-1] = len(tokens) - sum(sizes[:-1])
    if sizes[-1] < 60 and len(sizes) > 1:
        remainder = sizes.pop()
        sizes[-1] += remainder
    paragraphs, index = [], 0
    for size in sizes:
        paragraphs.append(" ".join(tokens[index : index + size]) + ".")
        index += size
    return "\n".join(paragraphs)


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) code-point offsets of every space- or line-separated token."""
    spans, position = [], 0
    for line in text.split("\n"):
        for token in line.split(" "):
            if token:
                spans.append((position, position + len(token)))
            position += len(token) + 1
    return spans


def claim_spans(rng: random.Random, text: str) -> list[tuple[int, int]]:
    """CLAIMS spans spread evenly over the text; every fifth reaches into the next one."""
    words = word_spans(text)
    step = len(words) // CLAIMS
    spans = []
    for number in range(CLAIMS):
        first = number * step + rng.randint(0, step // 2)
        length = step + rng.randint(2, step) if number % 5 == 0 else rng.randint(3, step // 2)
        last = min(first + length, len(words)) - 1
        spans.append((words[first][0], words[last][1]))
    return spans


def populate(language: str, text: str, workspace, reviewer, rng: random.Random):
    from app.articles.services import article_import_text
    from app.claims.services import claim_create

    snapshot = article_import_text(
        workspace=workspace, text=text, actor=reviewer, title=f"Bench {language}", language=language
    ).snapshot
    started = time.perf_counter()
    for start, end in claim_spans(rng, snapshot.text):
        claim_create(
            workspace=workspace,
            snapshot=snapshot,
            start=start,
            end=end,
            exact=snapshot.text[start:end],
            actor=reviewer,
        )
    print(
        f"{language}: {CLAIMS} claims created through claim_create in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return snapshot


# --- In the page --------------------------------------------------------------------------

HOVER_JS = """async (count) => {
  const items = Array.from(document.querySelectorAll("#claim-panel li[data-claim-id]"));
  const nextFrame = () =>
    new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const handler = [];
  const frame = [];
  for (let i = 0; i < count; i++) {
    const item = items[Math.floor(((i + 0.5) * items.length) / count)];
    const before = CSS.highlights.get("claim-focus");
    const started = performance.now();
    item.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
    const handled = performance.now();
    const after = CSS.highlights.get("claim-focus");
    if (after === before || after.size !== 1) {
      throw new Error("hover did not move the focus highlight");
    }
    await nextFrame();
    handler.push(handled - started);
    frame.push(performance.now() - started);
  }
  document.getElementById("claim-panel").dispatchEvent(new MouseEvent("mouseleave"));
  return { handler, frame };
}"""

# Selects the last `words` words of the text (so the span ends at the text's end) and
# times addRange -> visible "New claim" button. A MutationObserver notices the button
# within the same task the reader shows it in.
SELECT_JS = """async ({ words, repeats }) => {
  const paragraphs = document.querySelectorAll("#article-text p[data-start]");
  const node = paragraphs[paragraphs.length - 1].firstChild;
  let from = node.length;
  for (let n = 0; n < words; n++) from = node.data.lastIndexOf(" ", from - 1);
  const selection = getSelection();
  const button = () => document.getElementById("new-claim-button");
  const until = (visible) =>
    new Promise((resolve) => {
      const shown = () => Boolean(button() && !button().hidden);
      if (shown() === visible) return resolve(performance.now());
      const observer = new MutationObserver(() => {
        if (shown() === visible) {
          observer.disconnect();
          resolve(performance.now());
        }
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true });
    });
  const nextFrame = () =>
    new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const times = [];
  let selected = "";
  for (let i = 0; i < repeats; i++) {
    selection.removeAllRanges();
    await until(false);
    // Start from an idle page, not from inside the frame that hid the button.
    await nextFrame();
    await nextFrame();
    const range = document.createRange();
    range.setStart(node, from + 1);
    range.setEnd(node, node.length);
    const started = performance.now();
    selection.addRange(range);
    document.dispatchEvent(new Event("selectionchange"));
    times.push((await until(true)) - started);
    selected = range.toString();
  }
  return { times, selected };
}"""

# The conversion the reader does for a selection at the end of the text, through the
# same module: UTF-16 units in the last paragraph -> code points, then the trim.
CONVERT_JS = """async ({ words, repeats }) => {
  const script = document.querySelector('script[src*="reader/main.js"]');
  const offsets = await import(script.src.replace(/reader\\/main\\.js.*$/, "offsets.js"));
  const text = JSON.parse(document.getElementById("snapshot-text").textContent);
  const element = Array.from(document.querySelectorAll("#article-text p[data-start]")).pop();
  const paragraph = {
    start: Number(element.dataset.start),
    end: Number(element.dataset.end),
    text: element.textContent,
  };
  paragraph.bmp = offsets.isBmpOnly(paragraph.text);
  let from = paragraph.text.length;
  for (let n = 0; n < words; n++) from = paragraph.text.lastIndexOf(" ", from - 1);
  let started = performance.now();
  const codePoints = Array.from(text);
  const splitMs = performance.now() - started;
  let span = null;
  started = performance.now();
  for (let i = 0; i < repeats; i++) {
    const start = offsets.domToStored(paragraph, from + 1, "floor");
    const end = offsets.domToStored(paragraph, paragraph.text.length, "ceil");
    span = offsets.trimSpan(codePoints, start, end);
  }
  const convertUs = ((performance.now() - started) * 1000) / repeats;
  return {
    splitMs,
    convertUs,
    span,
    bmp: paragraph.bmp,
    units: text.length,
    codePoints: codePoints.length,
  };
}"""

STATE_JS = r"""() => {
  const nav = performance.getEntriesByType("navigation")[0];
  let ranges = 0;
  const statuses = /^claim-(open|in_review|verdict_proposed|published|corrected)$/;
  for (const [name, highlight] of CSS.highlights) {
    if (statuses.test(name)) ranges += highlight.size;
  }
  return {
    reader: window.__sanadReader,
    ranges,
    overlaps: CSS.highlights.get("claim-overlap").size,
    responseEnd: nav.responseEnd,
    firstContentfulPaint: performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
    domContentLoaded: nav.domContentLoadedEventEnd,
    load: nav.loadEventEnd,
    htmlBytes: nav.decodedBodySize,
    scripts: Math.max(
      ...performance
        .getEntriesByType("resource")
        .filter((entry) => /\/(reader\/\w+|offsets)\.js/.test(entry.name))
        .map((entry) => entry.responseEnd),
    ),
  };
}"""


def check_claim_form(page, text: str, selected: str) -> None:
    """Turn the current selection into the claim form; compare it with what was selected.

    The form's offsets must be code points of the stored text, ending at its very end.
    """
    page.click("#new-claim-button")
    form = page.locator("#claim-create-form")
    start = int(form.locator("[name=start]").input_value())
    end = int(form.locator("[name=end]").input_value())
    exact = form.locator("[name=exact]").input_value()
    if exact != text[start:end] or exact != selected.strip() or end != len(text.rstrip()):
        raise SystemExit(
            f"selection converted wrongly: {start}:{end} {exact!r}, "
            f"text there {text[start:end]!r}, text ends at {len(text.rstrip())}"
        )
    page.evaluate("document.getElementById('claim-dialog').close()")


def measure(browser, url: str, cookie: dict, text: str, loads: int) -> dict[str, list[float]]:
    """Load the reader page `loads` times (after one warm-up load); return figures by name.

    No database access here: Playwright's event loop runs in this thread.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies([{**cookie, "url": url}])
    errors: list[str] = []
    context.on("weberror", lambda error: errors.append(error.error.message))
    figures: dict[str, list[float]] = {}

    def add(name: str, values) -> None:
        figures.setdefault(name, []).extend(values if isinstance(values, list) else [values])

    warm_up = context.new_page()
    warm_up.goto(url, wait_until="load")
    warm_up.close()
    for load in range(loads):
        page = context.new_page()
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            raise SystemExit(f"{url}: HTTP {response and response.status}")
        page.wait_for_function(
            "window.__sanadReader && performance.getEntriesByType('navigation')[0].loadEventEnd > 0"
        )
        state = page.evaluate(STATE_JS)
        reader = state["reader"]
        if not reader["highlighted"] or reader["claimCount"] != CLAIMS or state["ranges"] != CLAIMS:
            raise SystemExit(f"reader did not highlight every claim: {state}")
        add("highlightMs (reader)", reader["highlightMs"])
        add("HTML received (responseEnd)", state["responseEnd"])
        add("the reader's import (offsets.js) received", state["scripts"])
        add("DOMContentLoaded", state["domContentLoaded"])
        if state["firstContentfulPaint"] is not None:
            add("first contentful paint", state["firstContentfulPaint"])
        add("load", state["load"])
        hover = page.evaluate(HOVER_JS, HOVERS_PER_LOAD)
        add("hover: handler", hover["handler"])
        add("hover: until next frame", hover["frame"])
        first = page.evaluate(SELECT_JS, {"words": 6, "repeats": 1})
        add("end selection -> button, first", first["times"])
        if load == 0:
            check_claim_form(page, text, first["selected"])
        warm = page.evaluate(SELECT_JS, {"words": 6, "repeats": WARM_SELECTIONS_PER_LOAD})
        add("end selection -> button, later", warm["times"])
        convert = page.evaluate(CONVERT_JS, {"words": 6, "repeats": CONVERSION_REPEATS})
        if convert["span"]["end"] != len(text.rstrip()):
            raise SystemExit(f"offsets.js converted the end selection wrongly: {convert}")
        add("offsets.js: end selection -> code points (µs)", convert["convertUs"])
        add("offsets.js: Array.from(whole text)", convert["splitMs"])
        page.close()
    context.close()
    if errors:
        raise SystemExit("uncaught errors in the page:\n" + "\n".join(errors))
    figures["_meta"] = [
        state["htmlBytes"],
        state["overlaps"],
        convert["units"],
        convert["codePoints"],
        float(convert["bmp"]),
    ]
    return figures


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def report(language: str, snapshot, figures: dict[str, list[float]]) -> None:
    text = snapshot.text
    html_bytes, overlaps, units, code_points, bmp = figures.pop("_meta")
    if code_points != len(text) or units != len(text.encode("utf-16-le")) // 2:
        raise SystemExit(f"the page's text differs from the snapshot ({code_points}, {units})")
    print(
        f"\n== {language} ({snapshot.article.direction}): {CLAIMS} claims, "
        f"{int(overlaps)} overlap ranges, {len(text.split()):,} words, "
        f"{text.count(chr(10)) + 1} paragraphs"
    )
    print(
        f"   text: {len(text):,} code points, {int(units):,} UTF-16 units; "
        f"reader page HTML {html_bytes / 1024:,.0f} KiB; "
        f"last paragraph {'BMP only' if bmp else 'has surrogate pairs'}"
    )
    print(f"   {'figure (ms unless marked)':<46}{'n':>4}{'p50':>9}{'p95':>9}{'max':>9}")
    for name, values in figures.items():
        decimals = 2 if name.endswith("(µs)") else 1
        print(
            f"   {name:<46}{len(values):>4}{statistics.median(values):>9.{decimals}f}"
            f"{percentile(values, 0.95):>9.{decimals}f}{max(values):>9.{decimals}f}"
        )


def main() -> None:
    loads = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    with bench_database():
        from django.conf import settings
        from django.contrib.staticfiles.handlers import StaticFilesHandler
        from django.test import Client
        from django.test.testcases import LiveServerThread
        from django.urls import reverse
        from playwright.sync_api import sync_playwright

        from app.accounts.models import User
        from app.members.services import member_add, workspace_create

        rng = random.Random(20261123)
        admin = User.objects.create_user("bench-admin", password="x")  # noqa: S106
        reviewer = User.objects.create_user("bench-reviewer", password="x")  # noqa: S106
        workspace = workspace_create(name="Reader bench", creator=admin)
        member_add(workspace=workspace, user=reviewer, role="reviewer", actor=admin)
        snapshots = {
            "fa": populate("fa", article_text(rng, FA_WORDS, FA_EXTRAS), workspace, reviewer, rng),
            "en": populate("en", article_text(rng, EN_WORDS, EN_EXTRAS), workspace, reviewer, rng),
        }
        client = Client()
        client.force_login(reviewer)
        cookie = {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        }

        server = LiveServerThread("localhost", StaticFilesHandler)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        urls = {
            language: f"http://localhost:{server.port}"
            + reverse("article-detail", kwargs={"slug": workspace.slug, "pk": snapshot.article_id})
            for language, snapshot in snapshots.items()
        }
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                print(f"\nChromium {browser.version} (headless), {loads} loads per article")
                results = {
                    language: measure(browser, urls[language], cookie, snapshot.text, loads)
                    for language, snapshot in snapshots.items()
                }
                browser.close()
        finally:
            server.terminate()
        for language, figures in results.items():
            report(language, snapshots[language], figures)
        print(
            "\nNavigation figures are ms from navigation start; the live server is Django's "
            "threaded test server on the same machine."
        )


if __name__ == "__main__":
    main()
