// Share pages: progressive enhancements only; every form works without.
// Copy buttons put a share's link on the clipboard, and the guest fields
// suggest people of the library as you type (GET /users?q=), also after
// a comma: each suggestion keeps what was typed before the last comma.
for (const button of document.querySelectorAll("button[data-copy]")) {
  const input = document.getElementById(button.dataset.copy);
  const said = document.querySelector(`output[data-copied="${button.dataset.copy}"]`);
  if (!input) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      if (said) said.textContent = "Copied.";
    } catch {
      if (said) said.textContent = "Press Ctrl+C (⌘C) to copy the selected link.";
    }
  });
}

for (const input of document.querySelectorAll("input[data-lookup]")) {
  const list = input.list;
  if (!list) continue;
  let timer = 0;
  let asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const cut = input.value.lastIndexOf(",");
      const before = cut < 0 ? "" : input.value.slice(0, cut + 1) + " ";
      const q = input.value.slice(cut + 1).trim();
      if (q === asked) return;
      asked = q;
      let people;
      try {
        const resp = await fetch(`${input.dataset.lookup}?q=${encodeURIComponent(q)}`, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        if (!resp.ok) return;
        people = await resp.json();
      } catch {
        return;
      }
      if (q !== asked) return; // a later keystroke asked again
      list.replaceChildren(
        ...people.map((p) => {
          const o = document.createElement("option");
          o.value = before.replace(/^\s+/, "") + p.email;
          o.textContent = p.name || p.email;
          return o;
        }),
      );
    }, 150);
  });
}
