/**
 * The dashboard's HTML: one self-contained page (inline CSS and script, no external resource), so
 * it works without any network beyond the manager. The script (`DashboardScript.ts`) polls
 * `/dashboard/state` and redraws.
 */
import { dashboardScript } from "./DashboardScript.js"

const style = `
:root { --bg:#f5f6f8; --card:#fff; --ink:#1d2330; --muted:#6b7280; --line:#e3e6eb; --ok:#1a7f4b; --warn:#b7791f; --bad:#c53030; --accent:#2457c5; }
* { box-sizing:border-box; }
body { margin:0; font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; background:var(--bg); color:var(--ink); }
header { display:flex; align-items:center; gap:12px; padding:10px 20px; background:#1d2330; color:#fff; flex-wrap:wrap; }
header h1 { font-size:17px; margin:0; font-weight:600; }
header .spacer { flex:1; }
header form { margin:0; }
header label { color:#cfd6e4; font-size:12px; display:flex; align-items:center; gap:4px; cursor:pointer; }
header button { background:transparent; color:#cfd6e4; border:1px solid #4a5468; border-radius:4px; padding:3px 10px; cursor:pointer; }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; background:#e5e9f2; color:#334; white-space:nowrap; }
.badge.active, .badge.done, .badge.approved { background:#dcf3e6; color:var(--ok); }
.badge.suspended, .badge.skipped, .badge.expired, .badge.rejected, .badge.superseded { background:#eceff3; color:var(--muted); }
.badge.partial, .badge.waking, .badge.suspending, .badge.recommended, .badge.pending, .badge.executing, .badge.open { background:#fdf0d5; color:var(--warn); }
.badge.failed, .badge.blackout { background:#fde2e2; color:var(--bad); }
.badge.mode { background:#2d3a56; color:#fff; }
main { padding:14px 20px; display:grid; gap:14px; }
section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px 14px; min-width:0; }
section h2 { font-size:13px; margin:0 0 10px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); display:flex; gap:10px; align-items:baseline; flex-wrap:wrap; }
section h2 .counts { text-transform:none; letter-spacing:0; font-weight:400; }
.cards { display:grid; grid-template-columns:repeat(auto-fill,minmax(140px,1fr)); gap:10px; }
.stat { border:1px solid var(--line); border-radius:6px; padding:7px 10px; }
.stat .value { font-size:21px; font-weight:600; }
.stat .label { color:var(--muted); font-size:12px; }
.stat.alert .value { color:var(--bad); }
.stat.good .value { color:var(--ok); }
.toolbar { display:flex; gap:8px; align-items:center; flex-wrap:wrap; margin-bottom:8px; }
.toolbar input[type=search] { padding:5px 8px; border:1px solid var(--line); border-radius:4px; min-width:240px; }
.toolbar select, .pager button { padding:4px 8px; border:1px solid var(--line); border-radius:4px; background:#fff; }
.chip { border:1px solid var(--line); background:#fff; border-radius:14px; padding:2px 10px; font-size:12px; cursor:pointer; }
.chip.on { background:var(--accent); border-color:var(--accent); color:#fff; }
.pager { display:flex; gap:6px; align-items:center; margin-left:auto; font-size:12px; color:var(--muted); }
.pager button:disabled { opacity:.4; }
table { width:100%; border-collapse:collapse; font-size:13px; }
th, td { text-align:left; padding:4px 6px; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:600; font-size:12px; white-space:nowrap; }
th.sort { cursor:pointer; user-select:none; }
th.sort.asc::after { content:" \\25B2"; font-size:9px; }
th.sort.desc::after { content:" \\25BC"; font-size:9px; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
td.nowrap, td.actions { white-space:nowrap; }
tr.host { cursor:pointer; }
tr.host:hover td { background:#f7f9fc; }
tr.host.suspended td { color:var(--muted); }
tr.detail td { background:#fafbfc; }
.meter { display:inline-block; width:70px; height:7px; background:#edf0f4; border-radius:4px; overflow:hidden; margin-right:6px; vertical-align:middle; }
.meter span { display:block; height:100%; background:var(--accent); }
.meter.high span { background:var(--bad); }
.vms { list-style:none; margin:4px 0 0; padding:0; font-size:12px; }
.vms li { display:flex; justify-content:space-between; align-items:center; gap:6px; padding:1px 0; border-top:1px dashed var(--line); }
.vms code { overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.vmgrid { display:grid; grid-template-columns:repeat(auto-fill,minmax(300px,1fr)); gap:0 16px; }
svg.spark { display:block; }
button.approve { background:var(--ok); color:#fff; border:0; border-radius:4px; padding:4px 10px; cursor:pointer; }
button.reject { background:#fff; color:var(--bad); border:1px solid var(--bad); border-radius:4px; padding:3px 10px; cursor:pointer; margin-left:4px; }
button.link { background:none; border:0; color:var(--accent); cursor:pointer; padding:0; font:inherit; }
.two { display:grid; grid-template-columns:1fr 1fr; gap:14px; }
@media (max-width:1000px) { .two { grid-template-columns:1fr; } }
pre { max-height:240px; overflow:auto; background:#f0f2f5; padding:8px; font-size:11px; }
.muted { color:var(--muted); }
.small { font-size:12px; }
.error:empty, .policy:empty { display:none; }
.policy { margin-top:8px; font-size:12px; color:var(--muted); }
.error { color:var(--bad); font-weight:600; }
details.actions summary { cursor:pointer; color:var(--ink); }
.effect { font-size:12px; color:var(--muted); }
.effect b { color:var(--ink); font-weight:600; }
dialog { border:1px solid var(--line); border-radius:8px; padding:16px 18px; max-width:640px; width:90vw; }
dialog::backdrop { background:rgba(20,25,35,.45); }
dialog h3 { margin:0 0 8px; font-size:16px; }
dialog .summary { font-weight:600; margin:8px 0; }
dialog .list { max-height:300px; overflow:auto; border:1px solid var(--line); border-radius:4px; padding:4px 8px; font-size:13px; }
dialog .list label { display:block; padding:1px 0; }
dialog .buttons { display:flex; gap:8px; justify-content:flex-end; margin-top:12px; }
dialog .buttons button { border-radius:4px; padding:5px 12px; cursor:pointer; border:1px solid var(--line); background:#fff; }
dialog .buttons button.approve { background:var(--ok); color:#fff; border:0; }
.login { max-width:360px; margin:80px auto; background:var(--card); border:1px solid var(--line); border-radius:8px; padding:20px; }
.login input { width:100%; padding:7px; margin:8px 0 12px; border:1px solid var(--line); border-radius:4px; }
.login button { background:var(--accent); color:#fff; border:0; border-radius:4px; padding:7px 14px; cursor:pointer; }
`

const layout = (nonce: string, body: string, withScript: boolean): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Neat dashboard</title><link rel="icon" href="data:,"><style>${style}</style></head>
<body>${body}${withScript ? `<script nonce="${nonce}">${dashboardScript}</script>` : ""}</body></html>`

/** The page for a logged-in operator. */
export const dashboardPage = (nonce: string): string =>
  layout(
    nonce,
    `<header><h1>Neat global manager</h1><span class="badge mode" id="mode"></span><span class="spacer"></span>
<span id="updated" data-testid="updated"></span><label title="show times in UTC rather than the browser's time zone"><input type="checkbox" id="utc" data-testid="utc"> UTC</label>
<form method="post" action="/dashboard/logout"><button type="submit">Log out</button></form></header>
<main>
<div id="notice" class="error" data-testid="notice"></div><div id="cloud-error" class="error"></div>
<section><h2>Overview</h2><div class="cards" id="stats"></div><div class="policy" id="policy" data-testid="policy"></div></section>
<section><h2>Power and energy</h2><div class="cards" id="energy" data-testid="energy"></div><div class="policy" id="energy-since"></div></section>
<section id="windows-section" hidden><h2>Windows</h2><div id="windows" data-testid="windows"></div></section>
<section><h2>Hosts</h2>
<div class="toolbar"><input type="search" id="host-search" data-testid="host-search" placeholder="search a host or a VM" aria-label="search a host or a VM">
<span id="power-filter" class="toolbar" style="margin:0"></span>
<span class="pager"><span id="hosts-range" data-testid="hosts-range"></span>
<select id="host-page-size" aria-label="hosts per page"><option>25</option><option selected>50</option><option>100</option><option>250</option></select>
<button type="button" id="hosts-prev" data-testid="hosts-prev">‹ prev</button><button type="button" id="hosts-next" data-testid="hosts-next">next ›</button></span></div>
<table id="hosts-table"><thead><tr><th class="sort" data-key="name">host</th><th class="sort" data-key="power">power</th><th class="sort" data-key="cpu">CPU</th><th class="sort" data-key="ram">RAM</th><th class="sort num" data-key="vms">VMs</th><th class="sort num" data-key="watts">W</th><th></th></tr></thead><tbody id="hosts" data-testid="hosts"></tbody></table></section>
<section><h2>Plans <span class="counts" id="plan-counts" data-testid="plan-counts"></span></h2>
<div class="toolbar"><span id="plan-filter"><button type="button" class="chip" data-filter="pending" data-testid="plans-pending">pending</button> <button type="button" class="chip" data-filter="all" data-testid="plans-all">all</button></span>
<span class="pager"><span id="plans-range" data-testid="plans-range"></span><button type="button" id="plans-prev">‹ prev</button><button type="button" id="plans-next">next ›</button></span></div>
<table><thead><tr><th>plan</th><th>for</th><th>actions</th><th>status</th><th>made</th><th></th></tr></thead><tbody id="plans"></tbody></table></section>
<section><h2>Errors by class</h2><table><thead><tr><th>class</th><th class="num">count</th><th>latest</th><th>message</th></tr></thead><tbody id="errors" data-testid="errors"></tbody></table></section>
<div class="two">
<section><h2>Recent decisions</h2><table><thead><tr><th>id</th><th>time</th><th>request</th><th>outcome</th><th>why</th></tr></thead><tbody id="decisions"></tbody></table>
<details id="decisions-all" class="small"><summary>the last 25</summary></details></section>
<section><h2>Recent migrations</h2><table><thead><tr><th>time</th><th>VM</th><th>to</th></tr></thead><tbody id="migrations"></tbody></table>
<h2 style="margin-top:14px">Failed migrations</h2><table><thead><tr><th>decision</th><th>VM</th><th>move</th><th>reason</th></tr></thead><tbody id="failures"></tbody></table></section>
</div>
<section><h2>Metrics</h2><details id="metrics-details"><summary>Prometheus text (/metrics)</summary><pre id="metrics"></pre></details></section>
</main>
<dialog id="confirm" data-testid="confirm"><div id="confirm-body"></div><div class="buttons"><button type="button" id="confirm-cancel" data-testid="confirm-cancel">Cancel</button><button type="button" class="approve" id="confirm-ok" data-testid="confirm-ok">Approve</button></div></dialog>`,
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
