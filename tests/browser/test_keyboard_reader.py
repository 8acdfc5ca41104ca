"""The keyboard-first reader in a Chromium WITHOUT caret browsing.

The rest of the browser suite starts Chromium with caret browsing on (for the
Shift+arrow selection tests); this module launches its own browser without it, so
what is proven here is what a reader gets with a default browser: Tab to the
article, move a sentence cursor, extend it by sentence and word, `n`, save — and
the claim's offsets are code points of the stored Persian text (an emoji before
and inside the span, ZWNJ inside words).
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from app.articles.models import Article
from app.articles.services import article_import_text
from app.claims.models import Claim
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS

pytestmark = pytest.mark.browser

SENTENCES = [
    "🚇 وزیر گفت پیش\u200cبینی می\u200cشود قرارداد امضا شود.",
    "این گفت\u200cوگو 🚇 طولانی بود؟",
    "نشست 𝒜 دو کشور ادامه دارد.",
]
FA_TEXT = " ".join(SENTENCES) + "\n\nپاراگراف دوم با جمله\u200cای تازه آغاز می\u200cشود.\n"


@pytest.fixture(scope="module")
def plain_browser(playwright):
    """Chromium as a reader has it: caret browsing off.

    One launch serves the module (each test still gets its own fresh context): a launch
    costs more than a test's own work here.
    """
    args = [arg for arg in CHROMIUM_ARGS if arg != "--enable-caret-browsing"]
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
    yield browser
    browser.close()


@pytest.fixture
def browser_errors():
    """Replaces tests/browser/conftest.py's: its context, in the shared caret-browsing
    Chromium, would be made for each test and never used. `keyboard_page` records the
    console errors and page exceptions of this module's pages and fails on them."""


@pytest.fixture
def keyboard_page(plain_browser, live_server):
    context = plain_browser.new_context(viewport={"width": 1280, "height": 900}, locale="fa-IR")
    context.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    context.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    context.on("weberror", lambda error: errors.append(str(error.error)))
    page = context.new_page()
    page.errors = errors
    yield page
    context.close()
    assert errors == [], errors


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def selected(page) -> str:
    return page.evaluate("getSelection().toString()")


def tab_to(page, predicate: str, limit: int = 80) -> None:
    """Press Tab until `predicate` (a JS expression about document.activeElement) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return {predicate}; }})()"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


@pytest.fixture
def persian_reader(keyboard_page, live_server, team):
    imported = article_import_text(
        workspace=team.workspace, text=FA_TEXT, title="گزارش ویژه", actor=team.reviewer
    )
    Article.objects.filter(pk=imported.article.pk).update(language="fa", direction="rtl")
    log_in(keyboard_page, live_server, team.reviewer)
    url = reverse("article-detail", kwargs={"slug": team.workspace.slug, "pk": imported.article.pk})
    keyboard_page.goto(live_server.url + url)
    keyboard_page.wait_for_function("window.__sanadReader !== undefined")
    return keyboard_page, imported.snapshot.text


def test_keyboard_only_claim_on_a_persian_article(persian_reader, screenshot_dir):
    page, text = persian_reader
    assert text == FA_TEXT

    tab_to(page, "e.id === 'article-text'")
    # The focused text shows a focus ring.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"

    page.keyboard.press("ArrowDown")
    assert selected(page) == SENTENCES[0]
    page.keyboard.press("ArrowDown")
    assert selected(page) == SENTENCES[1]
    page.keyboard.press("Shift+ArrowDown")
    assert selected(page) == f"{SENTENCES[1]} {SENTENCES[2]}"
    page.keyboard.press("Shift+ArrowUp")
    assert selected(page) == SENTENCES[1]
    # In right-to-left text, ← reads forward: one more word.
    page.keyboard.press("Shift+ArrowLeft")
    phrase = f"{SENTENCES[1]} نشست"
    assert selected(page) == phrase
    assert page.locator("#reader-status").text_content().endswith(phrase)

    page.keyboard.press("n")
    dialog = page.locator("#claim-dialog")
    assert dialog.evaluate("d => d.open")
    assert page.locator("#claim-quote").text_content() == phrase
    page.keyboard.type("گفت‌وگو طولانی بود")
    tab_to(page, "e.type === 'submit' && e.closest('#claim-dialog') !== null")
    with page.expect_navigation(url=re.compile(r"[?&]claim=\d+")):
        page.keyboard.press("Enter")

    claim = Claim.objects.get(pk=int(re.search(r"[?&]claim=(\d+)", page.url).group(1)))
    start = text.index(phrase)
    # Code points: the emoji before the span counts one, not two (its UTF-16 length).
    assert (claim.start, claim.end) == (start, start + len(phrase))
    assert claim.exact == text[claim.start : claim.end] == phrase
    assert claim.restatement == "گفت‌وگو طولانی بود"

    page.wait_for_function("window.__sanadReader && window.__sanadReader.claimCount === 1")
    page.mouse.move(0, 0)
    page.screenshot(path=screenshot_dir / "reader-keyboard-fa.png", full_page=True)


def test_words_move_and_extend_and_a_claim_opens_with_enter(persian_reader):
    page, text = persian_reader
    tab_to(page, "e.id === 'article-text'")

    page.keyboard.press("w")
    assert selected(page) == "🚇" or selected(page) == "وزیر"
    first = selected(page)
    page.keyboard.press("w")
    second = selected(page)
    assert second != first and second in text
    page.keyboard.press("W")
    page.keyboard.press("W")
    extended = selected(page)
    assert extended.startswith(second) and len(extended) > len(second)
    assert "پیش\u200cبینی" in extended  # ZWNJ kept inside its word
    page.keyboard.press("B")
    assert len(selected(page)) < len(extended)
    page.keyboard.press("Escape")
    assert selected(page) == ""


def test_question_mark_lists_the_shortcuts_and_escape_closes_them(persian_reader):
    page, _ = persian_reader
    tab_to(page, "e.id === 'article-text'")

    page.keyboard.press("?")
    overlay = page.locator("#shortcuts-dialog")
    assert overlay.evaluate("d => d.open")
    assert overlay.locator("kbd", has_text="n").count() >= 1
    page.keyboard.press("Escape")
    assert not overlay.evaluate("d => d.open")
    # The button beside the text opens it too.
    page.locator("[data-open-shortcuts]").focus()
    page.keyboard.press("Enter")
    assert overlay.evaluate("d => d.open")
