// Claim highlights over the article, drawn with the CSS Custom Highlight API so
// the article's DOM is never modified. Each status has its own underline (see
// static/css/sanad.css), text under two or more claims gets the overlap style, and
// published claims take their verdict's colour.

const STATUSES = ["open", "in_review", "verdict_proposed", "published", "corrected"];
// Later highlights paint over earlier ones where they meet.
export const PRIORITY = { status: 0, verdict: 1, overlap: 2, focus: 3, cursor: 4 };
const VERDICT_STATUSES = new Set(["published", "corrected"]);
const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

export const supported =
  typeof CSS !== "undefined" && Boolean(CSS.highlights) && typeof Highlight === "function";

export function makeHighlight(ranges, priority = PRIORITY.status) {
  const highlight = new Highlight();
  for (const range of ranges) highlight.add(range);
  highlight.priority = priority;
  return highlight;
}

/** Replace the highlight `name` with `ranges` (nothing to do without the API). */
export function setHighlight(name, ranges, priority) {
  if (supported) CSS.highlights.set(name, makeHighlight(ranges, priority));
}

/** Stored spans covered by two or more claims, merged. */
export function overlaps(claims) {
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

/**
 * Published and corrected claims take their verdict's colour from the workspace's
 * rating scale. The colours are data, so their ::highlight() rules go into a
 * constructed style sheet (no inline style, nothing for a CSP to refuse).
 */
function showVerdicts(claims) {
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

/** Highlight every claim (each gets its `range`), the overlaps and the verdicts. */
export function showClaims(text, claims) {
  if (!supported) return;
  const byStatus = new Map(STATUSES.map((status) => [status, []]));
  for (const claim of claims) {
    claim.range = text.rangeFor(claim.start, claim.end);
    if (!claim.range) continue;
    if (!byStatus.has(claim.status)) byStatus.set(claim.status, []);
    byStatus.get(claim.status).push(claim.range);
  }
  for (const [status, ranges] of byStatus) {
    CSS.highlights.set(`claim-${status}`, makeHighlight(ranges));
  }
  showVerdicts(claims);
  const overlapRanges = overlaps(claims)
    .map(([start, end]) => text.rangeFor(start, end))
    .filter(Boolean);
  CSS.highlights.set("claim-overlap", makeHighlight(overlapRanges, PRIORITY.overlap));
  CSS.highlights.set("claim-focus", makeHighlight([], PRIORITY.focus));
}
