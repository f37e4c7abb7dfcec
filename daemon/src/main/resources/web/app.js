// The status page: polls /api/status and /api/events, shows each camera's live MJPEG view (falling back to
// latest.jpg once a second when the stream is refused), its alarm state with an arm/disarm button, and the newest
// events with their snapshots.
"use strict";

const tiles = new Map();
let newestEvent = null;

// A command (POST /api/...): the X-Vigil-Request header is what the server takes as proof that this page, not a
// page of another site, sent it (another site cannot add a custom header without a CORS preflight we never answer).
async function command(path, body) {
  const r = await fetch(path, { method: "POST", cache: "no-store", headers: { "X-Vigil-Request": "1", "Content-Type": "text/plain" }, body });
  let answer = {};
  try { answer = await r.json(); } catch (e) { /* not JSON: say the status */ }
  if (r.status === 401) throw new Error("log in with the token to control vigil (/login)");
  if (!r.ok) throw new Error(answer.message || path + ": " + r.status);
  return answer;
}

function figure(value, label) {
  return el("div", { class: "figure" }, el("b", {}, String(value)), el("span", {}, label));
}

function fmt(v, digits, unit) {
  return v === null || v === undefined || Number.isNaN(v) ? "–" : v.toFixed(digits) + (unit || "");
}

function duration(s) {
  if (s < 120) return Math.round(s) + " s";
  if (s < 7200) return Math.round(s / 60) + " min";
  if (s < 172800) return (s / 3600).toFixed(1) + " h";
  return (s / 86400).toFixed(1) + " d";
}

function tile(cam) {
  let t = tiles.get(cam.name);
  if (!t) {
    const img = el("img", { alt: "live view of " + cam.name, class: "live" });
    const base = "/api/cameras/" + encodeURIComponent(cam.name);
    img.addEventListener("error", () => {
      // The stream was refused (too many viewers) or broke: poll single frames instead.
      if (img.dataset.mode === "poll") return;
      img.dataset.mode = "poll";
      setInterval(() => { img.src = base + "/latest.jpg?t=" + Date.now(); }, 1000);
    });
    img.dataset.mode = "stream";
    img.src = base + "/stream.mjpeg";
    const name = el("span", { class: "name" }, cam.name);
    const info = el("span", { class: "info" });
    const alarm = el("span", { class: "alarm" });
    const arm = el("button", { class: "arm", type: "button" });
    const note = el("span", { class: "note" });
    arm.addEventListener("click", async () => {
      arm.disabled = true;
      try {
        const a = await command(base + "/armed", arm.dataset.next);
        note.textContent = "";
        show(t, { alarm: a.alarm });
      } catch (err) {
        note.textContent = err.message;
      } finally {
        arm.disabled = false;
      }
    });
    t = { fig: el("figure", { class: "tile", "data-camera": cam.name }, img,
      el("figcaption", {}, name, info, alarm, arm), note), info, alarm, arm };
    tiles.set(cam.name, t);
    $("cameras").append(t.fig);
  }
  if (cam.alarm) show(t, cam);
  t.info.className = "info state-" + cam.state;
  t.info.textContent = cam.state + " · " + fmt(cam.fps, 1, " fps") + " · " + fmt(cam.inference_ms, 1, " ms");
}

// The alarm state and the button that turns it the other way.
function show(t, cam) {
  t.alarm.textContent = cam.alarm;
  t.alarm.className = "alarm alarm-" + cam.alarm;
  const armed = cam.alarm !== "DISARMED";
  t.arm.textContent = armed ? "Disarm" : "Arm";
  t.arm.dataset.next = armed ? "OFF" : "ON";
}

async function status() {
  const s = await api("/api/status");
  const ready = $("ready");
  ready.textContent = s.ready ? "ready" : "not ready";
  ready.className = "badge " + (s.ready ? "ok" : "bad");
  ready.title = s.not_ready || "";
  if (s.model) $("model").textContent = s.model.name + " on " + s.model.delegate;
  const figs = [figure(duration(s.uptime_s), "uptime")];
  let fps = 0;
  for (const c of s.cameras) fps += c.fps || 0;
  figs.push(figure(fmt(fps, 1), "frames/s processed"));
  const ms = s.cameras.map((c) => c.inference_ms).filter((v) => v !== null);
  if (ms.length) figs.push(figure(fmt(Math.max(...ms), 1, " ms"), "inference (mean)"));
  if (s.power) figs.push(figure(fmt(s.power.watts, 2, " W"), "power (" + s.power.source + ")"));
  if (s.events) figs.push(figure(s.events.recorded, "events recorded"));
  $("figures").replaceChildren(...figs);
  for (const c of s.cameras) tile(c);
}

async function events() {
  const list = await api("/api/events?limit=24");
  $("no-events").hidden = list.length > 0;
  if (list.length === 0 || list[0].id === newestEvent) return;
  newestEvent = list[0].id;
  const items = list.map((e) => {
    const when = new Date(e.time).toLocaleTimeString();
    const img = e.snapshot_url ? el("img", { class: "thumb", src: e.snapshot_url, alt: e.label, loading: "lazy" }) : el("div", {});
    return el("li", { class: "event", "data-group": e.group, "data-id": e.id }, img,
      el("div", {}, el("span", { class: "group" }, e.group), " " + e.label + " " + e.score.toFixed(2)
        + (e.sub_label ? " · " + e.sub_label.split(",")[0] + " " + e.sub_score.toFixed(2) : ""),
        el("br", {}), el("span", { class: "muted" }, e.camera + " · " + when)));
  });
  $("events").replaceChildren(...items);
}

async function refresh() {
  try {
    await Promise.all([status(), events()]);
  } catch (err) {
    const ready = $("ready");
    ready.textContent = "unreachable";
    ready.className = "badge bad";
  }
}

refresh();
setInterval(refresh, 2000);
