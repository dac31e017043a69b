// damkit pages: progressive enhancements only; every page works without.
// Selection: a live count of the selected assets, shift-click to select a
// range, and a guard against bulk actions with nothing selected.
const form = document.getElementById("selection");
if (form) {
  const boxes = () => Array.from(form.querySelectorAll('input[name="id"]'));
  const count = document.getElementById("sel-count");
  const update = () => {
    const n = boxes().filter((b) => b.checked).length;
    if (count) count.textContent = n ? `(${n} selected)` : "";
  };
  let last = null;
  form.addEventListener("click", (e) => {
    const box = e.target;
    if (!(box instanceof HTMLInputElement) || box.name !== "id") return;
    const all = boxes();
    if (e.shiftKey && last !== null) {
      const [a, b] = [all.indexOf(last), all.indexOf(box)].sort((x, y) => x - y);
      for (const other of all.slice(a, b + 1)) other.checked = box.checked;
    }
    last = box;
    update();
  });
  form.addEventListener("submit", (e) => {
    if (!boxes().some((b) => b.checked)) {
      e.preventDefault();
      if (count) count.textContent = "(select at least one asset first)";
    }
  });
  update();
}

// The library's filter sidebar sits above the results on a narrow screen:
// it starts folded there (open without JavaScript, and on wide screens).
const refine = document.querySelector("details.refine-box");
if (refine && window.matchMedia("(max-width: 52rem)").matches) refine.open = false;
