// Keyboard-first reading: a cursor that moves through the article by sentence or
// word, extends by sentence or word, and becomes a claim with `n` — no caret
// browsing needed. The cursor is the page's own selection (so the new-claim
// button, `n` and the mouse all work on the same thing), moved in stored
// code-point offsets along the sentences and words of selection.js.
//
// Keys (while the article text has focus; `?` anywhere). The arrows leave a caret
// or a selection made some other way to the browser (see `arrowsAreOurs`); the
// letters always work.
//   ↓ / j, ↑ / k             next / previous sentence
//   Shift+↓ / J, Shift+↑ / K  extend / shrink by a sentence
//   → ← (reading direction) / w, b        next / previous word
//   Shift+→ ← / W, B         extend / shrink by a word
//   n                        make the selection a claim (panel.js)
//   Enter                    open the claim under the cursor
//   Escape                   clear the cursor
//   ?                        the list of shortcuts

import { isFormField, scrollBehavior, scrollToRange, selectedWords } from "./panel.js";

const STATUS_TEXT_LIMIT = 160;

export function setUpKeyboard(text, panel) {
  const { root } = text;
  const status = document.getElementById("reader-status");
  let anchor = null;
  let focus = null;
  let shown = null; // the span this module last put in the selection

  const rtl = () => window.getComputedStyle(root).direction === "rtl";

  /** Take up a selection made some other way (the mouse) as the cursor. */
  function syncWithSelection() {
    const span = text.selectionSpan();
    if (!span) {
      anchor = focus = shown = null;
    } else if (!shown || span.start !== shown.start || span.end !== shown.end) {
      anchor = span.start;
      focus = span.end;
      shown = span;
    }
  }

  function show(start, end) {
    const span = text.span(Math.min(start, end), Math.max(start, end));
    if (!span) return false;
    const range = text.rangeFor(span.start, span.end);
    if (!range) return false;
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    shown = span;
    scrollToRange(range, scrollBehavior());
    if (status) {
      const quote =
        span.exact.length > STATUS_TEXT_LIMIT ? `${span.exact.slice(0, STATUS_TEXT_LIMIT)}…` : span.exact;
      status.textContent = selectedWords(quote);
    }
    return true;
  }

  /** Stored offset of a caret in the text, or null. */
  function caretOffset() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || !selection.isCollapsed) return null;
    if (!text.paragraphElementOf(selection.focusNode || root)) return null;
    return text.storedOffsetOf(selection.focusNode, selection.focusOffset, "forward");
  }

  /** The unit at a caret in the text, else the first at or below the viewport's top. */
  function firstVisible(units) {
    const caret = caretOffset();
    if (caret !== null) {
      const atCaret = units.find((unit) => unit.end > caret);
      if (atCaret) return atCaret;
    }
    for (const unit of units) {
      const range = text.rangeFor(unit.start, unit.end);
      if (range && range.getBoundingClientRect().bottom > 0) return unit;
    }
    return units[0] || null;
  }

  /** Move the cursor to the next (`step` 1) or previous (-1) whole unit. */
  function move(units, step) {
    let target;
    if (focus === null) {
      target = firstVisible(units);
    } else if (step > 0) {
      const end = Math.max(anchor, focus);
      target = units.find((unit) => unit.start >= end);
    } else {
      const start = Math.min(anchor, focus);
      target = units.findLast((unit) => unit.end <= start);
    }
    if (!target) return;
    anchor = target.start;
    focus = target.end;
    show(anchor, focus);
  }

  /** Move the cursor's moving end to the next unit end (1) or previous unit start (-1). */
  function extend(units, step) {
    if (focus === null) {
      move(units, 1);
      return;
    }
    let next;
    if (step > 0) {
      next = units.find((unit) => unit.end > focus && unit.end !== anchor);
      next = next && next.end;
    } else {
      next = units.findLast((unit) => unit.start < focus && unit.start !== anchor);
      next = next && next.start;
    }
    if (next === undefined || !show(anchor, next)) return;
    focus = next;
  }

  /**
   * Arrow keys belong to the browser while someone else holds the selection: a caret
   * in the text (caret browsing) or a selection made with the mouse or Shift+arrows
   * there extends by characters as usual. They move the cursor when there is no
   * selection in the text, or when the selection is the cursor's own.
   */
  function arrowsAreOurs(key, shift) {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0) return true;
    const inText = root.contains(selection.focusNode) || root.contains(selection.anchorNode);
    if (!inText) return true;
    // From a caret (a click, or caret browsing) ↑/↓ pick the sentence there; the
    // others move or extend the caret by characters as the browser does.
    if (selection.isCollapsed) return !shift && (key === "ArrowUp" || key === "ArrowDown");
    const span = text.selectionSpan();
    return Boolean(span && shown && span.start === shown.start && span.end === shown.end);
  }

  function clear() {
    window.getSelection().removeAllRanges();
    anchor = focus = shown = null;
    if (status) status.textContent = "";
  }

  root.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (panel.dialogOpen()) return;
    const forward = rtl() ? "ArrowLeft" : "ArrowRight";
    const backward = rtl() ? "ArrowRight" : "ArrowLeft";
    const key = event.key;
    const shift = event.shiftKey;
    if (key.startsWith("Arrow") && !arrowsAreOurs(key, shift)) return;
    let action = null;
    if ((key === "ArrowDown" && !shift) || key === "j") action = () => move(text.sentences(), 1);
    else if ((key === "ArrowUp" && !shift) || key === "k") action = () => move(text.sentences(), -1);
    else if ((key === "ArrowDown" && shift) || key === "J") action = () => extend(text.sentences(), 1);
    else if ((key === "ArrowUp" && shift) || key === "K") action = () => extend(text.sentences(), -1);
    else if ((key === forward && !shift) || key === "w") action = () => move(text.words(), 1);
    else if ((key === backward && !shift) || key === "b") action = () => move(text.words(), -1);
    else if ((key === forward && shift) || key === "W") action = () => extend(text.words(), 1);
    else if ((key === backward && shift) || key === "B") action = () => extend(text.words(), -1);
    else if (key === "Enter") {
      syncWithSelection();
      if (focus === null) return;
      if (panel.openClaimsAtOffset(Math.min(anchor, focus))) event.preventDefault();
      return;
    } else if (key === "Escape" && focus !== null) action = clear;
    if (!action) return;
    event.preventDefault();
    syncWithSelection();
    action();
  });

  // The shortcuts overlay: `?` anywhere outside a form field, or its button.
  const overlay = document.getElementById("shortcuts-dialog");
  if (overlay) {
    const open = () => {
      if (!overlay.open) overlay.showModal();
    };
    for (const button of document.querySelectorAll("[data-open-shortcuts]")) {
      button.addEventListener("click", open);
    }
    for (const button of overlay.querySelectorAll("[data-close-dialog]")) {
      button.addEventListener("click", () => overlay.close());
    }
    document.addEventListener("keydown", (event) => {
      if (event.key !== "?" || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isFormField(event.target) || panel.dialogOpen()) return;
      event.preventDefault();
      open();
    });
  }
}
