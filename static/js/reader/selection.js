// The article's text as the reader sees it: paragraphs with their stored offsets,
// conversions between DOM points and stored code-point offsets, the current
// selection as a stored span, and the sentences and words of the text.
//
// Stored offsets are Unicode code points into the snapshot's text (what the server
// keeps); the DOM counts UTF-16 units. offsets.js does the arithmetic.

import {
  domToStored,
  isBmpOnly,
  storedToDom,
  trimSpan,
  unitsToCodePoints,
} from "../offsets.js";

export function readJson(id, fallback) {
  const element = document.getElementById(id);
  if (!element) return fallback;
  try {
    return JSON.parse(element.textContent);
  } catch {
    return fallback;
  }
}

/** The text of `root` (#article-text): every helper that needs offsets or ranges. */
export function articleText(root) {
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

  /** A stored span `start:end` trimmed of whitespace, with its text, or null. */
  function span(start, end) {
    if (end <= start) return null;
    const text = codePoints();
    const trimmed = trimSpan(text, start, end);
    if (!trimmed) return null;
    return { ...trimmed, exact: text.slice(trimmed.start, trimmed.end).join("") };
  }

  /** The current selection as a trimmed stored span {start, end, exact}, or null. */
  function selectionSpan() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!range.intersectsNode(root)) return null;
    const start = storedOffsetOf(range.startContainer, range.startOffset, "forward");
    const end = storedOffsetOf(range.endContainer, range.endOffset, "backward");
    return span(start, end);
  }

  // Sentences and words, found once per paragraph with the browser's own
  // segmentation (Intl.Segmenter, language-aware: Persian "؟" ends a sentence,
  // ZWNJ stays inside its word). Spans are stored offsets, whitespace trimmed.
  const language = root.closest("[lang]")?.getAttribute("lang") || undefined;
  const cache = new Map();
  function segments(granularity) {
    if (cache.has(granularity)) return cache.get(granularity);
    const result = [];
    const segmenter =
      typeof Intl !== "undefined" && Intl.Segmenter
        ? new Intl.Segmenter(language === "und" ? undefined : language, { granularity })
        : null;
    for (const paragraph of paragraphs) {
      const pieces = segmenter
        ? Array.from(segmenter.segment(paragraph.text))
        : fallbackSegments(paragraph.text, granularity);
      for (const piece of pieces) {
        if (granularity === "word" && piece.isWordLike === false) continue;
        const from = paragraph.start + unitsToCodePoints(paragraph.text, piece.index, "floor");
        const to =
          paragraph.start + unitsToCodePoints(paragraph.text, piece.index + piece.segment.length, "ceil");
        const found = span(from, to);
        if (found) result.push({ start: found.start, end: found.end });
      }
    }
    cache.set(granularity, result);
    return result;
  }

  return {
    root,
    paragraphs,
    codePoints,
    rangeFor,
    paragraphElementOf,
    storedOffsetOf,
    span,
    selectionSpan,
    sentences: () => segments("sentence"),
    words: () => segments("word"),
  };
}

/** Without Intl.Segmenter: sentences end at . ! ? ؟ and line ends; words at spaces. */
function fallbackSegments(text, granularity) {
  const pattern = granularity === "sentence" ? /[^.!?؟\n]+[.!?؟]*\s*/gu : /[^\s]+/gu;
  return Array.from(text.matchAll(pattern), (match) => ({
    segment: match[0],
    index: match.index,
    isWordLike: true,
  }));
}
