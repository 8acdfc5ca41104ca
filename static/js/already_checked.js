// While a restatement is typed, list earlier claims of the workspace that say the same
// thing (the server compares folded text by trigram similarity). Built with textContent
// only, so nothing typed or stored is ever parsed as HTML.
// The page's strings come from the JavaScript catalogue (/jsi18n/) loaded before.
const gettext = globalThis.gettext || ((text) => text);
const DELAY_MS = 350;
const MIN_LENGTH = 8;

function render(box, results) {
  const list = document.createElement("ul");
  for (const item of results) {
    const entry = document.createElement("li");
    const link = document.createElement("a");
    link.href = item.url;
    link.dir = "auto";
    link.textContent = item.restatement || item.exact;
    const verdict = document.createElement("span");
    verdict.className = "badge verdict";
    verdict.textContent = item.verdict || gettext("No verdict yet");
    entry.append(link, " ", verdict);
    list.append(entry);
  }
  box.replaceChildren();
  if (results.length) {
    const heading = document.createElement("p");
    heading.textContent = gettext("Already checked? Earlier claims that may say the same thing:");
    box.append(heading, list);
  }
}

function watch(box) {
  const field = document.querySelector(box.dataset.field);
  if (!field) return;
  let timer;
  let controller;
  field.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = field.value.trim();
      if (text.length < MIN_LENGTH) return render(box, []);
      const params = new URLSearchParams({ text });
      if (box.dataset.claim) params.set("claim", box.dataset.claim);
      const quote = box.dataset.quote && document.querySelector(box.dataset.quote);
      if (quote && quote.textContent) params.set("exact", quote.textContent);
      controller?.abort();
      controller = new AbortController();
      try {
        const response = await fetch(`${box.dataset.similarUrl}?${params}`, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          signal: controller.signal,
        });
        if (response.ok) render(box, (await response.json()).results);
      } catch (error) {
        if (error.name !== "AbortError") throw error;
      }
    }, DELAY_MS);
  });
}

document.querySelectorAll("[data-similar-url]").forEach(watch);
