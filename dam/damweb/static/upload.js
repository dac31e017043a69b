// Upload with progress: files chosen in the upload form, or files and whole
// folders dropped on the upload page or the library, go up one request per
// file (POST /upload, Accept: application/json) a few at a time, each with
// its own progress bar and cancel button, under a bar for all of them; a
// refused file gets a line saying why. Without this module the form posts
// the files as they are and the answer lists each one.

const CONCURRENT = 3;

const panel = document.getElementById("upload-panel");
const form = document.getElementById("upload-form");
const target = document.getElementById("drop-target");

// humanBytes says a size as people read it: 1.4 MB (as the pages do).
function humanBytes(n) {
  if (n < 1000) return `${n} B`;
  let exp = -1;
  do {
    n /= 1000;
    exp++;
  } while (n >= 1000 && exp < 5);
  return `${n.toFixed(1)} ${"kMGTPE"[exp]}B`;
}

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
}

// hasFiles tells a drag of files from a drag of text or links.
function hasFiles(e) {
  return e.dataTransfer && Array.from(e.dataTransfer.types).includes("Files");
}

// droppedFiles lists the files of a drop, walking dropped folders. The
// entries must be taken before the first await: the list is emptied when
// the drop handler returns.
async function droppedFiles(dt) {
  const entries = [];
  const loose = [];
  for (const item of Array.from(dt.items || [])) {
    if (item.kind !== "file") continue;
    const entry = item.webkitGetAsEntry ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) loose.push({ file: f });
    }
  }
  if (!entries.length && !loose.length) return Array.from(dt.files).map((file) => ({ file }));
  const out = loose;
  for (const entry of entries) await walk(entry, out, true);
  return out;
}

// walk adds the files under entry to out, each with its path from the
// dropped folder (the library makes the same subfolders); hidden files
// inside dropped folders (.DS_Store and the like) are left out.
async function walk(entry, out, top) {
  if (!top && entry.name.startsWith(".")) return;
  try {
    if (entry.isFile) {
      const file = await new Promise((ok, fail) => entry.file(ok, fail));
      out.push({ file, path: entry.fullPath.replace(/^\/+/, "") });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
        if (!batch.length) break;
        for (const child of batch) await walk(child, out, false);
      }
    }
  } catch {
    out.push({ name: entry.fullPath || entry.name, error: "your browser could not read it" });
  }
}

// Uploads is the list of files on their way, shown in the upload panel.
class Uploads {
  constructor(endpoint, fields) {
    this.endpoint = endpoint;
    this.fields = fields;
    this.items = [];
    this.running = 0;
    this.list = document.getElementById("upload-list");
    this.bar = document.getElementById("upload-total");
    this.summary = document.getElementById("upload-summary");
    this.done = document.getElementById("upload-done");
  }

  add(found) {
    if (!found.length) return;
    if (panel.hidden) {
      panel.hidden = false;
      panel.scrollIntoView({ block: "nearest" });
    }
    this.done.hidden = true;
    for (const f of found) {
      const it = this.row(f.path || (f.file ? f.file.name : f.name), f.file ? f.file.size : 0);
      it.file = f.file;
      this.items.push(it);
      if (f.error) this.refuse(it, f.error);
    }
    this.pump();
    this.update();
  }

  row(name, size) {
    const it = { name, size, loaded: 0, state: "waiting" };
    it.progress = el("progress", { max: Math.max(size, 1), value: 0 });
    it.progress.setAttribute("aria-label", `Upload of ${name}`);
    it.status = el("span", { className: "upload-status muted", textContent: "Waiting" });
    it.cancel = el("button", { type: "button", className: "link", textContent: "Cancel" });
    it.cancel.setAttribute("aria-label", `Cancel ${name}`);
    it.cancel.addEventListener("click", () => this.stop(it));
    it.li = el(
      "li",
      { className: "upload-item" },
      el("span", { className: "upload-name" }, el("strong", { textContent: name }), " ",
        el("span", { className: "muted", textContent: humanBytes(size) })),
      it.cancel,
      it.progress,
      it.status,
    );
    this.list.append(it.li);
    return it;
  }

  pump() {
    while (this.running < CONCURRENT) {
      const next = this.items.find((i) => i.state === "waiting");
      if (!next) break;
      this.start(next);
    }
    if (this.running === 0 && this.items.length) this.finish();
  }

  start(it) {
    it.state = "sending";
    it.status.textContent = "Uploading…";
    this.running++;
    const fd = this.fields();
    // The name carries the file's folders ("Shoot/Day 1/a.jpg"), as a
    // form does for a chosen folder: the library makes the subfolders.
    fd.append("file", it.file, it.name);
    const xhr = new XMLHttpRequest();
    it.xhr = xhr;
    xhr.open("POST", this.endpoint);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.responseType = "json";
    xhr.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable || !e.total) return;
      // e.total counts the multipart framing too: scale to the file.
      it.loaded = Math.min(it.size, Math.round((e.loaded / e.total) * it.size));
      it.progress.value = it.loaded;
      this.update();
    });
    xhr.addEventListener("load", () => {
      const body = xhr.response;
      const res = body && Array.isArray(body.files) ? body.files[0] : null;
      if (xhr.status === 200 && res && res.id) this.succeed(it, res);
      else if (res && res.message) this.refuse(it, res.message);
      else if (body && body.error) this.refuse(it, body.error.message);
      else this.refuse(it, `the server answered ${xhr.status}`);
    });
    xhr.addEventListener("error", () => this.refuse(it, "the connection failed; try again"));
    xhr.addEventListener("abort", () => this.canceled(it));
    xhr.addEventListener("loadend", () => {
      this.running--;
      it.xhr = null;
      this.pump();
      this.update();
    });
    xhr.send(fd);
  }

  stop(it) {
    if (it.state === "sending" && it.xhr) it.xhr.abort();
    else if (it.state === "waiting") {
      this.canceled(it);
      this.pump();
      this.update();
    }
  }

  settle(it, state) {
    it.state = state;
    it.cancel.remove();
    it.li.classList.add(state);
  }

  succeed(it, res) {
    this.settle(it, "uploaded");
    it.loaded = it.size;
    it.progress.value = it.progress.max;
    it.status.className = "upload-status";
    it.status.replaceChildren("Uploaded: ", el("a", { href: res.url, textContent: "open" }));
    it.status.lastChild.setAttribute("aria-label", `Open ${it.name}`);
  }

  refuse(it, message) {
    this.settle(it, "refused");
    it.status.className = "upload-status refused";
    it.status.textContent = `Refused: ${message}`;
  }

  canceled(it) {
    this.settle(it, "canceled");
    it.status.className = "upload-status muted";
    it.status.textContent = "Canceled";
  }

  update() {
    const counted = this.items.filter((i) => i.state !== "canceled" && i.state !== "refused");
    const total = counted.reduce((s, i) => s + i.size, 0);
    const loaded = counted.reduce((s, i) => s + i.loaded, 0);
    this.bar.max = Math.max(total, 1);
    this.bar.value = total ? loaded : counted.length && counted.every((i) => i.state === "uploaded") ? 1 : 0;
    const n = (state) => this.items.filter((i) => i.state === state).length;
    const parts = [`${n("uploaded")} of ${this.items.length} uploaded`];
    if (n("refused")) parts.push(`${n("refused")} refused`);
    if (n("canceled")) parts.push(`${n("canceled")} canceled`);
    this.summary.textContent = parts.join(" · ");
  }

  finish() {
    this.update();
    if (this.items.some((i) => i.state === "uploaded")) {
      const show = document.getElementById("upload-show");
      show.href = this.showURL();
      this.done.hidden = false;
    }
  }
}

// setup wires the upload page's form, or the library page's drop target.
function setup() {
  if (!panel) return;
  let uploads;
  if (form) {
    uploads = new Uploads(form.action, () => {
      const fd = new FormData(form);
      fd.delete("file");
      return fd;
    });
    uploads.showURL = () => {
      const folder = form.elements.folder.value;
      return folder ? `/?folder=${encodeURIComponent(folder)}` : "/";
    };
    for (const hint of form.querySelectorAll(".js-hint")) hint.hidden = false;
    const note = document.getElementById("upload-note");
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const inputs = Array.from(form.querySelectorAll('input[type="file"]'));
      const files = inputs
        .flatMap((i) => Array.from(i.files))
        .map((file) => ({ file, path: file.webkitRelativePath || file.name }));
      if (!files.length) {
        note.textContent = "Choose files first, or drop them here.";
        return;
      }
      note.textContent = "";
      uploads.add(files);
      for (const i of inputs) i.value = "";
    });
  } else if (target && target.dataset.upload) {
    const u = new URL(target.dataset.upload, location.href);
    const folder = u.searchParams.get("folder") || "";
    uploads = new Uploads(u.pathname, () => {
      const fd = new FormData();
      fd.set("folder", folder);
      return fd;
    });
    uploads.showURL = () => location.pathname + location.search;
    target.hidden = false;
  } else {
    return;
  }
  let depth = 0;
  document.addEventListener("dragenter", (e) => {
    if (!hasFiles(e)) return;
    depth++;
    document.body.classList.add("dragging");
  });
  document.addEventListener("dragleave", (e) => {
    if (!hasFiles(e)) return;
    if (--depth <= 0) {
      depth = 0;
      document.body.classList.remove("dragging");
    }
  });
  document.addEventListener("dragover", (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
  });
  document.addEventListener("drop", async (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    document.body.classList.remove("dragging");
    uploads.add(await droppedFiles(e.dataTransfer));
  });
}

setup();
