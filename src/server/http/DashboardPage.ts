/**
 * The dashboard's HTML: one self-contained page (inline CSS and script, no external resource), so
 * it works without any network beyond the manager. The script polls `/dashboard/state` and redraws;
 * every text goes through `textContent`, never HTML, so names from the cloud cannot inject markup.
 */

const style = `
:root { --bg:#f5f6f8; --card:#fff; --ink:#1d2330; --muted:#6b7280; --line:#e3e6eb; --ok:#1a7f4b; --warn:#b7791f; --bad:#c53030; --accent:#2457c5; }
* { box-sizing:border-box; }
body { margin:0; font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; background:var(--bg); color:var(--ink); }
header { display:flex; align-items:center; gap:12px; padding:12px 20px; background:#1d2330; color:#fff; }
header h1 { font-size:17px; margin:0; font-weight:600; }
header .spacer { flex:1; }
header form { margin:0; }
header button { background:transparent; color:#cfd6e4; border:1px solid #4a5468; border-radius:4px; padding:3px 10px; cursor:pointer; }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; background:#e5e9f2; color:#334; }
.badge.active, .badge.done, .badge.approved { background:#dcf3e6; color:var(--ok); }
.badge.suspended, .badge.skipped, .badge.expired, .badge.rejected { background:#eceff3; color:var(--muted); }
.badge.partial, .badge.waking, .badge.suspending, .badge.recommended, .badge.pending, .badge.executing { background:#fdf0d5; color:var(--warn); }
.badge.failed { background:#fde2e2; color:var(--bad); }
.badge.mode { background:#2d3a56; color:#fff; }
main { padding:16px 20px; display:grid; gap:16px; }
section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px 14px; }
section h2 { font-size:14px; margin:0 0 10px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); }
.cards { display:grid; grid-template-columns:repeat(auto-fill,minmax(150px,1fr)); gap:10px; }
.stat { border:1px solid var(--line); border-radius:6px; padding:8px 10px; }
.stat .value { font-size:22px; font-weight:600; }
.stat .label { color:var(--muted); font-size:12px; }
.hosts { display:grid; grid-template-columns:repeat(auto-fill,minmax(250px,1fr)); gap:10px; }
.host { border:1px solid var(--line); border-radius:6px; padding:8px 10px; }
.host.suspended { opacity:.65; }
.host .top { display:flex; justify-content:space-between; align-items:center; margin-bottom:6px; }
.host .name { font-weight:600; }
.bar { position:relative; height:8px; background:#edf0f4; border-radius:4px; overflow:hidden; margin:2px 0 6px; }
.bar span { position:absolute; left:0; top:0; bottom:0; background:var(--accent); }
.bar.high span { background:var(--bad); }
.meter { display:flex; justify-content:space-between; font-size:12px; color:var(--muted); }
.vms { list-style:none; margin:6px 0 0; padding:0; font-size:12px; }
.vms li { display:flex; justify-content:space-between; align-items:center; gap:6px; padding:1px 0; border-top:1px dashed var(--line); }
.vms code { overflow:hidden; text-overflow:ellipsis; white-space:nowrap; max-width:140px; }
svg.spark { display:block; }
table { width:100%; border-collapse:collapse; font-size:13px; }
th, td { text-align:left; padding:5px 6px; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:600; font-size:12px; }
td.actions, td.nowrap { white-space:nowrap; }
button.approve { background:var(--ok); color:#fff; border:0; border-radius:4px; padding:4px 10px; cursor:pointer; }
button.reject { background:#fff; color:var(--bad); border:1px solid var(--bad); border-radius:4px; padding:3px 10px; cursor:pointer; margin-left:4px; }
.two { display:grid; grid-template-columns:1fr 1fr; gap:16px; }
@media (max-width:900px) { .two { grid-template-columns:1fr; } }
pre { max-height:240px; overflow:auto; background:#f0f2f5; padding:8px; font-size:11px; }
.muted { color:var(--muted); }
.error:empty, .policy:empty { display:none; }
.policy { margin-top:8px; font-size:12px; color:var(--muted); }
svg.spark.wide { width:100%; }
.error { color:var(--bad); font-weight:600; }
.login { max-width:360px; margin:80px auto; background:var(--card); border:1px solid var(--line); border-radius:8px; padding:20px; }
.login input { width:100%; padding:7px; margin:8px 0 12px; border:1px solid var(--line); border-radius:4px; }
.login button { background:var(--accent); color:#fff; border:0; border-radius:4px; padding:7px 14px; cursor:pointer; }
`

const script = `
"use strict";
const $ = (id) => document.getElementById(id);
function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
const SVG = "http://www.w3.org/2000/svg";
function sparkline(values, max, width, height, wide) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", wide ? "spark wide" : "spark");
  svg.setAttribute("preserveAspectRatio", "none");
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
const pct = (used, total) => (total > 0 ? Math.round((100 * used) / total) : 0);
function bar(used, total) {
  const p = pct(used, total);
  return h("div", { class: "bar" + (p > 90 ? " high" : "") }, h("span", { style: "width:" + Math.min(100, p) + "%" }));
}
const time = (ms) => new Date(ms).toLocaleTimeString();
function metricValue(text, name, labels) {
  let sum = 0;
  for (const line of text.split("\\n")) {
    if (line.startsWith("#") || !line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== " " && rest[0] !== "{") continue;
    if (labels && !labels.every((l) => rest.includes(l))) continue;
    sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}
function stat(label, value, id) {
  return h("div", { class: "stat", "data-testid": id }, h("div", { class: "value" }, value), h("div", { class: "label" }, label));
}
async function post(path, body) {
  const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json", "x-neat-dashboard": "1" }, body: JSON.stringify(body || {}) });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) $("notice").textContent = answer.message || "request failed (" + response.status + ")";
  else $("notice").textContent = "";
  refresh();
}
function render(state) {
  $("mode").textContent = "mode: " + state.policy.mode;
  $("updated").textContent = "updated " + time(state.now_ms);
  $("cloud-error").textContent = state.cloud_error ? "the cloud cannot be read (" + state.cloud_error + ")" : "";
  const m = state.metrics;
  const active = state.hosts.filter((x) => x.power === "active").length;
  const pending = state.plans.filter((p) => p.status === "pending");
  $("stats").replaceChildren(
    stat("active hosts", active, "stat-active"),
    stat("suspended hosts", state.hosts.filter((x) => x.power === "suspended").length, "stat-suspended"),
    stat("VMs", state.hosts.reduce((n, x) => n + x.vms.length, 0), "stat-vms"),
    stat("decisions", metricValue(m, "neat_decisions_total"), "stat-decisions"),
    stat("migrations ok / failed", metricValue(m, "neat_migrations_total", ['outcome="migrated"']) + " / " + metricValue(m, "neat_migrations_total", ['outcome="failed"']), "stat-migrations"),
    stat("pending plans", pending.length, "stat-pending"),
    stat("errors", metricValue(m, "neat_errors_total"), "stat-errors")
  );
  const p = state.policy;
  const rules = [
    p.excluded_hosts.length ? "excluded hosts: " + p.excluded_hosts.join(", ") : "",
    p.excluded_vms.length ? "excluded VMs: " + p.excluded_vms.join(", ") : "",
    p.maintenance_hosts.length ? "in maintenance: " + p.maintenance_hosts.join(", ") : "",
    p.min_spare_hosts ? "spare hosts kept: " + p.min_spare_hosts : "",
    p.max_migrations_per_interval ? "at most " + p.max_migrations_per_interval + " migrations per " + p.migration_cap_interval + " s" : ""
  ].filter((x) => x !== "");
  $("policy").textContent = rules.join(" · ");
  $("hosts").replaceChildren(...state.hosts.map((host) => {
    const vms = host.vms.map((vm) => h("li", { "data-testid": "vm-" + vm.uuid },
      h("code", { title: vm.uuid }, vm.uuid),
      h("span", { class: "muted" }, vm.ram_mb + " MB"),
      sparkline(vm.cpu_mhz, Math.max(...vm.cpu_mhz, 1), 60, 14)));
    return h("div", { class: "host " + host.power, "data-testid": "host-" + host.name },
      h("div", { class: "top" }, h("span", { class: "name" }, host.name), h("span", { class: "badge " + host.power, "data-testid": "power-" + host.name }, host.power)),
      h("div", { class: "meter" }, h("span", {}, "CPU"), h("span", {}, Math.round(host.cpu_used_mhz) + " / " + host.cpu_mhz + " MHz (" + pct(host.cpu_used_mhz, host.cpu_mhz) + "%)")),
      bar(host.cpu_used_mhz, host.cpu_mhz),
      h("div", { class: "meter" }, h("span", {}, "RAM"), h("span", {}, host.ram_used_mb + " / " + host.ram_mb + " MB (" + pct(host.ram_used_mb, host.ram_mb) + "%)")),
      bar(host.ram_used_mb, host.ram_mb),
      sparkline(host.cpu_history_mhz, host.cpu_mhz, 230, 34, true),
      h("ul", { class: "vms" }, vms));
  }));
  $("plans").replaceChildren(...(state.plans.length === 0 ? [h("tr", {}, h("td", { colspan: "6", class: "muted" }, "no recommended plan"))] : state.plans.map((plan) => {
    const d = plan.decision;
    const actions = [
      ...d.plan.wake.map((x) => "wake " + x),
      ...d.plan.migrations.map((x) => x.vm + ": " + x.from + " → " + x.to),
      ...d.plan.suspend.map((x) => "suspend " + x)
    ];
    return h("tr", { "data-testid": "plan-" + plan.id },
      h("td", {}, "#" + plan.id),
      h("td", {}, d.reason + " of " + d.host, h("div", { class: "muted" }, d.detail)),
      h("td", {}, h("ul", { class: "vms" }, actions.map((a) => h("li", {}, a)))),
      h("td", {}, h("span", { class: "badge " + plan.status }, plan.status), plan.resolution ? h("div", { class: "muted" }, plan.resolution) : null),
      h("td", { class: "nowrap" }, time(plan.created_at_ms)),
      h("td", { class: "actions" }, plan.status === "pending" ? [
        h("button", { class: "approve", "data-testid": "approve-" + plan.id, onclick: () => post("/dashboard/plans/" + plan.id + "/approve", {}) }, "Approve"),
        h("button", { class: "reject", "data-testid": "reject-" + plan.id, onclick: () => post("/dashboard/plans/" + plan.id + "/reject") }, "Reject")
      ] : null));
  })));
  $("decisions").replaceChildren(...state.decisions.map((d) => h("tr", { "data-testid": "decision-" + d.id },
    h("td", {}, "#" + d.id), h("td", { class: "nowrap" }, time(d.finished_at_ms)), h("td", {}, d.reason + " of " + d.host),
    h("td", {}, h("span", { class: "badge " + d.outcome }, d.outcome)), h("td", {}, d.status + ": " + d.detail))));
  $("migrations").replaceChildren(...state.migrations.map((x) => h("tr", {}, h("td", {}, time(x.timestamp_ms)), h("td", {}, h("code", {}, x.vm)), h("td", {}, x.host))));
  const failed = state.decisions.flatMap((d) => d.execution.migrations.filter((x) => !x.migrated).map((x) => h("tr", {}, h("td", {}, "#" + d.id), h("td", {}, h("code", {}, x.vm)), h("td", {}, x.from + " → " + x.to), h("td", { class: "error" }, x.reason || "failed"))));
  $("failures").replaceChildren(...(failed.length === 0 ? [h("tr", {}, h("td", { colspan: "4", class: "muted" }, "none"))] : failed));
  $("metrics").textContent = m;
}
async function refresh() {
  try {
    const response = await fetch("/dashboard/state", { cache: "no-store" });
    if (response.status === 401) { location.reload(); return; }
    render(await response.json());
  } catch (error) {
    $("updated").textContent = "cannot reach the manager";
  }
}
refresh();
setInterval(refresh, 1500);
`

const layout = (nonce: string, body: string, withScript: boolean): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Neat dashboard</title><style>${style}</style></head>
<body>${body}${withScript ? `<script nonce="${nonce}">${script}</script>` : ""}</body></html>`

/** The page for a logged-in operator. */
export const dashboardPage = (nonce: string): string =>
  layout(
    nonce,
    `<header><h1>Neat global manager</h1><span class="badge mode" id="mode"></span><span class="spacer"></span>
<span id="updated" data-testid="updated"></span><form method="post" action="/dashboard/logout"><button type="submit">Log out</button></form></header>
<main>
<div id="notice" class="error" data-testid="notice"></div><div id="cloud-error" class="error"></div>
<section><h2>Overview</h2><div class="cards" id="stats"></div><div class="policy" id="policy" data-testid="policy"></div></section>
<section><h2>Hosts</h2><div class="hosts" id="hosts" data-testid="hosts"></div></section>
<section><h2>Recommended plans</h2><table><thead><tr><th>plan</th><th>request</th><th>actions</th><th>status</th><th>made</th><th></th></tr></thead><tbody id="plans"></tbody></table></section>
<div class="two">
<section><h2>Recent decisions</h2><table><thead><tr><th>id</th><th>time</th><th>request</th><th>outcome</th><th>why</th></tr></thead><tbody id="decisions"></tbody></table></section>
<section><h2>Recent migrations</h2><table><thead><tr><th>time</th><th>VM</th><th>to</th></tr></thead><tbody id="migrations"></tbody></table>
<h2 style="margin-top:14px">Failed migrations</h2><table><thead><tr><th>decision</th><th>VM</th><th>move</th><th>reason</th></tr></thead><tbody id="failures"></tbody></table></section>
</div>
<section><h2>Metrics</h2><details><summary>Prometheus text (/metrics)</summary><pre id="metrics"></pre></details></section>
</main>`,
    true
  )

/** The login form: the token is posted once and exchanged for a session cookie. */
export const loginPage = (nonce: string): string =>
  layout(
    nonce,
    `<form class="login" method="post" action="/dashboard/login"><h1>Neat dashboard</h1>
<label for="token">Dashboard token</label><input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit" data-testid="login">Log in</button></form>`,
    false
  )
