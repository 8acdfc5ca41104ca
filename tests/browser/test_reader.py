"""The article reader in Chromium: highlights, opening claims, new claims from a selection.

Data is set up through the services; the browser talks to Django's live server.
Positions on screen come from DOM ranges computed here independently of the
reader's own offsets module, so a wrong conversion cannot hide behind itself.
"""

import re

import pytest
from django.urls import reverse

from app.articles.services import article_import_text
from app.claims.models import Claim
from app.claims.services import claim_create

pytestmark = pytest.mark.browser

FA_TEXT = (
    "🚇 گزارش\u00a0ویژه: وزیر گفت پیش\u200cبینی می\u200cشود قرارداد در ۱۸ ژوئن ۲۰۲۴ امضا شود.\n"
    "\u00a0\n"
    "این گفت\u200cوگو 🚇 یکی از طولانی\u200cترین نشست\u200cهای 𝒜 دو کشور بود.\n"
)
EN_TEXT = (
    "The 🚇 mayor said ridership rose 12% in 2025.\n"
    "\n"
    "A post read: “Best commute ever 🚇” and drew 4,000 replies from 𝒜 accounts.\n"
)

# Client rectangles of stored code points start:end, found without offsets.js.
RECTS_JS = """([start, end]) => {
    const ps = Array.from(document.querySelectorAll("#article-text p[data-start]"));
    const point = (cp, forward) => {
        for (const p of ps) {
            const s = Number(p.dataset.start), e = Number(p.dataset.end);
            if (s <= cp && (cp < e || (!forward && cp === e))) {
                return [p.firstChild, Array.from(p.textContent).slice(0, cp - s).join("").length];
            }
        }
        throw new Error(`offset ${cp} is not shown`);
    };
    const range = document.createRange();
    range.setStart(...point(start, true));
    range.setEnd(...point(end, false));
    return Array.from(range.getClientRects(), (r) =>
        ({left: r.left, right: r.right, top: r.top, bottom: r.bottom}));
}"""


def article(team, text: str, title: str):
    return article_import_text(
        workspace=team.workspace, text=text, title=title, actor=team.reviewer
    )


def reader_url(live_server, team, imported) -> str:
    path = reverse(
        "article-detail", kwargs={"slug": team.workspace.slug, "pk": imported.article.pk}
    )
    return live_server.url + path


def open_reader(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("window.__sanadReader !== undefined")


def char_center(page, offset: int) -> tuple[int, int]:
    """Viewport centre of the stored character at `offset`, in whole pixels.

    Whole pixels matter: Chromium 156 starts no text selection when the mouse is
    pressed at a fractional x (the drag only moves the caret).
    """
    (rect,) = page.evaluate(RECTS_JS, [offset, offset + 1])
    return round((rect["left"] + rect["right"]) / 2), round((rect["top"] + rect["bottom"]) / 2)


def drag_select(page, text: str, phrase: str, occurrence_after: int = 0) -> tuple[int, int]:
    """Select `phrase` with the mouse, from the middle of the space before it to the
    middle of the space after it (the reader trims those). Returns its code-point span.
    """
    start = text.index(phrase, occurrence_after)
    end = start + len(phrase)
    assert text[start - 1].isspace() and text[end].isspace()
    page.mouse.move(*char_center(page, start - 1))
    page.mouse.down()
    page.mouse.move(*char_center(page, end), steps=8)
    page.mouse.up()
    return start, end


def save_new_claim(page, restatement: str) -> Claim:
    """Fill and save the open new-claim dialog; return the claim it created."""
    page.locator("#claim-dialog textarea[name=restatement]").fill(restatement)
    with page.expect_navigation(url=re.compile(r"[?&]claim=\d+")):
        page.get_by_role("button", name="Save claim").click()
    page.get_by_text("Claim saved.").wait_for()
    claim_id = int(re.search(r"[?&]claim=(\d+)", page.url).group(1))
    return Claim.objects.get(pk=claim_id)


def focus_highlight_text(page) -> list[str]:
    return page.evaluate(
        "() => Array.from(CSS.highlights.get('claim-focus') || [], (r) => r.toString())"
    )


def test_persian_mouse_selection_becomes_a_claim(page, live_server, log_in, team, screenshot_dir):
    imported = article(team, FA_TEXT, "گزارش ویژه")
    text = imported.snapshot.text
    assert text == FA_TEXT
    log_in(team.reviewer)
    open_reader(page, reader_url(live_server, team, imported))

    # An emoji earlier in the text, one inside the phrase, ZWNJ, a hidden NBSP line before.
    phrase = "گفت\u200cوگو 🚇 یکی"
    start, end = drag_select(page, text, phrase)
    button = page.locator("#new-claim-button")
    button.wait_for(state="visible")
    button.click()
    dialog = page.locator("#claim-dialog")
    assert dialog.evaluate("d => d.open")
    assert page.locator("#claim-quote").text_content() == phrase
    claim = save_new_claim(page, "گفت‌وگو طولانی بود")

    assert (claim.start, claim.end, claim.exact) == (start, end, text[start:end])
    assert claim.exact == phrase and claim.created_by == team.reviewer
    # Back in the reader, the new claim is highlighted and selected.
    page.wait_for_function("window.__sanadReader && window.__sanadReader.claimCount === 1")
    assert focus_highlight_text(page) == [phrase]

    # A second phrase, with the emoji before it in the same paragraph.
    phrase = "وزیر گفت پیش\u200cبینی"
    start, end = drag_select(page, text, phrase)
    page.locator("#new-claim-button").wait_for(state="visible")
    page.keyboard.press("n")
    claim = save_new_claim(page, "")
    assert (claim.start, claim.end, claim.exact) == (start, end, phrase)

    page.mouse.move(0, 0)
    path = screenshot_dir / "reader-fa.png"
    page.screenshot(path=path, full_page=True)
    print(f"screenshot: {path}")


def test_english_mouse_selection_within_and_across_paragraphs(
    page, live_server, log_in, team, screenshot_dir
):
    imported = article(team, EN_TEXT, "Ridership report")
    text = imported.snapshot.text
    log_in(team.reviewer)
    url = reader_url(live_server, team, imported)
    open_reader(page, url)

    # An emoji before ("The 🚇 mayor") and inside the phrase, ending in a closing quote.
    phrase = "commute ever 🚇”"
    start, end = drag_select(page, text, phrase)
    page.locator("#new-claim-button").click()
    claim = save_new_claim(page, "Commute praised")
    assert (claim.start, claim.end, claim.exact) == (start, end, phrase)

    # From the first paragraph into the second: the hidden blank line is in `exact`.
    phrase = "2025.\n\nA post"
    start, end = drag_select(page, text, phrase)
    page.locator("#new-claim-button").click()
    claim = save_new_claim(page, "Across paragraphs")
    assert (claim.start, claim.end, claim.exact) == (start, end, phrase)

    page.mouse.move(0, 0)
    path = screenshot_dir / "reader-en.png"
    page.screenshot(path=path, full_page=True)
    print(f"screenshot: {path}")


def test_keyboard_selection_and_shortcut(page, live_server, log_in, team):
    imported = article(team, EN_TEXT, "Ridership report")
    text = imported.snapshot.text
    log_in(team.reviewer)
    open_reader(page, reader_url(live_server, team, imported))

    phrase = "ridership rose 12% in 2025"
    start = text.index(phrase)
    page.locator("#article-text").focus()
    # Put the caret before the phrase, as caret browsing or a click would.
    page.evaluate(
        """(units) => {
            const node = document.querySelector("#article-text p").firstChild;
            getSelection().collapse(node, units);
        }""",
        len(text[:start].encode("utf-16-le")) // 2,
    )
    for _ in phrase:  # one ArrowRight per character (no combining marks here)
        page.keyboard.press("Shift+ArrowRight")
    page.locator("#new-claim-button").wait_for(state="visible")
    assert page.evaluate("getSelection().toString()") == phrase
    # The shortcut is ignored in form fields, so it never eats typed text.
    page.keyboard.press("n")
    assert page.evaluate("document.activeElement.name") == "restatement"
    page.keyboard.type("Ridership up")  # contains an "n"... and "p": typed, not a shortcut
    assert page.locator("#claim-dialog textarea[name=restatement]").input_value() == "Ridership up"
    claim = save_new_claim(page, "Ridership rose")
    assert (claim.start, claim.end, claim.exact) == (start, start + len(phrase), phrase)


def test_cancel_and_escape(page, live_server, log_in, team):
    imported = article(team, EN_TEXT, "Ridership report")
    log_in(team.reviewer)
    open_reader(page, reader_url(live_server, team, imported))
    drag_select(page, imported.snapshot.text, "mayor said")
    button = page.locator("#new-claim-button")
    button.wait_for(state="visible")
    page.keyboard.press("Escape")
    button.wait_for(state="hidden")
    page.keyboard.press("n")
    page.locator("[data-close-dialog]").click()
    page.locator("#claim-dialog:not([open])").wait_for(state="attached")
    assert Claim.objects.count() == 0


def test_overlapping_claims(page, live_server, log_in, team):
    imported = article(team, EN_TEXT, "Ridership report")
    text = imported.snapshot.text

    def make(phrase: str) -> Claim:
        start = text.index(phrase)
        return claim_create(
            workspace=team.workspace,
            snapshot=imported.snapshot,
            start=start,
            end=start + len(phrase),
            exact=phrase,
            restatement=f"About {phrase}",
            actor=team.reviewer,
        )

    first, second = make("ridership rose 12%"), make("rose 12% in 2025")
    overlap = "rose 12%"
    log_in(team.viewer)  # reading needs no write access
    url = reader_url(live_server, team, imported)
    open_reader(page, url)

    got = page.evaluate(
        """() => Object.fromEntries(["open", "overlap"].map((name) =>
            [name, Array.from(CSS.highlights.get(`claim-${name}`), (r) => r.toString())]))"""
    )
    assert sorted(got["open"]) == sorted([first.exact, second.exact])
    assert got["overlap"] == [overlap]
    assert page.evaluate("window.__sanadReader.claimCount") == 2

    # Hover in the panel: the focus highlight follows.
    page.locator(f"#claim-panel li[data-claim-id='{second.pk}']").hover()
    assert focus_highlight_text(page) == [second.exact]
    page.mouse.move(0, 0)

    def claim_url(claim: Claim) -> str:
        return live_server.url + reverse(
            "claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk}
        )

    # Each claim's own part opens that claim.
    page.mouse.click(*char_center(page, text.index("ridership") + 2))
    page.wait_for_url(claim_url(first))
    open_reader(page, url)
    page.mouse.click(*char_center(page, text.index("2025") + 1))
    page.wait_for_url(claim_url(second))
    open_reader(page, url)

    # The overlap offers both, keyboard first.
    page.mouse.click(*char_center(page, text.index(overlap) + 1))
    menu = page.locator("#claim-menu")
    menu.wait_for(state="visible")
    links = menu.get_by_role("link")
    assert sorted(links.evaluate_all("(as) => as.map((a) => a.href)")) == sorted(
        [claim_url(first), claim_url(second)]
    )
    assert page.evaluate("document.activeElement === document.querySelector('#claim-menu a')")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == links.nth(1).text_content()
    page.keyboard.press("Escape")
    menu.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == "article-text"
    # Clicking outside the highlights opens nothing.
    page.mouse.click(*char_center(page, text.index("mayor")))
    page.wait_for_timeout(400)
    assert page.url == url and menu.is_hidden()
    # Choose from the menu with the keyboard.
    page.mouse.click(*char_center(page, text.index(overlap) + 4))
    menu.wait_for(state="visible")
    target = links.nth(0).get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + target)


def test_viewer_sees_highlights_but_no_new_claim_button(page, live_server, log_in, team):
    imported = article(team, EN_TEXT, "Ridership report")
    claim_create(
        workspace=team.workspace,
        snapshot=imported.snapshot,
        start=4,
        end=11,
        exact=EN_TEXT[4:11],
        actor=team.reviewer,
    )
    log_in(team.viewer)
    open_reader(page, reader_url(live_server, team, imported))
    assert page.evaluate("Array.from(CSS.highlights.get('claim-open'), (r) => r.toString())") == [
        "🚇 mayor"
    ]
    drag_select(page, imported.snapshot.text, "ridership rose")
    page.wait_for_timeout(200)
    assert page.locator("#new-claim-button").count() == 0
    assert page.locator("#claim-dialog").count() == 0


def test_edit_in_two_tabs_keeps_the_first_and_refuses_the_second(
    page, context, live_server, log_in, team, browser_errors
):
    imported = article(team, EN_TEXT, "Ridership report")
    claim = claim_create(
        workspace=team.workspace,
        snapshot=imported.snapshot,
        start=4,
        end=11,
        exact=EN_TEXT[4:11],
        restatement="Original",
        actor=team.reviewer,
    )
    # The refused save is answered 409 Conflict, which Chromium logs as an error.
    browser_errors.allow(r"status of 409")
    log_in(team.reviewer)
    url = live_server.url + reverse(
        "claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk}
    )
    first, second = page, context.new_page()
    first.goto(url)
    second.goto(url)

    first.locator("textarea[name=restatement]").fill("First edit")
    first.get_by_role("button", name="Save changes").click()
    first.get_by_text("Claim updated.").wait_for()

    second.locator("textarea[name=restatement]").fill("Second edit, typed meanwhile")
    with second.expect_response(lambda r: r.request.method == "POST") as response:
        second.get_by_role("button", name="Save changes").click()
    assert response.value.status == 409
    second.get_by_text("changed since you opened it").first.wait_for()
    assert second.get_by_role("link", name=re.compile("Reload")).is_visible()
    assert second.locator("textarea[name=restatement]").input_value() == (
        "Second edit, typed meanwhile"
    )

    claim.refresh_from_db()
    assert claim.restatement == "First edit"
    assert claim.version == 2
