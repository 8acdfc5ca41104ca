// Switch workspace as soon as one is chosen; without JavaScript the form's
// "Go" button does the same.
for (const form of document.querySelectorAll("form[data-workspace-switcher]")) {
  const select = form.querySelector("select");
  const button = form.querySelector("button");
  if (button) button.hidden = true;
  select.addEventListener("change", () => form.submit());
}
