// Offsets between the DOM and stored text.
//
// The server stores claims as Unicode code-point offsets into a snapshot's text
// (W3C TextPositionSelector). The DOM counts UTF-16 code units, so a character
// outside the Basic Multilingual Plane (🚇, 𝒜) is one code point but two units.
// The reader renders one element per paragraph, each knowing the code-point
// offset of its first character (`start`) in the stored text.
//
// Everything here is pure: strings and numbers in, numbers out.

/** True for a UTF-16 high (leading) surrogate unit. */
function isHigh(unit) {
  return unit >= 0xd800 && unit <= 0xdbff;
}

/** True for a UTF-16 low (trailing) surrogate unit. */
function isLow(unit) {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** True when `text` has no surrogate pairs, so units and code points coincide. */
export function isBmpOnly(text) {
  return !/[\ud800-\udfff]/.test(text);
}

/** Number of code points in `text` (a lone surrogate counts as one). */
export function codePointLength(text) {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    if (isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1))) i++;
    count++;
  }
  return count;
}

/**
 * Code points in the first `units` UTF-16 units of `text`.
 *
 * A unit offset can fall between the two halves of a surrogate pair (a DOM
 * boundary may, a code-point offset cannot): `round` says whether that
 * character is left out ("floor", for the start of a span) or counted
 * ("ceil", for its end), so a span never cuts a character in half.
 */
export function unitsToCodePoints(text, units, round = "floor") {
  const limit = Math.max(0, Math.min(units, text.length));
  let count = 0;
  let i = 0;
  while (i < limit) {
    if (isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1))) {
      if (i + 1 === limit) return round === "ceil" ? count + 1 : count;
      i += 2;
    } else {
      i += 1;
    }
    count++;
  }
  return count;
}

/** UTF-16 offset of code point number `codePoints` in `text` (clamped to its length). */
export function codePointsToUnits(text, codePoints) {
  let i = 0;
  for (let n = 0; n < codePoints && i < text.length; n++) {
    i += isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1)) ? 2 : 1;
  }
  return i;
}

/** `text[start:end]` in code points, as Python slices it. */
export function sliceCodePoints(text, start, end) {
  return text.slice(codePointsToUnits(text, start), codePointsToUnits(text, end));
}

/**
 * Stored offset of a DOM position: `units` UTF-16 units into a paragraph whose
 * text is `paragraph.text` and whose first character is at `paragraph.start`.
 * `paragraph.bmp` may say the text has no surrogate pairs (see `isBmpOnly`),
 * which makes the conversion an identity.
 */
export function domToStored(paragraph, units, round = "floor") {
  if (paragraph.bmp) return paragraph.start + Math.max(0, Math.min(units, paragraph.text.length));
  return paragraph.start + unitsToCodePoints(paragraph.text, units, round);
}

/**
 * Index of the paragraph holding stored offset `offset`, in `paragraphs` sorted
 * by `start` ({start, end} each, end exclusive).
 *
 * An offset between two paragraphs (in the line breaks the page does not show)
 * goes to the next paragraph with affinity "forward" (a span starting there starts
 * at that paragraph) and to the previous one with "backward" (a span ending there).
 * Returns -1 when there are no paragraphs.
 */
export function paragraphIndexAt(paragraphs, offset, affinity = "forward") {
  if (paragraphs.length === 0) return -1;
  // The last paragraph starting at or before `offset`.
  let low = 0;
  let high = paragraphs.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (paragraphs[middle].start <= offset) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  if (found === -1) return 0; // before the first paragraph
  const paragraph = paragraphs[found];
  if (offset < paragraph.end) return found;
  // At the end of this paragraph or in the gap after it (or past the last one):
  // a span starting here starts in the next paragraph.
  if (affinity === "forward" && found + 1 < paragraphs.length) return found + 1;
  return found;
}

/**
 * DOM position of stored offset `offset`: `{index, units}`, the paragraph's index
 * and the UTF-16 offset within its text (`paragraphs`: {start, end, text}, sorted).
 * Offsets between or outside paragraphs are moved to the nearest paragraph edge
 * in the direction `affinity` gives (see `paragraphIndexAt`). Returns null when
 * there are no paragraphs. `paragraph.bmp` as for `domToStored`.
 */
export function storedToDom(paragraphs, offset, affinity = "forward") {
  const index = paragraphIndexAt(paragraphs, offset, affinity);
  if (index === -1) return null;
  const paragraph = paragraphs[index];
  const within = Math.max(0, Math.min(offset, paragraph.end) - paragraph.start);
  return { index, units: paragraph.bmp ? within : codePointsToUnits(paragraph.text, within) };
}

const WHITESPACE = /^\s$/u;

/**
 * Shrink the span `start:end` of `codePoints` (the stored text as an array of
 * code points, e.g. `Array.from(text)`) so it neither starts nor ends with
 * whitespace (NBSP included; ZWNJ is a letter joiner, not whitespace). Returns
 * `{start, end}`, or null when nothing but whitespace is left.
 */
export function trimSpan(codePoints, start, end) {
  let from = Math.max(0, start);
  let to = Math.min(codePoints.length, end);
  while (from < to && WHITESPACE.test(codePoints[from])) from++;
  while (to > from && WHITESPACE.test(codePoints[to - 1])) to--;
  return from < to ? { start: from, end: to } : null;
}
