// The article reader: highlights claims, opens them from the text, and turns a
// selection — made with the mouse or with the keyboard cursor — into a new claim.
//
// The page is server-rendered and readable without this script: one <p> per
// paragraph in #article-text, each with the code-point offsets (`data-start`,
// `data-end`) of its text in the stored snapshot. Claims come from the JSON in
// #claims-data, the whole stored text from #snapshot-text. The modules:
//   selection.js   offsets, ranges, the selection, sentences and words
//   highlights.js  claim highlights (CSS Custom Highlight API)
//   panel.js       the claims panel, opening claims, the new-claim dialog
//   keyboard.js    the sentence cursor and the shortcuts overlay

import { showClaims, supported } from "./highlights.js";
import { setUpKeyboard } from "./keyboard.js";
import { setUpPanel } from "./panel.js";
import { articleText, readJson } from "./selection.js";

const root = document.getElementById("article-text");
if (root) {
  const started = performance.now();
  const text = articleText(root);
  const claims = readJson("claims-data", [])
    .filter((claim) => Number.isInteger(claim.start) && Number.isInteger(claim.end) && claim.end > claim.start)
    .map((claim) => ({ ...claim, range: null }));
  showClaims(text, claims);
  window.__sanadReader = {
    highlightMs: performance.now() - started,
    claimCount: claims.length,
    highlighted: supported,
  };
  const panel = setUpPanel(text, claims);
  setUpKeyboard(text, panel);
}
