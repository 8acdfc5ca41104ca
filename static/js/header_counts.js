// Fill the header's "My work" and "Notifications" badges after the page loads, so
// that rendering a page never waits for the counts.
const holder = document.querySelector("[data-counts-url]");
if (holder) {
  fetch(holder.dataset.countsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : null))
    .then((counts) => {
      if (!counts) return;
      for (const badge of holder.querySelectorAll("[data-count]")) {
        const value = counts[badge.dataset.count] || 0;
        badge.textContent = String(value);
        badge.hidden = value === 0;
      }
    })
    .catch(() => {});
}
