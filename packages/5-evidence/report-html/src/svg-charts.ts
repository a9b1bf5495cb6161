/**
 * Charts as inline SVG drawn here, server-side: the report must open with no network and no
 * scripts, so no chart library runs in the page. Each chart has a `viewBox` (it scales to a phone's
 * width), `role="img"` with a title and a description for screen readers, direct labels on its
 * reference lines, and dashed vs solid strokes so colour is never the only cue.
 */
import { html, joinHtml, type SafeHtml } from './html.ts';

export interface ChartSeries {
  readonly label: string;
  /** `[x, y]` in data units. */
  readonly points: readonly (readonly [number, number])[];
  /** CSS class of the stroke (see the page styles): `s-main`, `s-alt`. */
  readonly className: string;
}

export interface ReferenceLine {
  readonly y: number;
  readonly label: string;
  /** `r-null` (dashed grey) or `r-threshold` (dashed red). */
  readonly className: string;
}

export interface LineChartOptions {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  readonly referenceLines?: readonly ReferenceLine[];
  readonly formatX?: (x: number) => string;
  readonly formatY?: (y: number) => string;
  /** Force the y range to include these values. */
  readonly yInclude?: readonly number[];
  /** Integer ticks only (e.g. powers of ten). */
  readonly integerYTicks?: boolean;
}

const WIDTH = 640;
const HEIGHT = 300;
const MARGIN = { left: 72, right: 30, top: 18, bottom: 58 };

/** Round tick values covering [min, max], about `count` of them (Heckbert, "Nice numbers for graph labels", Graphics Gems 1990). */
export function niceTicks(min: number, max: number, count = 5, integer = false): number[] {
  if (!(max > min)) max = min + 1;
  const nice = (x: number, round: boolean) => {
    const e = Math.floor(Math.log10(x));
    const f = x / 10 ** e;
    const n = round ? (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) : f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return n * 10 ** e;
  };
  let step = nice(nice(max - min, false) / Math.max(1, count - 1), true);
  if (integer) step = Math.max(1, Math.round(step));
  const start = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = start; ; v += step) {
    ticks.push(Number(v.toPrecision(12)));
    if (v >= max - step * 1e-9) break;
  }
  return ticks;
}

function defaultFormat(v: number): string {
  if (Math.abs(v) >= 10_000) return `${Number((v / 1000).toPrecision(3))}k`;
  return Number(v.toPrecision(4)).toString();
}

const r1 = (v: number) => Math.round(v * 10) / 10;

export function lineChart(o: LineChartOptions): SafeHtml {
  const all = o.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = [...all.map((p) => p[1]), ...(o.referenceLines ?? []).map((r) => r.y), ...(o.yInclude ?? [])];
  const xTicks = niceTicks(0, Math.max(1, ...xs), 5, true);
  const yTicks = niceTicks(Math.min(...ys), Math.max(...ys), 5, o.integerYTicks ?? false);
  const x0 = xTicks[0]!;
  const x1 = xTicks[xTicks.length - 1]!;
  const y0 = yTicks[0]!;
  const y1 = yTicks[yTicks.length - 1]!;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => r1(MARGIN.left + ((x - x0) / (x1 - x0 || 1)) * plotW);
  const sy = (y: number) => r1(MARGIN.top + plotH - ((y - y0) / (y1 - y0 || 1)) * plotH);
  const fx = o.formatX ?? defaultFormat;
  const fy = o.formatY ?? defaultFormat;
  const titleId = `${o.id}-title`;
  const descId = `${o.id}-desc`;

  const grid = yTicks.map(
    (t) => html`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${sy(t)}" y2="${sy(t)}"/><text class="tick" x="${MARGIN.left - 8}" y="${sy(t) + 4}" text-anchor="end">${fy(t)}</text>`,
  );
  const xAxis = xTicks.map(
    (t) => html`<line class="axis" x1="${sx(t)}" x2="${sx(t)}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 5}"/><text class="tick" x="${sx(t)}" y="${MARGIN.top + plotH + 20}" text-anchor="middle">${fx(t)}</text>`,
  );
  const refs = (o.referenceLines ?? []).map(
    (r) =>
      html`<line class="${r.className}" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${sy(r.y)}" y2="${sy(r.y)}"/><text class="ref-label ${r.className}-label" x="${WIDTH - MARGIN.right - 4}" y="${sy(r.y) - 6}" text-anchor="end">${r.label}</text>`,
  );
  const lines = o.series.map((s) => {
    const d = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p[0])},${sy(p[1])}`).join(' ');
    const dots = s.points.length <= 80 ? s.points.map((p) => html`<circle class="${s.className}-dot" cx="${sx(p[0])}" cy="${sy(p[1])}" r="2.5"/>`) : [];
    return html`<g><title>${s.label}</title><path class="${s.className}" d="${d}"/>${dots}</g>`;
  });
  return html`<svg class="chart" id="${o.id}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-labelledby="${titleId} ${descId}" xmlns="http://www.w3.org/2000/svg">
<title id="${titleId}">${o.title}</title><desc id="${descId}">${o.description}</desc>
${grid}
<line class="axis" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}"/>
<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}"/>
${xAxis}
${refs}
${lines}
<text class="axis-label" x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle">${o.xLabel}</text>
<text class="axis-label" transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${o.yLabel}</text>
</svg>`;
}

export interface BarRow {
  readonly label: string;
  /** One value per bar group entry (same order as `BarChartOptions.bars`). */
  readonly values: readonly number[];
  /** Text after the bars (default: the values). */
  readonly note?: string;
}

export interface BarChartOptions {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly bars: readonly { readonly label: string; readonly className: string }[];
  readonly rows: readonly BarRow[];
  /** Value of a full-width bar (default: the largest value). */
  readonly max?: number;
  readonly formatValue?: (v: number) => string;
  readonly xLabel: string;
}

/** Horizontal grouped bars, one group per row: readable at phone width with long row labels. */
export function barChart(o: BarChartOptions): SafeHtml {
  const labelW = 190;
  const noteW = 120;
  const barH = 12;
  const gap = 3;
  const groupH = o.bars.length * (barH + gap) + 10;
  const top = 10;
  const height = top + o.rows.length * groupH + 40;
  const plotW = WIDTH - labelW - noteW - 10;
  const max = o.max ?? Math.max(1e-12, ...o.rows.flatMap((r) => r.values));
  const fv = o.formatValue ?? ((v: number) => v.toFixed(3));
  const titleId = `${o.id}-title`;
  const descId = `${o.id}-desc`;
  const truncate = (s: string) => (s.length > 28 ? `${s.slice(0, 27)}…` : s);
  const groups = o.rows.map((row, i) => {
    const y = top + i * groupH;
    const bars = row.values.map((v, j) => {
      const w = r1(Math.max(0, Math.min(1, v / max)) * plotW);
      const by = y + j * (barH + gap);
      return html`<rect class="${o.bars[j]!.className}" x="${labelW}" y="${by}" width="${Math.max(w, 0.5)}" height="${barH}"><title>${o.bars[j]!.label}: ${fv(v)}</title></rect>`;
    });
    const mid = y + (o.bars.length * (barH + gap)) / 2 + 2;
    return html`<g><text class="tick" x="${labelW - 8}" y="${mid}" text-anchor="end">${truncate(row.label)}<title>${row.label}</title></text>${bars}<text class="tick" x="${labelW + plotW + 8}" y="${mid}">${row.note ?? row.values.map(fv).join(' vs ')}</text></g>`;
  });
  const axisY = top + o.rows.length * groupH;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map(
    (f) => html`<line class="axis" x1="${r1(labelW + f * plotW)}" x2="${r1(labelW + f * plotW)}" y1="${axisY}" y2="${axisY + 4}"/><text class="tick" x="${r1(labelW + f * plotW)}" y="${axisY + 17}" text-anchor="middle">${fv(f * max)}</text>`,
  );
  return html`<svg class="chart bars" id="${o.id}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="${titleId} ${descId}" xmlns="http://www.w3.org/2000/svg">
<title id="${titleId}">${o.title}</title><desc id="${descId}">${o.description}</desc>
<line class="axis" x1="${labelW}" x2="${labelW}" y1="${top - 4}" y2="${axisY}"/>
<line class="axis" x1="${labelW}" x2="${labelW + plotW}" y1="${axisY}" y2="${axisY}"/>
${joinHtml(groups, '\n')}
${ticks}
<text class="axis-label" x="${labelW + plotW / 2}" y="${height - 4}" text-anchor="middle">${o.xLabel}</text>
</svg>`;
}

/** The legend under a chart, in HTML (it wraps on a phone), with stroke samples matching the chart. */
export function chartLegend(items: readonly { readonly label: string; readonly className: string; readonly kind: 'line' | 'bar' }[]): SafeHtml {
  return html`<ul class="legend">${items.map(
    (i) =>
      html`<li><svg width="28" height="12" viewBox="0 0 28 12" aria-hidden="true">${
        i.kind === 'line' ? html`<line class="${i.className}" x1="1" x2="27" y1="6" y2="6"/>` : html`<rect class="${i.className}" x="1" y="1" width="26" height="10"/>`
      }</svg> ${i.label}</li>`,
  )}</ul>`;
}
