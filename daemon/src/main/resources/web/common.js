// What the status page and the review page share: element building, the API's GET with the login redirect.
"use strict";

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

// Behind the login (a daemon reachable from the network), an expired or missing session makes the API answer 401:
// go to the login form, which comes back here.
async function api(path) {
  const r = await fetch(path, { cache: "no-store" });
  if (r.status === 401) {
    window.location.assign("/login");
    throw new Error("login needed");
  }
  if (!r.ok) throw new Error(path + ": " + r.status + " " + (await r.text()));
  return r.json();
}
