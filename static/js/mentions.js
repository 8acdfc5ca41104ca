// "@" autocompletion in comment boxes: typing @ and the start of a name offers the
// workspace's members (fetched once from the box's data-mentions-url); arrow keys or
// a click choose, Enter or Tab inserts "@username ". Without JavaScript, typing the
// username by hand works the same.
const BEFORE_CARET = /(^|[^\w@])@([\w.@+-]*)$/u;

function setUp(box) {
  let members = null;
  let matches = [];
  let active = 0;
  const list = document.createElement("ul");
  list.className = "mention-list";
  list.id = `${box.id}-mentions`;
  list.setAttribute("role", "listbox");
  list.hidden = true;
  box.after(list);
  box.setAttribute("aria-controls", list.id);
  box.setAttribute("aria-autocomplete", "list");

  // One request, shared by every keystroke that arrives while it is on its way.
  const load = () => {
    if (members === null) {
      members = fetch(box.dataset.mentionsUrl, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : { members: [] }))
        .then((body) => body.members)
        .catch(() => []);
    }
    return members;
  };

  const close = () => {
    list.hidden = true;
    matches = [];
    box.removeAttribute("aria-activedescendant");
  };

  const insert = (member) => {
    const caret = box.selectionStart;
    const before = box.value.slice(0, caret).replace(BEFORE_CARET, (_m, lead) => `${lead}@${member.username} `);
    box.value = before + box.value.slice(caret);
    box.setSelectionRange(before.length, before.length);
    close();
    box.focus();
  };

  const render = () => {
    list.replaceChildren(
      ...matches.map((member, index) => {
        const item = document.createElement("li");
        item.id = `${list.id}-${index}`;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", String(index === active));
        item.dir = "auto";
        item.textContent = `@${member.username} — ${member.name}`;
        item.addEventListener("mousedown", (event) => {
          event.preventDefault();
          insert(member);
        });
        return item;
      }),
    );
    list.hidden = matches.length === 0;
    if (matches.length) box.setAttribute("aria-activedescendant", `${list.id}-${active}`);
  };

  box.addEventListener("input", async () => {
    if (!BEFORE_CARET.test(box.value.slice(0, box.selectionStart))) return close();
    const everyone = await load();
    // Read the text again: more may have been typed while the list was loading.
    const found = BEFORE_CARET.exec(box.value.slice(0, box.selectionStart));
    if (!found) return close();
    const prefix = found[2].toLowerCase();
    matches = everyone
      .filter((m) => m.username.toLowerCase().startsWith(prefix) || m.name.toLowerCase().startsWith(prefix))
      .slice(0, 8);
    active = 0;
    render();
  });

  box.addEventListener("keydown", (event) => {
    if (list.hidden || !matches.length) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      active = (active + (event.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length;
      render();
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      insert(matches[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  box.addEventListener("blur", close);
}

for (const box of document.querySelectorAll("textarea[data-mentions-url]")) setUp(box);
