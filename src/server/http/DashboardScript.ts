/**
 * The dashboard's script (inline, under the page's nonce). It polls `/dashboard/state` and redraws;
 * the hosts table draws only the page of rows in view (sorting, filtering and searching run over
 * every host in memory, cheap for ten thousand), so the page stays light at any size. Every text
 * goes through `textContent`, never HTML, so names from the cloud cannot inject markup. After the
 * first full render it sets the performance mark `neat-first-render` and writes its time (ms since
 * navigation) into `document.body.dataset.firstRenderMs`, for the browser test.
 */
export const dashboardScript = String.raw`
"use strict";
const $ = (id) => document.getElementById(id);
function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
const SVG = "http://www.w3.org/2000/svg";
function sparkline(values, max, width, height) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "spark");
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  const top = Math.max(max, 1);
  if (values.length > 0) {
    const step = values.length > 1 ? width / (values.length - 1) : 0;
    const points = values.map((v, i) => (i * step).toFixed(1) + "," + (height - 1 - (Math.min(v, top) / top) * (height - 2)).toFixed(1));
    const area = document.createElementNS(SVG, "polygon");
    area.setAttribute("points", "0," + height + " " + points.join(" ") + " " + ((values.length - 1) * step).toFixed(1) + "," + height);
    area.setAttribute("fill", "#dbe5fb");
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", points.join(" "));
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", "#2457c5");
    line.setAttribute("stroke-width", "1.5");
    svg.append(area, line);
  }
  return svg;
}
const pct = (used, total) => (total > 0 ? (100 * used) / total : 0);
function meter(p) {
  return h("span", { class: "meter" + (p > 90 ? " high" : "") }, h("span", { style: "width:" + Math.min(100, Math.max(0, p)).toFixed(0) + "%" }));
}
const plural = (n, one, many) => n + " " + (n === 1 ? one : (many || one + "s"));
const fixed = (x, digits) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");

// Times: ISO-like with the date, local by default, UTC when the operator asks (remembered).
const utcKey = "neat.dashboard.utc";
let utc = localStorage.getItem(utcKey) === "1";
const two = (n) => String(n).padStart(2, "0");
function time(ms) {
  if (!Number.isFinite(ms)) return "n/a";
  const d = new Date(ms);
  if (utc) return d.getUTCFullYear() + "-" + two(d.getUTCMonth() + 1) + "-" + two(d.getUTCDate()) + " " + two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + ":" + two(d.getUTCSeconds()) + " UTC";
  return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " + two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
}
function metricValue(text, name, labels) {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || !line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== " " && rest[0] !== "{") continue;
    if (labels && !labels.every((l) => rest.includes(l))) continue;
    sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}
function stat(label, value, id, tone) {
  return h("div", { class: "stat" + (tone ? " " + tone : ""), "data-testid": id }, h("div", { class: "value" }, value), h("div", { class: "label" }, label));
}
async function post(path, body) {
  const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json", "x-neat-dashboard": "1" }, body: JSON.stringify(body || {}) });
  const answer = await response.json().catch(() => ({}));
  $("notice").textContent = response.ok ? "" : answer.message || "request failed (" + response.status + ")";
  refresh();
}

let state;

// ---- hosts: filter, search, sort and page over every host; draw one page ----
const view = { search: "", power: "all", sort: "name", dir: 1, page: 0, size: 50, open: new Set(), details: new Map() };
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
const hostKeys = {
  name: (x) => x.name,
  power: (x) => x.power,
  cpu: (x) => pct(x.cpu_used_mhz, x.cpu_mhz),
  ram: (x) => pct(x.ram_used_mb, x.ram_mb),
  vms: (x) => x.vms.length,
  watts: (x) => x.power_w
};
function visibleHosts() {
  const q = view.search.trim().toLowerCase();
  let rows = state.hosts;
  if (view.power !== "all") rows = rows.filter((x) => x.power === view.power);
  if (q !== "") rows = rows.filter((x) => x.name.toLowerCase().includes(q) || x.vms.some((vm) => vm.uuid.toLowerCase().includes(q)));
  const key = hostKeys[view.sort];
  const text = view.sort === "name" || view.sort === "power";
  return [...rows].sort((a, b) => {
    const order = text ? collator.compare(key(a), key(b)) : key(a) - key(b);
    // Ties in name order, whichever way the column sorts.
    return order !== 0 ? view.dir * order : collator.compare(a.name, b.name);
  });
}
function renderPowerChips() {
  const counts = { all: state.hosts.length };
  for (const x of state.hosts) counts[x.power] = (counts[x.power] || 0) + 1;
  const states = ["all", "active", "suspended", "waking", "suspending", "failed"].filter((s) => s === "all" || counts[s] || view.power === s);
  $("power-filter").replaceChildren(...states.map((s) => h("button", {
    class: "chip" + (view.power === s ? " on" : ""), "data-testid": "filter-" + s, type: "button",
    onclick: () => { view.power = s; view.page = 0; renderHosts(); }
  }, s + " " + (counts[s] || 0))));
}
async function loadDetail(name) {
  try {
    const response = await fetch("/dashboard/hosts/" + encodeURIComponent(name), { cache: "no-store" });
    if (!response.ok) return;
    view.details.set(name, await response.json());
    if (view.open.has(name)) renderHosts();
  } catch (error) { /* shown at the next refresh */ }
}
function detailRow(host) {
  const detail = view.details.get(host.name);
  if (!detail) return h("tr", { class: "detail" }, h("td", { colspan: "7", class: "muted" }, "loading…"));
  const vmRam = new Map(host.vms.map((vm) => [vm.uuid, vm.ram_mb]));
  return h("tr", { class: "detail", "data-testid": "detail-" + host.name }, h("td", { colspan: "7" },
    h("div", { class: "small muted" }, "CPU, last " + detail.cpu_history_mhz.length + " samples (MHz, of " + host.cpu_mhz + ")"),
    sparkline(detail.cpu_history_mhz, host.cpu_mhz, 300, 34),
    detail.vms.length === 0 ? h("div", { class: "muted small" }, "no VM") :
    h("ul", { class: "vms vmgrid" }, detail.vms.map((vm) => h("li", { "data-testid": "vm-" + vm.uuid },
      h("code", { title: vm.uuid }, vm.uuid),
      h("span", { class: "muted" }, (vmRam.get(vm.uuid) ?? vm.ram_mb) + " MB"),
      sparkline(vm.cpu_mhz, Math.max(...vm.cpu_mhz, 1), 60, 14))))));
}
// The table's search, filter and order live in the address (#q=...&power=...&sort=...&dir=...),
// so that a reload keeps them and a link shows the same view.
function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  view.search = params.get("q") || "";
  view.power = params.get("power") || "all";
  view.sort = hostKeys[params.get("sort")] ? params.get("sort") : "name";
  view.dir = params.get("dir") === "-1" ? -1 : 1;
}
function writeHash() {
  const params = new URLSearchParams();
  if (view.search) params.set("q", view.search);
  if (view.power !== "all") params.set("power", view.power);
  if (view.sort !== "name" || view.dir !== 1) { params.set("sort", view.sort); params.set("dir", String(view.dir)); }
  const hash = params.toString();
  if (hash !== location.hash.slice(1)) history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
}
function renderHosts() {
  writeHash();
  renderPowerChips();
  const rows = visibleHosts();
  const pages = Math.max(1, Math.ceil(rows.length / view.size));
  view.page = Math.min(view.page, pages - 1);
  const first = view.page * view.size;
  const shown = rows.slice(first, first + view.size);
  for (const th of document.querySelectorAll("#hosts-table th.sort")) {
    th.classList.toggle("asc", th.dataset.key === view.sort && view.dir === 1);
    th.classList.toggle("desc", th.dataset.key === view.sort && view.dir === -1);
  }
  const maintenance = new Set(state.policy.maintenance_hosts);
  const excluded = new Set(state.policy.excluded_hosts);
  const body = [];
  for (const host of shown) {
    const cpu = pct(host.cpu_used_mhz, host.cpu_mhz);
    const ram = pct(host.ram_used_mb, host.ram_mb);
    const toggle = () => {
      if (view.open.has(host.name)) view.open.delete(host.name);
      else { view.open.add(host.name); loadDetail(host.name); }
      renderHosts();
      const row = document.querySelector('[data-testid="host-' + CSS.escape(host.name) + '"]');
      if (row) row.focus();
    };
    body.push(h("tr", { class: "host " + host.power, "data-testid": "host-" + host.name, title: "show the CPU history and the VMs",
      tabindex: "0", "aria-expanded": view.open.has(host.name) ? "true" : "false",
      onclick: toggle, onkeydown: (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(); } } },
      h("td", {}, h("b", {}, host.name),
        maintenance.has(host.name) ? h("span", { class: "badge suspended", title: "in maintenance: drained, never a target" }, " maintenance") : null,
        excluded.has(host.name) ? h("span", { class: "badge suspended", title: "excluded from consolidation" }, " excluded") : null),
      h("td", {}, h("span", { class: "badge " + host.power, "data-testid": "power-" + host.name }, host.power)),
      h("td", { class: "nowrap" }, meter(cpu), fixed(cpu, 0) + "%", h("span", { class: "muted small" }, " " + Math.round(host.cpu_used_mhz) + "/" + host.cpu_mhz + " MHz")),
      h("td", { class: "nowrap" }, meter(ram), fixed(ram, 0) + "%", h("span", { class: "muted small" }, " " + host.ram_used_mb + "/" + host.ram_mb + " MB")),
      h("td", { class: "num" }, host.vms.length),
      h("td", { class: "num" }, fixed(host.power_w, 0)),
      h("td", { class: "muted small" }, view.open.has(host.name) ? "▾" : "▸")));
    if (view.open.has(host.name)) body.push(detailRow(host));
  }
  if (shown.length === 0) body.push(h("tr", {}, h("td", { colspan: "7", class: "muted" }, state.hosts.length === 0 ? "no host" : "no host matches")));
  $("hosts").replaceChildren(...body);
  $("hosts-range").textContent = rows.length === 0 ? "0 of " + state.hosts.length : (first + 1) + "–" + (first + shown.length) + " of " + rows.length + (rows.length !== state.hosts.length ? " (" + state.hosts.length + " hosts)" : "");
  $("hosts-prev").disabled = view.page === 0;
  $("hosts-next").disabled = view.page >= pages - 1;
}

// ---- plans: true counts, compact rows, confirmation naming what Approve does ----
const planView = { filter: "pending", page: 0, size: 10, open: new Set() };
function planActions(plan) {
  if (Array.isArray(plan.actions)) return plan.actions;
  const p = plan.plan;
  return [
    ...p.wake.map((host) => ({ kind: "wake", host })),
    ...p.migrations.map((m) => ({ kind: "migrate", vm: m.vm, from: m.from, to: m.to })),
    ...p.suspend.map((host) => ({ kind: "suspend", host }))
  ];
}
function actionText(a) {
  if (a.kind === "migrate") return "migrate " + a.vm + ": " + a.from + " → " + a.to;
  return a.kind + " " + a.host;
}
function whatItDoes(actions) {
  const n = (kind) => actions.filter((a) => a.kind === kind).length;
  return "migrate " + plural(n("migrate"), "VM") + ", suspend " + plural(n("suspend"), "host") + ", wake " + plural(n("wake"), "host");
}
function effectText(e) {
  if (!e) return null;
  const parts = [];
  if (e.hosts_freed !== undefined) parts.push(h("span", {}, "frees ", h("b", {}, plural(e.hosts_freed, "host"))));
  if (e.power_saved_w !== undefined) parts.push(h("span", {}, " · saves ", h("b", {}, fixed(e.power_saved_w, 0) + " W"), e.energy_saved_kwh_per_hour !== undefined ? " (" + fixed(e.energy_saved_kwh_per_hour, 3) + " kWh/h)" : ""));
  if (e.migrations !== undefined) parts.push(h("span", {}, " · " + plural(e.migrations, "migration") + (e.migration_seconds !== undefined ? " ≈ " + fixed(e.migration_seconds, 0) + " s" : "")));
  if (Array.isArray(e.sla_risk_hosts)) parts.push(h("span", { class: e.sla_risk_hosts.length > 0 ? "error" : "" }, " · SLA risk: " + (e.sla_risk_hosts.length === 0 ? "none" : e.sla_risk_hosts.join(", "))));
  return h("div", { class: "effect", "data-testid": "effect" }, parts);
}
function renderPlans() {
  const counts = state.plan_counts || {};
  $("plan-counts").textContent = Object.entries(counts).filter(([status, n]) => n > 0 || status === "pending").map(([s, n]) => n + " " + s).join(" · ");
  const all = state.plans;
  const plans = planView.filter === "pending" ? all.filter((p) => p.status === "pending") : all;
  for (const b of document.querySelectorAll("#plan-filter button")) b.classList.toggle("on", b.dataset.filter === planView.filter);
  const pages = Math.max(1, Math.ceil(plans.length / planView.size));
  planView.page = Math.min(planView.page, pages - 1);
  const first = planView.page * planView.size;
  const shown = plans.slice(first, first + planView.size);
  $("plans").replaceChildren(...(shown.length === 0 ? [h("tr", {}, h("td", { colspan: "6", class: "muted" }, planView.filter === "pending" ? "no pending plan" : "no plan"))] : shown.map((plan) => {
    const actions = planActions(plan);
    const open = planView.open.has(plan.id);
    const list = h("details", { class: "actions", open: open, ontoggle: (event) => { if (event.target.open) planView.open.add(plan.id); else planView.open.delete(plan.id); } },
      h("summary", {}, whatItDoes(actions)),
      h("ul", { class: "vms" }, actions.map((a) => h("li", {}, h("span", {}, actionText(a)), a.status ? h("span", { class: "badge " + a.status }, a.status) : null))));
    const what = plan.interval_started_at_ms !== undefined ? "interval of " + time(plan.interval_started_at_ms) : plan.request.reason + " of " + plan.request.host;
    return h("tr", { "data-testid": "plan-" + plan.id },
      h("td", {}, "#" + plan.id),
      h("td", {}, what, effectText(plan.effect)),
      h("td", {}, list),
      h("td", {}, h("span", { class: "badge " + plan.status }, plan.status),
        plan.superseded_by !== undefined ? h("div", { class: "muted small" }, "by #" + plan.superseded_by) : null,
        plan.resolution ? h("div", { class: "muted small" }, plan.resolution) : null),
      h("td", { class: "nowrap small" }, time(plan.created_at_ms)),
      h("td", { class: "actions" }, plan.status === "pending" ? [
        h("button", { class: "approve", "data-testid": "approve-" + plan.id, onclick: () => confirmApproval(plan) }, "Approve…"),
        h("button", { class: "reject", "data-testid": "reject-" + plan.id, onclick: () => { if (confirm("Reject plan #" + plan.id + " (" + whatItDoes(actions) + ")?")) post("/dashboard/plans/" + plan.id + "/reject"); } }, "Reject")
      ] : null));
  })));
  $("plans-range").textContent = plans.length === 0 ? "" : (first + 1) + "–" + (first + shown.length) + " of " + plans.length + (planView.filter === "pending" && (counts.pending || 0) > plans.length ? " (" + counts.pending + " pending in all)" : "");
  $("plans-prev").disabled = planView.page === 0;
  $("plans-next").disabled = planView.page >= pages - 1;
}
function confirmApproval(plan) {
  const dialog = $("confirm");
  const actions = planActions(plan);
  const selectable = actions.length > 0 && actions.every((a) => typeof a.key === "string");
  const boxes = [];
  const summary = h("div", { class: "summary", "data-testid": "confirm-summary" });
  const update = () => {
    const chosen = selectable ? actions.filter((a, i) => boxes[i].checked) : actions;
    summary.textContent = "This will " + whatItDoes(chosen) + (selectable && chosen.length < actions.length ? " (" + plural(actions.length - chosen.length, "action") + " skipped)" : "") + ".";
    $("confirm-ok").disabled = chosen.length === 0;
  };
  const list = h("div", { class: "list" }, actions.map((a, i) => {
    if (!selectable) return h("div", {}, actionText(a));
    const box = h("input", { type: "checkbox", checked: true, "data-testid": "action-" + a.key, onchange: update });
    boxes[i] = box;
    return h("label", {}, box, " ", actionText(a), a.after && a.after.length > 0 ? h("span", { class: "muted small" }, " (after " + a.after.join(", ") + ")") : null);
  }));
  $("confirm-body").replaceChildren(
    h("h3", {}, "Approve plan #" + plan.id + "?"),
    summary,
    effectText(plan.effect),
    list,
    selectable ? h("div", { class: "muted small" }, "Unticked actions are skipped (and recorded as such).") : null);
  update();
  $("confirm-ok").onclick = () => {
    const chosen = selectable ? actions.filter((a, i) => boxes[i].checked) : actions;
    dialog.close();
    post("/dashboard/plans/" + plan.id + "/approve", selectable && chosen.length < actions.length ? { actions: chosen.map((a) => a.key) } : {});
  };
  dialog.showModal();
}

// ---- windows (blackouts, maintenance, the disruption budget: the server's WindowsView) ----
function windowLine(label, kind) {
  if (kind.windows.length === 0) return label + ": none defined";
  const open = kind.open[0];
  const when = open ? "open until " + time(open.end_ms) : kind.next ? "next " + time(kind.next.start_ms) : "";
  return label + ": " + kind.windows.join("; ") + (when ? " (" + when + ")" : "");
}
function renderWindows() {
  const windows = state.windows;
  $("windows-section").hidden = windows === undefined;
  if (windows === undefined) return;
  const budget = windows.budget;
  const lines = [
    windowLine("blackouts", windows.blackouts),
    windowLine("maintenance", windows.maintenance),
    budget ? "budget: " + budget.budget + " (" + budget.in_disruption.length + " of at most " + budget.limit + " hosts in disruption)" : "budget: no limit"
  ];
  $("windows").replaceChildren(
    h("span", { class: "badge " + (windows.disruption_allowed ? "open" : "pending") }, windows.disruption_allowed ? "disruption allowed" : "disruption held"),
    ...lines.map((line) => h("div", { class: "small" }, line))
  );
}

// ---- errors by class ----
const classNames = { auth: "authentication failures", cloud: "cloud (Nova, hosts, migrations)", store: "store", placement: "placement", request: "refused requests", server: "server errors (5xx)" };
const errorsOpen = new Set();
function renderErrors() {
  const classes = state.errors || [];
  $("errors").replaceChildren(...(classes.length === 0 ? [h("tr", {}, h("td", { colspan: "4", class: "muted" }, "none"))] : classes.map((c) => {
    const latest = c.latest[0];
    return h("tr", { "data-testid": "errors-" + c.class },
      h("td", {}, h("b", {}, classNames[c.class] || c.class)),
      h("td", { class: "num" }, c.count),
      h("td", { class: "nowrap small" }, latest ? time(latest.at_ms) : ""),
      h("td", {}, latest ? h("details", { open: errorsOpen.has(c.class), ontoggle: (event) => { if (event.target.open) errorsOpen.add(c.class); else errorsOpen.delete(c.class); } }, h("summary", {}, latest.message),
        h("ul", { class: "vms" }, c.latest.slice(1).map((e) => h("li", {}, h("span", {}, e.message), h("span", { class: "muted nowrap" }, time(e.at_ms)))))) : ""));
  })));
}

function render() {
  const s = state;
  $("mode").textContent = "mode: " + s.policy.mode;
  $("updated").textContent = "updated " + time(s.now_ms);
  $("cloud-error").textContent = s.cloud_error ? "the cloud cannot be read (" + s.cloud_error + ")" : "";
  const m = s.metrics;
  const byPower = {};
  for (const x of s.hosts) byPower[x.power] = (byPower[x.power] || 0) + 1;
  const errorCount = (s.errors || []).filter((c) => c.class !== "auth").reduce((n, c) => n + c.count, 0);
  const authCount = (s.errors || []).filter((c) => c.class === "auth").reduce((n, c) => n + c.count, 0);
  const pending = (s.plan_counts && s.plan_counts.pending) || 0;
  $("stats").replaceChildren(
    stat("hosts", s.hosts.length, "stat-hosts"),
    stat("active hosts", byPower.active || 0, "stat-active"),
    stat("suspended hosts", byPower.suspended || 0, "stat-suspended"),
    stat("waking / suspending / failed", (byPower.waking || 0) + " / " + (byPower.suspending || 0) + " / " + (byPower.failed || 0), "stat-transit", byPower.failed ? "alert" : ""),
    stat("VMs", s.hosts.reduce((n, x) => n + x.vms.length, 0), "stat-vms"),
    stat("decisions", metricValue(m, "neat_decisions_total"), "stat-decisions"),
    stat("migrations ok / failed", metricValue(m, "neat_migrations_total", ['outcome="migrated"']) + " / " + metricValue(m, "neat_migrations_total", ['outcome="failed"']), "stat-migrations"),
    stat("pending plans", pending, "stat-pending", pending > 0 ? "alert" : ""),
    stat("errors", errorCount, "stat-errors", errorCount > 0 ? "alert" : ""),
    stat("auth failures", authCount, "stat-auth", authCount > 0 ? "alert" : "")
  );
  const e = s.energy;
  const savedShare = e.energy_all_on_kwh > 0 ? (100 * e.energy_saved_kwh) / e.energy_all_on_kwh : 0;
  $("energy").replaceChildren(
    stat("kW now", fixed(e.power_w / 1000, 2), "energy-kw"),
    stat("kW with every host on", fixed(e.power_all_on_w / 1000, 2), "energy-kw-all-on"),
    stat("kWh today", fixed(e.energy_kwh, 2), "energy-kwh"),
    stat("kWh saved today (" + fixed(savedShare, 0) + "%)", fixed(e.energy_saved_kwh, 2), "energy-saved", "good")
  );
  $("energy-since").textContent = "since " + time(e.since_ms) + " · from the hosts' SPECpower models at their CPU use; every host on: suspended hosts idle";
  const p = s.policy;
  const rules = [
    p.excluded_hosts.length ? "excluded hosts: " + p.excluded_hosts.join(", ") : "",
    p.excluded_vms.length ? "excluded VMs: " + p.excluded_vms.join(", ") : "",
    p.maintenance_hosts.length ? "in maintenance: " + p.maintenance_hosts.join(", ") : "",
    p.min_spare_hosts ? "spare hosts kept: " + p.min_spare_hosts : "",
    p.max_migrations_per_interval ? "at most " + p.max_migrations_per_interval + " migrations per " + p.migration_cap_interval + " s" : ""
  ].filter((x) => x !== "");
  $("policy").textContent = rules.join(" · ");
  renderHosts();
  renderPlans();
  renderWindows();
  renderErrors();
  const decisions = $("decisions-all").open ? s.decisions : s.decisions.slice(0, 8);
  $("decisions").replaceChildren(...decisions.map((d) => h("tr", { "data-testid": "decision-" + d.id },
    h("td", {}, "#" + d.id), h("td", { class: "nowrap small" }, time(d.finished_at_ms)), h("td", { class: "nowrap" }, d.reason + " of " + d.host),
    h("td", {}, h("span", { class: "badge " + d.outcome }, d.outcome)), h("td", { class: "small" }, d.status + ": " + d.detail))));
  $("migrations").replaceChildren(...s.migrations.map((x) => h("tr", {}, h("td", { class: "nowrap small" }, time(x.timestamp_ms)), h("td", {}, h("code", {}, x.vm)), h("td", {}, x.host))));
  const failed = s.decisions.flatMap((d) => d.execution.migrations.filter((x) => !x.migrated).map((x) => h("tr", {}, h("td", {}, "#" + d.id), h("td", {}, h("code", {}, x.vm)), h("td", {}, x.from + " → " + x.to), h("td", { class: "error" }, x.reason || "failed"))));
  $("failures").replaceChildren(...(failed.length === 0 ? [h("tr", {}, h("td", { colspan: "4", class: "muted" }, "none"))] : failed));
  if ($("metrics-details").open) $("metrics").textContent = m;
}

let firstRender = true;
let pollMs = 1500;
async function refresh() {
  try {
    const response = await fetch("/dashboard/state", { cache: "no-store" });
    if (response.status === 401) { location.reload(); return; }
    const started = performance.now();
    state = await response.json();
    render();
    for (const name of view.open) loadDetail(name);
    if (firstRender) {
      firstRender = false;
      performance.mark("neat-first-render");
      document.body.dataset.firstRenderMs = String(Math.round(performance.now()));
    }
    // A large cloud is polled less often: never more than a tenth of the time spent on it.
    pollMs = Math.max(1500, 10 * (performance.now() - started));
  } catch (error) {
    $("updated").textContent = "cannot reach the manager";
  }
}
async function poll() {
  await refresh();
  setTimeout(poll, pollMs);
}

readHash();
$("host-search").value = view.search;
$("utc").checked = utc;
$("utc").addEventListener("change", () => {
  utc = $("utc").checked;
  localStorage.setItem(utcKey, utc ? "1" : "0");
  if (state) render();
});
let searchTimer;
$("host-search").addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => { view.search = $("host-search").value; view.page = 0; renderHosts(); }, 120);
});
$("host-page-size").addEventListener("change", () => { view.size = Number($("host-page-size").value); view.page = 0; renderHosts(); });
$("hosts-prev").addEventListener("click", () => { view.page--; renderHosts(); });
$("hosts-next").addEventListener("click", () => { view.page++; renderHosts(); });
for (const th of document.querySelectorAll("#hosts-table th.sort")) th.addEventListener("click", () => {
  if (view.sort === th.dataset.key) view.dir = -view.dir;
  else { view.sort = th.dataset.key; view.dir = th.dataset.key === "name" || th.dataset.key === "power" ? 1 : -1; }
  view.page = 0;
  renderHosts();
});
for (const b of document.querySelectorAll("#plan-filter button")) b.addEventListener("click", () => { planView.filter = b.dataset.filter; planView.page = 0; renderPlans(); });
$("plans-prev").addEventListener("click", () => { planView.page--; renderPlans(); });
$("plans-next").addEventListener("click", () => { planView.page++; renderPlans(); });
$("confirm-cancel").addEventListener("click", () => $("confirm").close());
$("decisions-all").addEventListener("toggle", () => { if (state) render(); });
$("metrics-details").addEventListener("toggle", () => { if (state) $("metrics").textContent = state.metrics; });
poll();
`
