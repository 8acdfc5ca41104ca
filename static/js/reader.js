// The article reader: highlights claims, opens them from the text, and turns a
// selection into a new claim.
//
// The page is server-rendered and readable without this script: one <p> per
// paragraph in #article-text, each with the code-point offsets (`data-start`,
// `data-end`) of its text in the stored snapshot. Claims come from the JSON in
// #claims-data, the whole stored text from #snapshot-text. Highlights use the
// CSS Custom Highlight API, so the article's DOM is never modified; the few
// controls this script adds live outside #article-text.

import { domToStored, isBmpOnly, storedToDom, trimSpan } from "./offsets.js";

// The page's strings come from the JavaScript catalogue (/jsi18n/) loaded before.
const gettext = globalThis.gettext || ((text) => text);
const ngettext = globalThis.ngettext || ((one, many, n) => (n === 1 ? one : many));
const interpolate = globalThis.interpolate || ((text, values) => text.replace("%s", values[0]));

const STATUSES = ["open", "in_review", "verdict_proposed", "published", "corrected"];
const STATUS_LABELS = {
  open: gettext("Open"),
  in_review: gettext("In review"),
  verdict_proposed: gettext("Verdict proposed"),
  published: gettext("Published"),
  corrected: gettext("Corrected"),
};
// Later highlights paint over earlier ones where they meet.
const PRIORITY = { status: 0, verdict: 1, overlap: 2, focus: 3 };
const VERDICT_STATUSES = new Set(["published", "corrected"]);
const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;
// A single click on a claim waits this long so a double click can select a word.
const CLICK_DELAY_MS = 300;
const HOVER_SCROLL_DELAY_MS = 200;

const textRoot = document.getElementById("article-text");
if (textRoot) setUp(textRoot);

function readJson(id, fallback) {
  const element = document.getElementById(id);
  if (!element) return fallback;
  try {
    return JSON.parse(element.textContent);
  } catch {
    return fallback;
  }
}

function scrollBehavior() {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
}

function isFormField(element) {
  return Boolean(
    element &&
      (element.isContentEditable ||
        element.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])")),
  );
}

function setUp(root) {
  const started = performance.now();

  // --- The text: paragraphs with their stored offsets --------------------------
  const paragraphs = Array.from(root.querySelectorAll("p[data-start][data-end]"), (element) => {
    const text = element.textContent;
    return {
      element,
      start: Number(element.dataset.start),
      end: Number(element.dataset.end),
      text,
      bmp: isBmpOnly(text),
    };
  }).sort((a, b) => a.start - b.start);
  const paragraphOf = new Map(paragraphs.map((paragraph) => [paragraph.element, paragraph]));

  const storedText = readJson("snapshot-text", null);
  let storedCodePoints = null;
  function codePoints() {
    if (storedCodePoints === null) {
      storedCodePoints = typeof storedText === "string" ? Array.from(storedText) : rebuiltText();
    }
    return storedCodePoints;
  }
  // Without #snapshot-text: the paragraphs at their offsets, line breaks between.
  function rebuiltText() {
    const last = paragraphs[paragraphs.length - 1];
    const result = new Array(last ? last.end : 0).fill("\n");
    for (const paragraph of paragraphs) {
      Array.from(paragraph.text).forEach((char, i) => {
        result[paragraph.start + i] = char;
      });
    }
    return result;
  }

  /** The text node and unit offset at `units` UTF-16 units into a paragraph. */
  function textPoint(paragraph, units) {
    const element = paragraph.element;
    const only = element.firstChild;
    if (only && only === element.lastChild && only.nodeType === Node.TEXT_NODE) {
      return [only, Math.min(units, only.length)];
    }
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    let remaining = units;
    let node = walker.nextNode();
    let last = null;
    while (node) {
      if (remaining <= node.length) return [node, remaining];
      remaining -= node.length;
      last = node;
      node = walker.nextNode();
    }
    return last ? [last, last.length] : [element, 0];
  }

  /** A live Range over stored offsets `start:end`, or null if it covers no text. */
  function rangeFor(start, end) {
    const from = storedToDom(paragraphs, start, "forward");
    const to = storedToDom(paragraphs, end, "backward");
    if (!from || !to) return null;
    if (from.index > to.index || (from.index === to.index && from.units >= to.units)) return null;
    const range = document.createRange();
    range.setStart(...textPoint(paragraphs[from.index], from.units));
    range.setEnd(...textPoint(paragraphs[to.index], to.units));
    return range;
  }

  function paragraphElementOf(node) {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    const found = element && element.closest("p[data-start][data-end]");
    return found && paragraphOf.has(found) ? found : null;
  }

  /**
   * Stored offset of a DOM boundary point. Inside a paragraph it is exact; outside
   * one (between paragraphs, or beyond the text) it moves to the next paragraph's
   * start ("forward") or the previous one's end ("backward").
   */
  function storedOffsetOf(node, offset, affinity) {
    const element = paragraphElementOf(node);
    if (element) {
      const paragraph = paragraphOf.get(element);
      let units;
      if (node.nodeType === Node.TEXT_NODE && node === element.firstChild && node === element.lastChild) {
        units = offset;
      } else {
        const before = document.createRange();
        before.setStart(element, 0);
        before.setEnd(node, offset);
        units = before.toString().length;
      }
      return domToStored(paragraph, units, affinity === "forward" ? "floor" : "ceil");
    }
    if (paragraphs.length === 0) return 0;
    // First paragraph that begins after the point.
    const point = document.createRange();
    point.setStart(node, offset);
    let low = 0;
    let high = paragraphs.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (point.comparePoint(paragraphs[middle].element, 0) > 0) high = middle;
      else low = middle + 1;
    }
    if (affinity === "forward") {
      return low < paragraphs.length ? paragraphs[low].start : paragraphs[paragraphs.length - 1].end;
    }
    return low > 0 ? paragraphs[low - 1].end : paragraphs[0].start;
  }

  // --- Claims and their highlights ----------------------------------------------
  const claims = readJson("claims-data", [])
    .filter((claim) => Number.isInteger(claim.start) && Number.isInteger(claim.end) && claim.end > claim.start)
    .map((claim) => ({ ...claim, range: null }));
  const claimById = new Map(claims.map((claim) => [String(claim.id), claim]));
  const highlights = typeof CSS !== "undefined" && CSS.highlights && typeof Highlight === "function";

  function makeHighlight(ranges, priority = PRIORITY.status) {
    const highlight = new Highlight();
    for (const range of ranges) highlight.add(range);
    highlight.priority = priority;
    return highlight;
  }

  /** Stored spans covered by two or more claims, merged. */
  function overlaps() {
    const events = [];
    for (const claim of claims) {
      events.push([claim.start, 1], [claim.end, -1]);
    }
    // At one offset, ends come before starts (spans are end-exclusive).
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const spans = [];
    let depth = 0;
    let from = 0;
    for (const [position, step] of events) {
      const before = depth;
      depth += step;
      if (before < 2 && depth >= 2) from = position;
      if (before >= 2 && depth < 2 && position > from) {
        const last = spans[spans.length - 1];
        if (last && last[1] === from) last[1] = position;
        else spans.push([from, position]);
      }
    }
    return spans;
  }

  if (highlights) {
    const byStatus = new Map(STATUSES.map((status) => [status, []]));
    for (const claim of claims) {
      claim.range = rangeFor(claim.start, claim.end);
      if (!claim.range) continue;
      if (!byStatus.has(claim.status)) byStatus.set(claim.status, []);
      byStatus.get(claim.status).push(claim.range);
    }
    for (const [status, ranges] of byStatus) {
      CSS.highlights.set(`claim-${status}`, makeHighlight(ranges));
    }
    showVerdicts();
    const overlapRanges = overlaps()
      .map(([start, end]) => rangeFor(start, end))
      .filter(Boolean);
    CSS.highlights.set("claim-overlap", makeHighlight(overlapRanges, PRIORITY.overlap));
    CSS.highlights.set("claim-focus", makeHighlight([], PRIORITY.focus));
  }

  /**
   * Published and corrected claims take their verdict's colour from the workspace's
   * rating scale. The colours are data, so their ::highlight() rules go into a
   * constructed style sheet (no inline style, nothing for a CSP to refuse).
   */
  function showVerdicts() {
    const byColour = new Map();
    for (const claim of claims) {
      const colour = claim.rating && claim.rating.colour;
      if (!claim.range || !VERDICT_STATUSES.has(claim.status) || !HEX_COLOUR.test(colour || "")) continue;
      const key = colour.slice(1).toLowerCase();
      if (!byColour.has(key)) byColour.set(key, []);
      byColour.get(key).push(claim.range);
    }
    if (byColour.size === 0) return;
    const rules = [];
    for (const [key, ranges] of byColour) {
      CSS.highlights.set(`claim-verdict-${key}`, makeHighlight(ranges, PRIORITY.verdict));
      rules.push(
        `::highlight(claim-verdict-${key}) { background-color: #${key}33; ` +
          `text-decoration: underline solid 3px #${key}; }`,
      );
    }
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(rules.join("\n"));
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  }
  window.__sanadReader = {
    highlightMs: performance.now() - started,
    claimCount: claims.length,
    highlighted: highlights,
  };

  function claimRange(claim) {
    if (!claim.range) claim.range = rangeFor(claim.start, claim.end);
    return claim.range;
  }

  // --- Focus highlight from the claim panel ---------------------------------------
  const panel = document.getElementById("claim-panel");
  const selectedId = new URLSearchParams(window.location.search).get("claim");
  let hoveredId = null;
  let focusedId = null;
  let hoverTimer = 0;

  function showFocus() {
    if (!highlights) return;
    const id = focusedId ?? hoveredId ?? selectedId;
    const claim = id === null ? null : claimById.get(String(id));
    const range = claim && claimRange(claim);
    CSS.highlights.set("claim-focus", makeHighlight(range ? [range] : [], PRIORITY.focus));
  }

  function scrollToClaim(id, behavior) {
    const claim = claimById.get(String(id));
    const range = claim && claimRange(claim);
    if (!range) return;
    const rect = range.getBoundingClientRect();
    const margin = 48;
    if (rect.top >= margin && rect.bottom <= window.innerHeight - margin) return;
    window.scrollTo({ top: window.scrollY + rect.top - window.innerHeight / 3, behavior });
  }

  if (panel) {
    const itemOf = (target) => target.closest && target.closest("li[data-claim-id]");
    panel.addEventListener("mouseover", (event) => {
      const item = itemOf(event.target);
      const id = item ? item.dataset.claimId : null;
      if (id === hoveredId) return;
      hoveredId = id;
      showFocus();
      window.clearTimeout(hoverTimer);
      if (id !== null) {
        hoverTimer = window.setTimeout(() => scrollToClaim(id, scrollBehavior()), HOVER_SCROLL_DELAY_MS);
      }
    });
    panel.addEventListener("mouseleave", () => {
      hoveredId = null;
      window.clearTimeout(hoverTimer);
      showFocus();
    });
    panel.addEventListener("focusin", (event) => {
      const item = itemOf(event.target);
      focusedId = item ? item.dataset.claimId : null;
      showFocus();
      if (focusedId !== null) scrollToClaim(focusedId, scrollBehavior());
    });
    panel.addEventListener("focusout", (event) => {
      if (!panel.contains(event.relatedTarget)) {
        focusedId = null;
        showFocus();
      }
    });
  }
  if (selectedId !== null && claimById.has(selectedId)) {
    showFocus();
    scrollToClaim(selectedId, "auto");
  }

  // --- Positioning helpers for the controls added next to the text ---------------
  const rtl = () => window.getComputedStyle(root).direction === "rtl";

  /** Place an absolutely positioned element under a viewport rectangle. */
  function placeBelow(element, rect, alignEnd) {
    element.hidden = false;
    const width = element.offsetWidth;
    let left;
    if (alignEnd) {
      left = rtl() ? Math.min(rect.left, rect.right - width) : Math.max(rect.left, rect.right - width);
    } else {
      left = rtl() ? rect.right - width : rect.left;
    }
    left = Math.max(8, Math.min(left, document.documentElement.clientWidth - width - 8));
    const top = rect.bottom + 6;
    const parent = element.offsetParent;
    let baseLeft = -window.scrollX;
    let baseTop = -window.scrollY;
    if (parent && parent !== document.body && parent !== document.documentElement) {
      const box = parent.getBoundingClientRect();
      baseLeft = box.left + parent.clientLeft - parent.scrollLeft;
      baseTop = box.top + parent.clientTop - parent.scrollTop;
    }
    element.style.left = `${left - baseLeft}px`;
    element.style.top = `${top - baseTop}px`;
  }

  // --- Opening claims from the text ------------------------------------------------
  let menu = null;
  let menuReturnFocus = null;

  function claimsAt(offset) {
    return claims.filter((claim) => claim.start <= offset && offset < claim.end);
  }

  /** Does the character at stored `offset` contain the viewport point? */
  function charHit(offset, x, y) {
    const range = rangeFor(offset, offset + 1);
    if (!range) return false;
    for (const rect of range.getClientRects()) {
      if (x >= rect.left - 1 && x <= rect.right + 1 && y >= rect.top - 1 && y <= rect.bottom + 1) {
        return true;
      }
    }
    return false;
  }

  /** Stored offset of the character under a viewport point, or null. */
  function offsetAtPoint(x, y) {
    let node = null;
    let offset = 0;
    if (document.caretPositionFromPoint) {
      const position = document.caretPositionFromPoint(x, y);
      if (position) [node, offset] = [position.offsetNode, position.offset];
    } else if (document.caretRangeFromPoint) {
      const range = document.caretRangeFromPoint(x, y);
      if (range) [node, offset] = [range.startContainer, range.startOffset];
    }
    if (!node || !paragraphElementOf(node)) return null;
    const caret = storedOffsetOf(node, offset, "forward");
    // The caret sits between two characters: find the one actually under the point.
    for (const candidate of [caret, caret - 1]) {
      if (candidate >= 0 && charHit(candidate, x, y)) return candidate;
    }
    return null;
  }

  function closeMenu(restoreFocus = true) {
    if (!menu || menu.hidden) return;
    menu.hidden = true;
    if (restoreFocus && menuReturnFocus && document.contains(menuReturnFocus)) {
      menuReturnFocus.focus({ preventScroll: true });
    }
    menuReturnFocus = null;
  }

  function buildMenu() {
    const element = document.createElement("div");
    element.className = "claim-menu";
    element.id = "claim-menu";
    element.setAttribute("role", "dialog");
    element.setAttribute("aria-labelledby", "claim-menu-title");
    element.hidden = true;
    const title = document.createElement("p");
    title.id = "claim-menu-title";
    title.className = "claim-menu-title";
    const list = document.createElement("ul");
    element.append(title, list);
    element.addEventListener("keydown", (event) => {
      const links = Array.from(element.querySelectorAll("a"));
      const index = links.indexOf(document.activeElement);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        links[(index + step + links.length) % links.length].focus();
      } else if (event.key === "Home" || event.key === "End") {
        event.preventDefault();
        links[event.key === "Home" ? 0 : links.length - 1].focus();
      }
    });
    element.addEventListener("focusout", (event) => {
      if (!element.contains(event.relatedTarget)) closeMenu(false);
    });
    root.after(element);
    return element;
  }

  function openMenu(found, rect) {
    menu = menu || buildMenu();
    menuReturnFocus = document.activeElement;
    menu.querySelector(".claim-menu-title").textContent = interpolate(
      ngettext("%s claim covers this passage:", "%s claims cover this passage:", found.length),
      [found.length],
    );
    const list = menu.querySelector("ul");
    list.replaceChildren(
      ...found.map((claim) => {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = claim.url;
        link.dir = "auto";
        link.textContent = claim.label || claim.exact;
        const status = document.createElement("span");
        status.className = `badge status-${claim.status}`;
        status.textContent = STATUS_LABELS[claim.status] || claim.status;
        item.append(link, " ", status);
        return item;
      }),
    );
    placeBelow(menu, rect, false);
    menu.querySelector("a").focus({ preventScroll: true });
  }

  function openClaimsAt(offset, rect) {
    const found = claimsAt(offset);
    if (found.length === 1) {
      window.location.assign(found[0].url);
    } else if (found.length > 1) {
      openMenu(found, rect);
    }
    return found.length > 0;
  }

  let clickTimer = 0;
  root.addEventListener("click", (event) => {
    window.clearTimeout(clickTimer);
    if (event.button !== 0 || event.detail > 1) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const { clientX: x, clientY: y } = event;
    clickTimer = window.setTimeout(() => {
      const selection = window.getSelection();
      if (selection && !selection.isCollapsed) return; // a drag or double click selected text
      const offset = offsetAtPoint(x, y);
      if (offset === null) return;
      openClaimsAt(offset, new DOMRect(x, y, 0, 0));
    }, CLICK_DELAY_MS);
  });
  document.addEventListener("pointerdown", (event) => {
    if (menu && !menu.hidden && !menu.contains(event.target)) closeMenu(false);
  });

  // Enter on a claim with the caret in the text (caret browsing) opens it too.
  root.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.ctrlKey || event.metaKey || event.altKey) return;
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || !selection.isCollapsed) return;
    const node = selection.focusNode;
    if (!node || !paragraphElementOf(node)) return;
    const caret = storedOffsetOf(node, selection.focusOffset, "forward");
    const offset = claimsAt(caret).length ? caret : caret - 1;
    const charRange = rangeFor(offset, offset + 1);
    const rect = charRange ? charRange.getBoundingClientRect() : root.getBoundingClientRect();
    if (openClaimsAt(offset, new DOMRect(rect.left, rect.top, rect.width, rect.height))) {
      event.preventDefault();
    }
  });

  // --- New claims from a selection -------------------------------------------------
  const dialog = document.getElementById("claim-dialog");
  const form = dialog && dialog.querySelector("form");
  let newButton = null;
  let pendingSpan = null;

  /** The current selection as a trimmed stored span {start, end, exact}, or null. */
  function selectionSpan() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!range.intersectsNode(root)) return null;
    const start = storedOffsetOf(range.startContainer, range.startOffset, "forward");
    const end = storedOffsetOf(range.endContainer, range.endOffset, "backward");
    if (end <= start) return null;
    const text = codePoints();
    const span = trimSpan(text, start, end);
    if (!span) return null;
    return { ...span, exact: text.slice(span.start, span.end).join("") };
  }

  function hideNewButton() {
    pendingSpan = null;
    if (newButton) newButton.hidden = true;
  }

  function showNewButton(span) {
    pendingSpan = span;
    if (!newButton) {
      newButton = document.createElement("button");
      newButton.type = "button";
      newButton.className = "new-claim-button";
      newButton.id = "new-claim-button";
      newButton.setAttribute("aria-keyshortcuts", "n");
      newButton.title = gettext("Make the selected passage a claim (shortcut: n)");
      newButton.append(gettext("New claim") + " ");
      const key = document.createElement("kbd");
      key.textContent = "n";
      key.setAttribute("aria-hidden", "true");
      newButton.append(key);
      newButton.hidden = true;
      // Keep the selection (and focus) where they are when the button is pressed.
      newButton.addEventListener("mousedown", (event) => event.preventDefault());
      newButton.addEventListener("click", () => {
        if (pendingSpan) openDialog(pendingSpan);
      });
      root.after(newButton);
    }
    const last = rangeFor(span.end - 1, span.end);
    const rects = last ? Array.from(last.getClientRects()).filter((rect) => rect.width > 0) : [];
    const rect = rects.length ? rects[rects.length - 1] : root.getBoundingClientRect();
    placeBelow(newButton, rect, true);
  }

  function openDialog(span) {
    const fields = form.elements;
    fields.namedItem("start").value = String(span.start);
    fields.namedItem("end").value = String(span.end);
    fields.namedItem("exact").value = span.exact;
    const quote = dialog.querySelector("#claim-quote");
    if (quote) quote.textContent = span.exact;
    hideNewButton();
    closeMenu(false);
    if (!dialog.open) dialog.showModal();
    const first = fields.namedItem("restatement");
    if (first) first.focus();
  }

  if (dialog && form) {
    for (const button of dialog.querySelectorAll("[data-close-dialog]")) {
      button.addEventListener("click", () => dialog.close());
    }
    // The server re-shows the form with its errors: reopen it as a modal dialog.
    if (dialog.open) {
      const exact = form.elements.namedItem("exact");
      const quote = dialog.querySelector("#claim-quote");
      if (quote && exact && !quote.textContent) quote.textContent = exact.value;
      dialog.close();
      dialog.showModal();
    }

    let frame = 0;
    document.addEventListener("selectionchange", () => {
      window.cancelAnimationFrame(frame);
      frame = window.requestAnimationFrame(() => {
        if (dialog.open) return;
        const span = selectionSpan();
        if (span) showNewButton(span);
        else hideNewButton();
      });
    });

    document.addEventListener("keydown", (event) => {
      if (event.key !== "n" || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
      if (dialog.open || isFormField(event.target)) return;
      const span = selectionSpan();
      if (!span) return;
      event.preventDefault();
      openDialog(span);
    });
  }

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || (dialog && dialog.open)) return;
    if (menu && !menu.hidden) {
      event.preventDefault();
      closeMenu(true);
    } else if (newButton && !newButton.hidden) {
      event.preventDefault();
      hideNewButton();
    }
  });
}
