// ghlmock dashboard: plain JavaScript, no build step, no library.
// Every change is a fetch with the page's CSRF token and a JSON body; the
// request list follows the journal over server-sent events.
"use strict";

const csrf = document.querySelector('meta[name="ghlmock-csrf"]').content;
const $ = (sel, root) => (root || document).querySelector(sel);
const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

function flash(msg, ok) {
  const el = $("#flash");
  el.textContent = msg;
  el.className = "flash " + (ok ? "ok" : "bad");
  el.hidden = false;
  clearTimeout(flash.t);
  flash.t = setTimeout(() => { el.hidden = true; }, ok ? 2500 : 8000);
}

// api sends a change; it resolves with the answer's JSON, or shows the
// error and rejects.
async function api(method, url, body) {
  const opts = { method, headers: { "X-CSRF-Token": csrf }, credentials: "same-origin" };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const res = await fetch(url, opts);
  let data = null;
  try { data = await res.json(); } catch (e) { /* not JSON */ }
  if (!res.ok) {
    const m = data && data.message ? [].concat(data.message).join("; ") : res.status + " " + res.statusText;
    flash(m, false);
    throw new Error(m);
  }
  return data;
}

const reload = () => location.reload();

function on(sel, event, fn) {
  $$(sel).forEach((el) => el.addEventListener(event, fn));
}

// Overview: the live panel, refreshed every second, and the clock.
function overview() {
  const live = $("#live");
  let busy = false;
  setInterval(async () => {
    if (busy || document.hidden) return;
    busy = true;
    try {
      const res = await fetch(live.dataset.src, { credentials: "same-origin" });
      if (res.redirected) { location.reload(); return; } // the session ended: to the login page
      if (res.ok) {
        const html = await res.text();
        if (html !== live.innerHTML) live.innerHTML = html;
      }
    } finally { busy = false; }
  }, 1000);
  on("[data-advance]", "click", async (e) => {
    const c = await api("POST", "/_mock/ui/api/clock", { advance: e.target.dataset.advance });
    flash("Clock moved to " + c.now, true);
  });
  on("[data-freeze]", "click", async (e) => {
    const c = await api("POST", "/_mock/ui/api/clock", { freeze: e.target.dataset.freeze === "true" });
    flash(c.frozen ? "Clock frozen at " + c.now : "Clock running from " + c.now, true);
  });
}

// A contact: edit fields, tags, notes and tasks as a GHL user.
function contact() {
  const form = $("#contact-form");
  const base = "/_mock/ui/api/contacts/" + encodeURIComponent(form.dataset.loc) + "/" + encodeURIComponent(form.dataset.id);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = {};
    $$("input", form).forEach((i) => { if (i.value !== i.dataset.was) body[i.name] = i.value; });
    if (Object.keys(body).length === 0) { flash("Nothing changed.", true); return; }
    await api("POST", base, body);
    flash("Saved.", true);
    setTimeout(reload, 300);
  });
  $("#tag-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    await api("POST", base + "/tags", { tags: [e.target.tag.value] });
    reload();
  });
  on("[data-remove-tag]", "click", async (e) => {
    await api("DELETE", base + "/tags/" + encodeURIComponent(e.target.dataset.removeTag));
    reload();
  });
  $("#note-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    await api("POST", base + "/notes", { body: e.target.body.value });
    reload();
  });
  on("[data-task]", "change", async (e) => {
    await api("POST", base + "/tasks/" + encodeURIComponent(e.target.dataset.task), { completed: e.target.checked });
    flash(e.target.checked ? "Task completed." : "Task reopened.", true);
  });
}

// Requests: the journal, live.
function requests() {
  const table = $("#requests");
  const tbody = $("tbody", table);
  const state = $("#stream-state");
  const max = 500;
  const es = new EventSource(table.dataset.stream + "&after=0");
  es.onopen = () => { state.textContent = "live"; state.className = "pill live"; };
  es.onerror = () => {
    const closed = es.readyState === EventSource.CLOSED;
    state.textContent = closed ? "disconnected: reload the page" : "reconnecting…";
    state.className = "pill";
  };
  const cell = (tr, text, cls) => {
    const td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text;
    tr.appendChild(td);
    return td;
  };
  es.addEventListener("request", (ev) => {
    const e = JSON.parse(ev.data);
    const tr = document.createElement("tr");
    tr.dataset.id = e.id;
    tr.className = "req";
    const a = document.createElement("a");
    a.href = "/_mock/ui/requests/" + encodeURIComponent(e.id);
    a.textContent = "#" + e.id;
    cell(tr, "").appendChild(a);
    cell(tr, e.time.replace("T", " ").replace(/\.\d+Z$/, "Z"));
    cell(tr, e.method);
    cell(tr, e.path + (e.query ? "?" + e.query : ""), "path");
    cell(tr, e.operationId || "");
    const st = document.createElement("span");
    const s = e.status;
    st.className = "status " + (s === 0 ? "s0" : s < 300 ? "s2" : s < 400 ? "s3" : s < 500 ? "s4" : "s5");
    st.textContent = s === 0 ? "—" : String(s);
    cell(tr, "").appendChild(st);
    cell(tr, e.durationMs.toFixed(1), "num");
    cell(tr, (e.fault ? "[" + e.fault + "] " : "") + (e.reason || ""), "why");
    tr.addEventListener("click", (c) => { if (c.target.tagName !== "A") location.href = a.href; });
    tbody.insertBefore(tr, tbody.firstChild);
    while (tbody.rows.length > max) tbody.deleteRow(tbody.rows.length - 1);
  });
  es.addEventListener("gap", (ev) => {
    const n = JSON.parse(ev.data).missed;
    const tr = document.createElement("tr");
    tr.className = "gap";
    cell(tr, n + " request" + (n === 1 ? "" : "s") + " not shown (the journal dropped them, or they came too fast to list)").colSpan = 8;
    tbody.insertBefore(tr, tbody.firstChild);
  });
}

// Faults: the form, its preview, adding and removing rules.
function faultRule(form) {
  const rule = {};
  const fd = new FormData(form);
  for (const [k, v] of fd.entries()) {
    if (v === "") continue;
    rule[k] = ["status", "delayMs", "times"].includes(k) ? parseInt(v, 10) : k === "probability" ? parseFloat(v) : v;
  }
  return rule;
}

function faultsPage() {
  const form = $("#fault-form");
  const preview = $("#fault-preview");
  let t;
  const show = async () => {
    const p = await api("POST", "/_mock/ui/api/faults/preview", faultRule(form)).catch(() => null);
    if (!p) return;
    preview.replaceChildren();
    const head = document.createElement("p");
    if (p.error) {
      head.className = "error";
      head.textContent = p.error;
      preview.appendChild(head);
      return;
    }
    head.innerHTML = "";
    head.textContent = "Matches " + p.operations.length + " operation" + (p.operations.length === 1 ? "" : "s") +
      " · would have matched " + p.journalMatches + " of the requests in the journal:";
    preview.appendChild(head);
    const ul = document.createElement("ul");
    ul.className = "ops";
    p.operations.slice(0, 12).forEach((o) => {
      const li = document.createElement("li");
      li.textContent = o.method + " " + o.path + "  (" + o.id + ")";
      ul.appendChild(li);
    });
    if (p.operations.length > 12) {
      const li = document.createElement("li");
      li.textContent = "… and " + (p.operations.length - 12) + " more";
      ul.appendChild(li);
    }
    preview.appendChild(ul);
  };
  form.addEventListener("input", () => { clearTimeout(t); t = setTimeout(show, 250); });
  form.addEventListener("change", () => { clearTimeout(t); t = setTimeout(show, 50); });
  on("[data-preset]", "click", (e) => {
    form.reset();
    const p = JSON.parse(e.target.dataset.preset);
    for (const [k, v] of Object.entries(p)) form.elements[k].value = v;
    show();
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await api("POST", "/_mock/ui/api/faults", faultRule(form));
    flash("Added " + r.id + ".", true);
    setTimeout(reload, 300);
  });
  on("[data-remove-fault]", "click", async (e) => {
    await api("DELETE", "/_mock/ui/api/faults/" + encodeURIComponent(e.target.dataset.removeFault));
    reload();
  });
}

function statePage() {
  $("#reset").addEventListener("click", async () => {
    if (!confirm("Reset the mock to its seeded state? Every change since start is lost.")) return;
    await api("POST", "/_mock/ui/api/reset", { confirm: true });
    flash("Reset.", true);
    setTimeout(reload, 300);
  });
  $("#import-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const file = e.target.file.files[0];
    if (!file) return;
    const r = await api("PUT", "/_mock/ui/api/state", await file.text());
    flash("Imported " + r.imported.join(", ") + ".", true);
    setTimeout(reload, 600);
  });
}

function webhooksPage() {
  on("[data-redeliver]", "click", async (e) => {
    const d = await api("POST", "/_mock/ui/api/webhooks/deliveries/" + encodeURIComponent(e.target.dataset.redeliver) + "/redeliver", {});
    flash("Redelivery " + d.id + " queued.", true);
    setTimeout(reload, 500);
  });
  on("[data-webhook-app]", "click", async (e) => {
    await api("POST", "/_mock/ui/api/webhooks/apps/" + encodeURIComponent(e.target.dataset.webhookApp) + "/" + e.target.dataset.webhookAction, {});
    reload();
  });
}

function oauthPage() {
  on("[data-token-action]", "click", async (e) => {
    const b = e.target.dataset;
    await api("POST", "/_mock/ui/api/oauth/tokens/" + encodeURIComponent(b.token) + "/" + b.tokenAction, {});
    reload();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  on("[data-copy]", "click", async (e) => {
    try {
      await navigator.clipboard.writeText($(e.target.dataset.copy).textContent);
      flash("Copied.", true);
    } catch (err) { flash("Copy it by hand: the browser refused the clipboard.", false); }
  });
  on("[data-action=logout]", "click", async () => {
    await api("POST", "/_mock/ui/logout", {});
    location.href = "/_mock/ui/login";
  });
  const pages = { overview, contact, requests, faults: faultsPage, state: statePage, webhooks: webhooksPage, oauth: oauthPage };
  const init = pages[document.body.dataset.page];
  if (init) init();
});
