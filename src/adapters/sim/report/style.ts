/** The reports' shared style sheet: system fonts, compact tables, quiet charts. */
export const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d1d1f;margin:24px auto;max-width:1240px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
p.note,p.sub{color:#555;margin:4px 0 12px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:13px}
th,td{padding:4px 8px;border-bottom:1px solid #e4e4e4;text-align:right;white-space:nowrap}
thead th{background:#f5f5f7;vertical-align:bottom;white-space:normal;min-width:64px}
tbody th{text-align:left;font-weight:600}
td.best{font-weight:700;background:#e9f6ee}
table.frozen .first{position:sticky;left:0;z-index:1;background:#fff;text-align:left;box-shadow:inset -1px 0 0 #ddd}
table.frozen thead .first{background:#f5f5f7;z-index:2}
div.params{font-weight:400;white-space:normal;max-width:260px;margin-top:2px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f3f3f3;padding:0 3px;border-radius:3px;margin-right:2px}
i.swatch{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;vertical-align:baseline}
figure{margin:12px 0 20px}
svg.chart{max-width:100%;height:auto;display:block;font-family:inherit}
svg .grid{stroke:#e6e6e6;stroke-width:1}
svg .frame{fill:none;stroke:#888;stroke-width:1}
svg .tick{font-size:11px;fill:#444}
svg .axis{font-size:12px;fill:#222}
svg .title{font-size:14px;font-weight:600;fill:#111}
svg .label{font-size:11px;fill:#222;paint-order:stroke;stroke:#fff;stroke-width:3px}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:4px 0 0 74px;font-size:12px}
.legend i{display:inline-block;width:14px;height:3px;margin-right:6px;vertical-align:middle}
`

/** Additions for the sweep report: linked highlighting, legends, intervals and box plots. */
export const SWEEP_STYLE = `
.scroll{max-width:100%;overflow-x:auto}
thead th.group{text-align:center;border-bottom:1px solid #ccc}
td.better{color:#0a7d38}td.worse{color:#b3261e}td.sig{font-weight:700}
td.label,th.label{text-align:left;white-space:nowrap}
td.day-best .value{display:inline-block;min-width:72px;color:#444;font-variant-numeric:tabular-nums}
thead tr+tr th{white-space:nowrap}
svg.mark{vertical-align:-1px;margin-right:6px}
[data-config]{cursor:pointer}
tr[data-config]:hover>*,tr.hl>*{background:#fff4c2}
.legend.cfg{display:grid;grid-template-columns:repeat(auto-fill,minmax(290px,1fr));gap:2px 16px;margin:6px 0 0 0}
.legend.cfg span{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;padding:0 4px;border-radius:3px}
.legend.cfg span.hl{background:#fff4c2}
.legend.cfg.lines{display:flex;flex-wrap:wrap;gap:2px 18px;margin-bottom:6px}
.legend.lines i{display:inline-block;width:22px;height:0;border-top-width:2px;margin-right:6px;vertical-align:middle}
svg .ci{fill:none;stroke-width:1.3;stroke-opacity:.75}
svg .line{fill:none;stroke-width:1.6;stroke-linejoin:round}
svg .rowlabel{font-size:11px;fill:#222}
svg .band{fill:transparent}
svg .row.hl .band{fill:#fff4c2}
svg .whisker{fill:none;stroke:#555;stroke-width:1}
svg .box{fill-opacity:.55;stroke:#333;stroke-width:.7}
svg .median{stroke:#111;stroke-width:2}
svg .day{fill:#111;fill-opacity:.45}
body.focus .pt:not(.hl){opacity:.13}
body.focus .pt.hl .line{stroke-width:3}
`
