// Live progress in the downloads inbox: each job that is queued or being
// built asks GET /downloads/{id} (Accept: application/json) every 1.5 s
// and moves its progress bar; when its state changes it takes the
// server's rendering of its entry, so the links to its files appear the
// moment it is ready. Without this module the page's Refresh link does it.

const EVERY = 1500;
const live = document.getElementById("jobs-live");

// swap replaces a job's entry with the server's rendering of it, keeping
// keyboard focus inside the entry if it was there.
function swap(li, html) {
  const t = document.createElement("template");
  t.innerHTML = html.trim();
  const next = t.content.firstElementChild;
  if (!next || next.id !== li.id) return li;
  const focused = li.contains(document.activeElement);
  li.replaceWith(next);
  if (focused) {
    const first = next.querySelector("a, button");
    if (first) first.focus();
  }
  return next;
}

function follow(start) {
  let li = start;
  const url = li.dataset.job;
  const tick = async () => {
    if (document.hidden) {
      setTimeout(tick, EVERY);
      return;
    }
    let ans;
    try {
      const resp = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (resp.status === 404) {
        const state = li.querySelector(".job-state");
        if (state) state.textContent = "This download is gone (canceled or removed).";
        return;
      }
      if (!resp.ok) throw new Error(String(resp.status));
      ans = await resp.json();
    } catch {
      setTimeout(tick, EVERY * 4); // the server is busy or away: ask less often
      return;
    }
    if (ans.status !== li.dataset.status) {
      li = swap(li, ans.html);
      if (!ans.active && live) {
        const name = li.querySelector("h3");
        live.textContent = `${name ? name.textContent : "A download"}: ${ans.state}`;
      }
    } else {
      const bar = li.querySelector("progress");
      if (bar) {
        bar.max = Math.max(ans.total, 1);
        bar.value = ans.done;
      }
      const state = li.querySelector(".job-state");
      if (state && state.textContent !== ans.state) state.textContent = ans.state;
    }
    if (ans.active) setTimeout(tick, EVERY);
  };
  setTimeout(tick, EVERY);
}

for (const li of document.querySelectorAll('[data-job][data-active="true"]')) follow(li);
