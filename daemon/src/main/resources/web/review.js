// The review page: the dataset's samples (GET /api/samples) and the recent events (GET /api/events), newest first,
// labelled with the keyboard. A sample's pre-labels (the model's guess) are the starting point: Enter confirms what is
// shown, so an unchanged sample is one key. Labels go to POST /api/samples/{id}/label; an event is marked through the
// operator feedback path (POST /api/events/{id}/feedback), which keeps its frame as a sample to label here.
"use strict";

const PAGE = 50;
let items = [];        // what the queue shows, newest first
let cameras = {};      // per camera: {classes, qc: {ok, ng}} from /api/samples
let current = null;    // the item under review
let edit = null;       // its labels as edited: {boxes: [{label, box}], cls, selected}
let offset = 0, total = 0;
let drag = null;       // a box being drawn or moved
const marked = new Set(); // events marked in this page's life
let pending = 0;       // requests under way: the body says "busy" meanwhile (and tests wait for it to go)

// Runs an action that talks to the daemon; the queue may be redrawn when it ends, so clicks wait for "busy" to go.
async function task(fn) {
  pending++;
  document.body.dataset.busy = "1";
  try { return await fn(); } finally { if (--pending === 0) delete document.body.dataset.busy; }
}

// A command: the X-Vigil-Request header is the page's proof that it, not another site, sent it (see app.js).
async function command(path, body) {
  const r = await fetch(path, { method: "POST", cache: "no-store", headers: { "X-Vigil-Request": "1", "Content-Type": "text/plain" }, body });
  let answer = {};
  try { answer = await r.json(); } catch (e) { /* not JSON: say the status */ }
  if (r.status === 401) throw new Error("log in with the token to label (/login)");
  if (!r.ok) throw new Error(answer.message || path + ": " + r.status);
  return answer;
}

function filters() {
  return { state: $("f-state").value, camera: $("f-camera").value, strategy: $("f-strategy").value,
    label: $("f-label").value.trim(), from: $("f-from").value, to: $("f-to").value };
}

function day(t) { return new Date(t).toISOString().slice(0, 10); }

function load(keep) { return task(() => loadNow(keep)); }

async function loadNow(keep) {
  const f = filters();
  const q = new URLSearchParams({ offset, limit: PAGE, state: f.state === "events" ? "unlabelled" : f.state });
  for (const k of ["camera", "strategy", "label", "from", "to"]) if (f[k]) q.set(k, f[k]);
  const [s, events] = await Promise.all([f.state === "events" ? null : api("/api/samples?" + q), api("/api/events?limit=100")]);
  if (s) { cameras = s.cameras; total = s.total; } else { total = 0; }
  const kept = new Set((s ? s.items : []).map((x) => x.event).filter(Boolean));
  const showEvents = (f.state === "unlabelled" || f.state === "all" || f.state === "events") && !f.strategy && offset === 0;
  const evs = !showEvents ? [] : events.filter((e) => !marked.has(e.id) && !kept.has(e.id)
    && (!f.camera || e.camera === f.camera) && (!f.label || e.label === f.label || e.group === f.label)
    && (!f.from || day(e.time) >= f.from) && (!f.to || day(e.time) <= f.to));
  items = (s ? s.items.map((x) => ({ type: "sample", ...x })) : []).concat(evs.map((e) => ({ type: "event", ...e })))
    .sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
  const cams = new Set([...Object.keys(cameras), ...events.map((e) => e.camera)]);
  const sel = $("f-camera");
  for (const c of cams) if (![...sel.options].some((o) => o.value === c)) sel.append(el("option", {}, c));
  $("count").textContent = total + " sample(s)" + (evs.length ? ", " + evs.length + " event(s)" : "");
  $("older").disabled = offset + PAGE >= total;
  $("newer").disabled = offset === 0;
  $("empty").hidden = items.length > 0;
  $("queue").replaceChildren(...items.map((it) => {
    const what = it.type === "event" ? "event · " + it.group + " " + it.label + " " + it.score.toFixed(2)
      : it.strategy + (it.feedback ? " (" + it.feedback + ")" : "") + " · " + (it.labels ? "labelled" : "unlabelled");
    const li = el("li", { class: "item " + it.type, "data-id": it.id, "data-type": it.type },
      el("span", {}, it.camera + " · " + new Date(it.time).toLocaleString()), el("br", {}), el("span", { class: "muted" }, what));
    li.addEventListener("click", () => select(it.id));
    return li;
  }));
  const next = keep && items.find((it) => it.id === keep) ? keep : (items[0] ? items[0].id : null);
  if (next) select(next); else { current = null; $("editor").hidden = true; }
}

// The classes a person picks from for this item: a QC station's OK and NG labels first, then its camera's group
// labels, then any label its own boxes carry.
function classes(it) {
  const cam = cameras[it.camera] || { classes: [] };
  const out = [];
  const add = (c, tag) => { if (c && !out.some((o) => o.name === c)) out.push({ name: c, tag }); };
  if (cam.qc) { (cam.qc.ok || []).forEach((c) => add(c, "OK")); (cam.qc.ng || []).forEach((c) => add(c, "NG")); }
  cam.classes.forEach((c) => add(c));
  (it.predictions || []).concat(it.labels || [], (edit && edit.boxes) || []).forEach((b) => add(b.label));
  if (it.type === "event") add(it.label);
  return out;
}

function select(id) {
  const it = items.find((x) => x.id === id);
  if (!it) return;
  const again = current && current.id === id && edit; // the queue read again: what was edited stays
  current = it;
  for (const li of document.querySelectorAll("#queue li")) li.classList.toggle("current", li.dataset.id === id);
  const li = document.querySelector('#queue li[data-id="' + CSS.escape(id) + '"]');
  if (li) li.scrollIntoView({ block: "nearest" });
  if (again) { draw(); return; }
  const start = it.labels || it.predictions || [];
  if (it.type === "sample" && it.kind !== "detector") {
    const top = [...start].sort((a, b) => b.score - a.score)[0];
    edit = { boxes: [], cls: top ? top.label : null, selected: -1 };
  } else {
    edit = { boxes: it.type === "sample" ? start.filter((b) => b.box).map((b) => ({ label: b.label, box: clampBox(b.box) })).filter(Boolean) : [], selected: -1 };
  }
  $("editor").hidden = false;
  $("note").textContent = "";
  $("other").hidden = true;
  const img = $("frame");
  const src = it.type === "sample" ? it.image_url : it.snapshot_url || "";
  if (img.getAttribute("src") !== src) img.setAttribute("src", src);
  draw();
}

function clampBox(b) {
  const c = b.map((v) => Math.min(1, Math.max(0, v)));
  return c[2] - c[0] > 0.001 && c[3] - c[1] > 0.001 ? c : null;
}

function draw() {
  const it = current;
  const stage = $("stage");
  for (const b of stage.querySelectorAll(".box")) b.remove();
  edit.boxes.forEach((b, i) => {
    const d = el("div", { class: "box" + (i === edit.selected ? " selected" : ""), "data-index": i, "data-label": b.label },
      el("span", {}, b.label));
    Object.assign(d.style, { left: b.box[0] * 100 + "%", top: b.box[1] * 100 + "%",
      width: (b.box[2] - b.box[0]) * 100 + "%", height: (b.box[3] - b.box[1]) * 100 + "%" });
    stage.append(d);
  });
  const kind = it.type === "event" ? "event (f: false alarm, m: missed, s: skip)"
    : it.kind === "detector" ? edit.boxes.length + " box(es)" + (it.labels ? "" : " (pre-labels)") : "class: " + (edit.cls || "none");
  $("caption").textContent = it.camera + " · " + it.id + " · " + kind;
  const list = classes(it);
  $("classes").replaceChildren(...(it.type === "event" ? [] : list.slice(0, 9).map((c, i) => {
    const active = it.kind === "detector" ? edit.selected >= 0 && edit.boxes[edit.selected].label === c.name : edit.cls === c.name;
    return el("li", { class: active ? "active" : "", "data-class": c.name, "data-key": String(i + 1) },
      el("kbd", {}, String(i + 1)), " " + (c.tag ? c.tag + " · " : "") + c.name);
  })));
}

function setClass(name) {
  if (!current || current.type !== "sample" || !name) return;
  if (current.kind === "detector") {
    if (edit.selected < 0) { $("note").textContent = "select a box first (click it, or Tab)"; return; }
    edit.boxes[edit.selected].label = name;
  } else {
    edit.cls = name;
  }
  draw();
}

function save(labels) { return task(async () => {
  const it = current;
  try {
    await command("/api/samples/" + encodeURIComponent(it.id) + "/label", JSON.stringify({ labels }));
    await advance(it);
  } catch (err) { $("note").textContent = err.message; }
}); }

function confirm() {
  if (!current || current.type !== "sample") return;
  if (current.kind === "detector") save(edit.boxes.map((b) => ({ label: b.label, box: b.box })));
  else if (edit.cls) save([{ label: edit.cls }]);
  else $("note").textContent = "pick a class (1-9, or o for another)";
}

// To the item after this one, with the queue read again (a labelled sample leaves the unlabelled view).
async function advance(it) {
  const i = items.findIndex((x) => x.id === it.id);
  const after = items.slice(i + 1).find((x) => x.id !== it.id) || items[i - 1];
  await load(after ? after.id : null);
}

function feedback(kind) { return task(async () => {
  const it = current;
  if (it.type === "sample") { if (kind === "false_alarm") await save([]); return; } // nothing there
  try {
    const a = await command("/api/events/" + encodeURIComponent(it.id) + "/feedback", kind);
    marked.add(it.id);
    $("note").textContent = a.message;
    await advance(it);
  } catch (err) { $("note").textContent = err.message; }
}); }

function remove() { return task(async () => {
  const it = current;
  if (!it || it.type !== "sample") return;
  try {
    await command("/api/samples/" + encodeURIComponent(it.id) + "/delete", "");
    await advance(it);
  } catch (err) { $("note").textContent = err.message; }
}); }

function move(dx, dy) {
  const b = edit.boxes[edit.selected];
  if (!b) return;
  const w = b.box[2] - b.box[0], h = b.box[3] - b.box[1];
  const x = Math.min(1 - w, Math.max(0, b.box[0] + dx)), y = Math.min(1 - h, Math.max(0, b.box[1] + dy));
  b.box = [x, y, x + w, y + h];
  draw();
}

document.addEventListener("keydown", (e) => {
  if (e.target.tagName === "INPUT" || e.target.tagName === "SELECT") return; // typing in a filter or the class box
  if (!current || e.ctrlKey || e.metaKey || e.altKey) return;
  const step = e.shiftKey ? 0.05 : 0.01;
  const i = items.findIndex((x) => x.id === current.id);
  const handled = {
    j: () => items[i + 1] && select(items[i + 1].id), k: () => items[i - 1] && select(items[i - 1].id),
    s: () => items[i + 1] && select(items[i + 1].id), Enter: confirm,
    f: () => feedback("false_alarm"), m: () => feedback("miss"), x: remove,
    Delete: () => { if (edit.selected >= 0) { edit.boxes.splice(edit.selected, 1); edit.selected = -1; draw(); } },
    Backspace: () => handled.Delete(),
    Tab: () => { if (edit.boxes.length) { edit.selected = (edit.selected + 1) % edit.boxes.length; draw(); } },
    o: () => { if (current.type === "sample") { $("other").hidden = false; $("other").value = ""; $("other").focus(); } },
    ArrowLeft: () => move(-step, 0), ArrowRight: () => move(step, 0), ArrowUp: () => move(0, -step), ArrowDown: () => move(0, step),
  };
  if (handled[e.key]) { e.preventDefault(); handled[e.key](); return; }
  if (/^[1-9]$/.test(e.key)) {
    const c = classes(current)[Number(e.key) - 1];
    if (c) { e.preventDefault(); setClass(c.name); }
  }
});

$("other").addEventListener("keydown", (e) => {
  if (e.key !== "Enter" && e.key !== "Escape") return;
  e.preventDefault();
  e.stopPropagation(); // this Enter names the class; the next one confirms
  if (e.key === "Enter") setClass($("other").value.trim());
  $("other").hidden = true;
  $("other").blur();
});

function point(e) {
  const r = $("frame").getBoundingClientRect();
  return [Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)), Math.min(1, Math.max(0, (e.clientY - r.top) / r.height))];
}

// Drag on the frame draws a box; drag on a box moves it; a click on a box selects it.
$("stage").addEventListener("mousedown", (e) => {
  if (!current || current.type !== "sample" || current.kind !== "detector" || e.button !== 0) return;
  e.preventDefault();
  const p = point(e);
  const hit = e.target.closest(".box");
  if (hit) {
    edit.selected = Number(hit.dataset.index);
    drag = { mode: "move", from: p, box: [...edit.boxes[edit.selected].box] };
  } else {
    const last = edit.selected >= 0 ? edit.boxes[edit.selected].label : (classes(current)[0] || {}).name;
    edit.boxes.push({ label: last || "object", box: [p[0], p[1], p[0], p[1]] });
    edit.selected = edit.boxes.length - 1;
    drag = { mode: "draw", from: p };
  }
  draw();
});

window.addEventListener("mousemove", (e) => {
  if (!drag) return;
  const p = point(e), b = edit.boxes[edit.selected];
  if (drag.mode === "draw") {
    b.box = [Math.min(drag.from[0], p[0]), Math.min(drag.from[1], p[1]), Math.max(drag.from[0], p[0]), Math.max(drag.from[1], p[1])];
  } else {
    const w = drag.box[2] - drag.box[0], h = drag.box[3] - drag.box[1];
    const x = Math.min(1 - w, Math.max(0, drag.box[0] + p[0] - drag.from[0])), y = Math.min(1 - h, Math.max(0, drag.box[1] + p[1] - drag.from[1]));
    b.box = [x, y, x + w, y + h];
  }
  draw();
});

window.addEventListener("mouseup", () => {
  if (!drag) return;
  const b = edit.boxes[edit.selected];
  if (drag.mode === "draw" && (b.box[2] - b.box[0] < 0.01 || b.box[3] - b.box[1] < 0.01)) { // a click, not a box
    edit.boxes.splice(edit.selected, 1);
    edit.selected = -1;
  }
  drag = null;
  draw();
});

for (const id of ["f-state", "f-camera", "f-strategy", "f-label", "f-from", "f-to"]) {
  $(id).addEventListener("change", () => { offset = 0; load(); });
}
$("filters").addEventListener("submit", (e) => { e.preventDefault(); offset = 0; load(); });
$("older").addEventListener("click", () => { offset += PAGE; load(); });
$("newer").addEventListener("click", () => { offset = Math.max(0, offset - PAGE); load(); });

// Learning from the labelled samples (POST /api/learn runs it on the daemon's learn thread; the status says how it went).
function learnLine(s) {
  if (s.state === "running") return "learning " + s.name + ": " + s.phase + (s.total ? " " + s.done + " of " + s.total : "") + " ...";
  if (s.state === "failed") return s.name + " failed: " + s.error;
  if (s.state !== "done") return "";
  const acc = Object.entries(s.accuracy || {}).map(([k, v]) => k + " " + (100 * v).toFixed(1) + "%").join(", ");
  return "learned " + s.name + " from " + s.examples + " examples in " + s.seconds.toFixed(1) + " s; " + s.why
    + (acc ? " (validation: " + acc + ")" : "") + (s.deployed ? "; deploy: " + s.deployed.message : "");
}

async function learnStatus() {
  const s = await api("/api/learn/status");
  if (s.state === "off") return;
  $("learn").hidden = false;
  $("learn-status").textContent = learnLine(s);
  $("learn").dataset.state = s.state;
  $("learn-go").disabled = s.state === "running";
  if (s.state === "running") setTimeout(() => learnStatus().catch(learnError), 500);
}

function learnError(err) { $("learn-status").textContent = err.message; }

$("learn").addEventListener("submit", (e) => {
  e.preventDefault();
  const body = { name: $("learn-name").value.trim(), crops: $("learn-crops").checked, deploy: $("learn-deploy").checked };
  task(async () => {
    await command("/api/learn", JSON.stringify(body));
    await learnStatus();
  }).catch(learnError);
});

learnStatus().catch(learnError);
load().catch((err) => { $("count").textContent = err.message; });
