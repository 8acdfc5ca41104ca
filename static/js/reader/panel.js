// The claims beside the text and the controls added next to it: the claims panel
// (hovering or focusing a claim highlights it in the text), opening claims from the
// text (click, or Enter on the keyboard cursor), the menu when several claims cover
// one place, and the new-claim button and dialog.

import { PRIORITY, setHighlight, supported } from "./highlights.js";

// The page's strings come from the JavaScript catalogue (/jsi18n/) loaded before.
const gettext = globalThis.gettext || ((text) => text);
const ngettext = globalThis.ngettext || ((one, many, n) => (n === 1 ? one : many));
const interpolate = globalThis.interpolate || ((text, values) => text.replace("%s", values[0]));

export const STATUS_LABELS = {
  open: gettext("Open"),
  in_review: gettext("In review"),
  verdict_proposed: gettext("Verdict proposed"),
  published: gettext("Published"),
  corrected: gettext("Corrected"),
  retracted: gettext("Retracted"),
};
// A single click on a claim waits this long so a double click can select a word.
const CLICK_DELAY_MS = 300;
const HOVER_SCROLL_DELAY_MS = 200;

/** "Selected: …", for the live region that follows the keyboard cursor. */
export function selectedWords(quote) {
  return interpolate(gettext("Selected: %s"), [quote]);
}

export function scrollBehavior() {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
}

export function isFormField(element) {
  return Boolean(
    element &&
      (element.isContentEditable ||
        element.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])")),
  );
}

/** Scroll the window so `range` is comfortably in view (nothing if it already is). */
export function scrollToRange(range, behavior) {
  if (!range) return;
  const rect = range.getBoundingClientRect();
  const margin = 48;
  if (rect.top >= margin && rect.bottom <= window.innerHeight - margin) return;
  window.scrollTo({ top: window.scrollY + rect.top - window.innerHeight / 3, behavior });
}

export function setUpPanel(text, claims) {
  const { root } = text;
  const claimById = new Map(claims.map((claim) => [String(claim.id), claim]));

  function claimRange(claim) {
    if (!claim.range) claim.range = text.rangeFor(claim.start, claim.end);
    return claim.range;
  }

  // --- Focus highlight from the claim panel ---------------------------------------
  const panel = document.getElementById("claim-panel");
  const selectedId = new URLSearchParams(window.location.search).get("claim");
  let hoveredId = null;
  let focusedId = null;
  let hoverTimer = 0;

  function showFocus() {
    if (!supported) return;
    const id = focusedId ?? hoveredId ?? selectedId;
    const claim = id === null ? null : claimById.get(String(id));
    const range = claim && claimRange(claim);
    setHighlight("claim-focus", range ? [range] : [], PRIORITY.focus);
  }

  function scrollToClaim(id, behavior) {
    const claim = claimById.get(String(id));
    scrollToRange(claim && claimRange(claim), behavior);
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
    const range = text.rangeFor(offset, offset + 1);
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
    if (!node || !text.paragraphElementOf(node)) return null;
    const caret = text.storedOffsetOf(node, offset, "forward");
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

  /** Open the claim at `offset` (or a menu of several); false when there is none. */
  function openClaimsAt(offset, rect) {
    const found = claimsAt(offset);
    if (found.length === 1) {
      window.location.assign(found[0].url);
    } else if (found.length > 1) {
      openMenu(found, rect);
    }
    return found.length > 0;
  }

  /** Open the claims covering stored `offset`, the menu placed under that character. */
  function openClaimsAtOffset(offset) {
    const range = text.rangeFor(offset, offset + 1);
    const rect = range ? range.getBoundingClientRect() : root.getBoundingClientRect();
    return openClaimsAt(offset, new DOMRect(rect.left, rect.top, rect.width, rect.height));
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
    if (event.defaultPrevented) return;
    if (event.key !== "Enter" || event.ctrlKey || event.metaKey || event.altKey) return;
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || !selection.isCollapsed) return;
    const node = selection.focusNode;
    if (!node || !text.paragraphElementOf(node)) return;
    const caret = text.storedOffsetOf(node, selection.focusOffset, "forward");
    const offset = claimsAt(caret).length ? caret : caret - 1;
    if (openClaimsAtOffset(offset)) event.preventDefault();
  });

  // --- New claims from a selection -------------------------------------------------
  const dialog = document.getElementById("claim-dialog");
  const form = dialog && dialog.querySelector("form");
  let newButton = null;
  let pendingSpan = null;

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
    const last = text.rangeFor(span.end - 1, span.end);
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

  const canCreate = Boolean(dialog && form);
  if (canCreate) {
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
        const span = text.selectionSpan();
        if (span) showNewButton(span);
        else hideNewButton();
      });
    });

    document.addEventListener("keydown", (event) => {
      if (event.key !== "n" || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
      if (dialog.open || isFormField(event.target)) return;
      const span = text.selectionSpan();
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

  return { claimsAt, openClaimsAtOffset, canCreate, dialogOpen: () => Boolean(dialog && dialog.open) };
}
