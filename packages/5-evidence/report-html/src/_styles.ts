/**
 * The page's one inline stylesheet (the CSP allows inline styles and nothing else). System fonts
 * only — a web font would be a network load. Colours: green/red token backgrounds after the
 * reference watermark visualizers, with contrast ≥ 4.5:1 for the text on them (WCAG 2.1 AA), and
 * an underline on green tokens so the sample reads without colour.
 */
export const STYLES = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --panel: #f6f8fa;
  --bad: #a40e26; --bad-bg: #ffebe9; --ok: #116329; --ok-bg: #dafbe1; --neutral: #6e5600; --neutral-bg: #fff8c5;
  --main: #0550ae; --alt: #8c959f; --threshold: #cf222e; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1rem 4rem; }
header.top { border-bottom: 1px solid var(--line); margin-bottom: 1rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.6rem 0 0.2rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 0.6rem; padding-top: 0.6rem; border-top: 1px solid var(--line); }
h3 { font-size: 1.08rem; margin: 1.4rem 0 0.4rem; }
p { margin: 0.5rem 0; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9em; }
code { overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.small { font-size: 0.9rem; }
.vh { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.verdict { border: 2px solid; border-radius: 10px; padding: 1rem 1.1rem; margin: 1rem 0; }
.verdict.bad { border-color: var(--bad); background: var(--bad-bg); }
.verdict.ok { border-color: var(--ok); background: var(--ok-bg); }
.verdict.neutral { border-color: var(--neutral); background: var(--neutral-bg); }
.verdict h2.label { margin: 0; padding: 0; border: 0; }
.verdict .label { font-weight: 700; letter-spacing: 0.04em; text-transform: uppercase; font-size: 0.85rem; }
.verdict .sentence { font-size: 1.22rem; font-weight: 600; line-height: 1.4; margin: 0.3rem 0 0.5rem; }
.verdict .rule, .verdict .tool { font-size: 0.92rem; }
.badge { display: inline-block; border-radius: 999px; padding: 0.05rem 0.6rem; font-size: 0.82rem; font-weight: 700; border: 1px solid; white-space: nowrap; }
.badge.bad { color: var(--bad); background: var(--bad-bg); border-color: var(--bad); }
.badge.ok { color: var(--ok); background: var(--ok-bg); border-color: var(--ok); }
.badge.neutral { color: var(--neutral); background: var(--neutral-bg); border-color: var(--neutral); }
.callout { border-left: 4px solid var(--line); background: var(--panel); padding: 0.5rem 0.9rem; margin: 0.8rem 0; border-radius: 0 6px 6px 0; }
.callout.bad { border-left-color: var(--bad); }
.callout.ok { border-left-color: var(--ok); }
.callout.neutral { border-left-color: var(--neutral); }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0.4rem 1rem; margin: 0.6rem 0; padding: 0; }
.facts div { background: var(--panel); border-radius: 6px; padding: 0.4rem 0.7rem; }
.facts dt { font-size: 0.8rem; color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.test { border: 1px solid var(--line); border-radius: 10px; padding: 0.8rem 1rem; margin: 1rem 0; }
.test h3 { margin-top: 0.1rem; display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: baseline; }
.test dl { display: grid; grid-template-columns: minmax(9rem, max-content) 1fr; gap: 0.25rem 1rem; margin: 0.6rem 0; }
.test dt { color: var(--muted); }
.test dd { margin: 0; }
.meaning { background: var(--panel); border-radius: 6px; padding: 0.5rem 0.8rem; }
.rate-bar { display: block; max-width: 22rem; height: auto; margin-top: 0.2rem; }
.scroll { overflow-x: auto; max-width: 100%; position: relative; }
table.kv { min-width: 0; }
.nowrap { white-space: nowrap; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.93rem; min-width: 100%; }
caption { text-align: left; font-weight: 600; padding: 0.2rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }
thead th { background: var(--panel); }
code.id { white-space: nowrap; }
td.hash { min-width: 16ch; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.leaked th, tr.leaked td { background: var(--bad-bg); }
figure { margin: 1rem 0; }
figcaption { font-size: 0.9rem; color: var(--muted); }
svg.chart { display: block; width: 100%; height: auto; max-width: 44rem; }
svg.chart text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--ink); }
svg.chart .tick { fill: var(--muted); }
svg.chart .axis-label { font-size: 13px; font-weight: 600; }
svg.chart .grid { stroke: #eaeef2; stroke-width: 1; }
svg.chart .axis { stroke: #8c959f; stroke-width: 1; }
.s-main { fill: none; stroke: var(--main); stroke-width: 2.5; }
.s-main-dot { fill: var(--main); }
.s-alt { fill: none; stroke: #8250df; stroke-width: 2; stroke-dasharray: 2 3; }
.s-alt-dot { fill: #8250df; }
.r-null { stroke: var(--alt); stroke-width: 2; stroke-dasharray: 8 5; }
.r-threshold { stroke: var(--threshold); stroke-width: 2; stroke-dasharray: 4 4; }
svg.chart .r-null-label { fill: #57606a; font-weight: 600; }
svg.chart .r-threshold-label { fill: var(--threshold); font-weight: 600; }
.b-main { fill: var(--main); }
.b-alt { fill: #afb8c1; }
.b-third { fill: #8250df; }
.legend { list-style: none; padding: 0; margin: 0.3rem 0; display: flex; flex-wrap: wrap; gap: 0.3rem 1.2rem; font-size: 0.9rem; }
.legend li { display: flex; align-items: center; gap: 0.35rem; }
.legend svg line, .legend svg rect { vector-effect: non-scaling-stroke; }
.token-legend { flex-direction: column; gap: 0.25rem; }
.token-legend li { display: block; }
.sample { white-space: pre-wrap; overflow-wrap: anywhere; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.92rem; line-height: 1.9; border: 1px solid var(--line); border-radius: 8px; padding: 0.7rem 0.9rem; background: #fff; }
.t { border-radius: 3px; padding: 0.05em 0; }
.t.g1, .t.g2, .t.g3 { text-decoration: underline; text-decoration-thickness: 2px; text-underline-offset: 3px; text-decoration-color: #116329; }
.t.g1 { background: #e6f7ea; } .t.g2 { background: #c6efcf; } .t.g3 { background: #a8e4b6; }
.t.r1 { background: #fdf0ef; } .t.r2 { background: #fcdcda; } .t.r3 { background: #f9c6c2; }
.t.u { color: #6e7781; background: transparent; }
.token-legend .t { padding: 0.05em 0.35em; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
ul.limits li { margin: 0.45rem 0; }
.verdict ul.lines { margin: 0.3rem 0 0.5rem; padding-left: 1.2rem; font-size: 0.95rem; }
details { margin: 0.8rem 0; }
summary { cursor: pointer; font-weight: 600; }
pre.json { background: var(--panel); padding: 0.7rem; border-radius: 6px; overflow-x: auto; max-height: 28rem; font-size: 0.8rem; }
.verify pre { background: var(--panel); padding: 0.5rem 0.7rem; border-radius: 6px; overflow-x: auto; }
footer { margin-top: 3rem; font-size: 0.85rem; color: var(--muted); border-top: 1px solid var(--line); padding-top: 0.8rem; }
@media (max-width: 36rem) {
  body { font-size: 15px; }
  h1 { font-size: 1.35rem; }
  .verdict .sentence { font-size: 1.08rem; }
  .test dl { grid-template-columns: 1fr; }
  .test dt { margin-top: 0.3rem; }
  /* Charts scale to about half size on a phone: enlarge their text (viewBox units) to stay legible. */
  svg.chart text { font-size: 17px; }
  svg.chart .axis-label { font-size: 17px; }
}
@media print { .scroll { overflow: visible; } details { display: block; } }
`;
