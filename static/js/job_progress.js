// Poll a job's API resource and move the progress bar until the job is done or failed.
// The page works without it (a reload shows the same figures); this only saves reloads.
// The page's strings come from the JavaScript catalogue (/jsi18n/) loaded before.
const gettext = globalThis.gettext || ((text) => text);
const section = document.querySelector("[data-job-url]");
const FINISHED = new Set(["done", "failed"]);
const LABELS = {
  queued: gettext("Queued"),
  running: gettext("Running"),
  done: gettext("Done"),
  failed: gettext("Failed"),
};

function eta(job) {
  return job.eta_seconds === null ? "" : `~${job.eta_seconds} s`;
}

function show(job) {
  section.querySelector("[data-job-state]").textContent = LABELS[job.state] || job.state;
  section.querySelector("[data-job-count]").textContent =
    job.total === null ? String(job.done) : `${job.done} / ${job.total}`;
  section.querySelector("[data-job-eta]").textContent = eta(job);
  section.querySelector("[data-job-progress]").value = job.percent;
  section.querySelector("[data-job-percent]").textContent = `${job.percent}%`;
  const error = section.querySelector("[data-job-error]");
  error.textContent = job.error;
  error.hidden = !job.error;
  section.querySelector("[data-job-download]").hidden = !job.download;
  const counts = (job.summary && job.summary.counts) || null;
  const summary = section.querySelector("[data-job-summary]");
  if (counts) {
    summary.textContent = Object.entries(counts)
      .map(([status, n]) => `${status}: ${n}`)
      .join(" · ");
    summary.hidden = false;
  }
}

async function poll() {
  try {
    const response = await fetch(section.dataset.jobUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (response.ok) {
      const job = await response.json();
      show(job);
      if (FINISHED.has(job.state)) return;
    }
  } catch (_) {
    // A dropped request is retried on the next tick.
  }
  setTimeout(poll, 1000);
}

if (section) poll();
