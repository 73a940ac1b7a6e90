/**
 * The benchmarks' charts (issue 12, item 5): standalone SVG 1.1 documents drawn from the figures a
 * bench prints in its table. Pure and deterministic (same data, same bytes): no dependency, no
 * clock, no randomness. Every text is XML-escaped (XML 1.0 §2.4: `<` and `&` never raw in
 * character data; `"` never raw in an attribute delimited by it).
 */

/** One contestant's values, in order (a round each, or a load each). */
export interface Series {
  name: string;
  values: readonly number[];
}

export interface RoundsChart {
  title: string;
  /** The values' unit, on the y axis: "pushes/s". */
  unit: string;
  /** The x axis' categories, one per value of each series: "round 1", "median". */
  categories: readonly string[];
  series: readonly Series[];
}

export interface LoadChart {
  title: string;
  /** The x axis: "offered load, requests/s". */
  xLabel: string;
  /** The y axis: "latency, ms". */
  yLabel: string;
  /** Offered loads, one per value of each series, ascending. */
  loads: readonly number[];
  /** One line each: "Herald REST v3 p99". */
  series: readonly Series[];
}

/** The x categories of a paired-rounds bench: "round 1" … "round n", then "median" (the verdict's). */
export function roundCategories(rounds: number): string[] {
  return [...Array.from({ length: rounds }, (_, i) => `round ${i + 1}`), 'median'];
}

export const WIDTH = 860;
const HEIGHT = 420;
/** Room for the title above, the tick labels and axis names left and below, the legend right (~40 characters). */
const PLOT = { left: 80, top: 50, right: 540, bottom: 350 };
const TICKS = 5;
/** Colour-blind-safe (Okabe–Ito), repeated past eight series. */
const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

/** XML 1.0 escaping of text and of double-quoted attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Grouped bars: one group per category (round), one bar per series (contestant). */
export function roundsChart(c: RoundsChart): string {
  const yMax = niceMax(allValues(c.series));
  const groupWidth = (PLOT.right - PLOT.left) / Math.max(1, c.categories.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, c.series.length);
  const parts: string[] = [frame(c.title), yAxis(yMax, c.unit)];
  c.categories.forEach((category, i) => {
    const x = PLOT.left + groupWidth * (i + 0.5);
    parts.push(text(x, PLOT.bottom + 18, category, 'middle'));
  });
  c.series.forEach((s, k) => {
    const bars = s.values.map((v, i) => {
      const x = PLOT.left + groupWidth * i + groupWidth * 0.1 + barWidth * k;
      const y = yOf(finite(v), yMax);
      return `<rect x="${n(x)}" y="${n(y)}" width="${n(barWidth)}" height="${n(PLOT.bottom - y)}"><title>${escapeXml(`${s.name}: ${formatValue(v)} ${c.unit}`)}</title></rect>`;
    });
    parts.push(`<g class="series" data-name="${escapeXml(s.name)}" fill="${colour(k)}">${bars.join('')}</g>`);
  });
  parts.push(legend(c.series), '</svg>\n');
  return parts.join('\n');
}

/** Lines over a numeric x axis: latency percentiles (one series each) against offered load. */
export function loadChart(c: LoadChart): string {
  const yMax = niceMax(allValues(c.series));
  const xMax = niceMax(c.loads);
  const xOf = (load: number): number => PLOT.left + (finite(load) / xMax) * (PLOT.right - PLOT.left);
  const parts: string[] = [frame(c.title), yAxis(yMax, c.yLabel)];
  for (let i = 0; i <= TICKS; i++) {
    const v = (xMax * i) / TICKS;
    parts.push(`<line x1="${n(xOf(v))}" y1="${PLOT.bottom}" x2="${n(xOf(v))}" y2="${PLOT.bottom + 5}" stroke="#000"/>`);
    parts.push(text(xOf(v), PLOT.bottom + 18, formatValue(v), 'middle'));
  }
  parts.push(text((PLOT.left + PLOT.right) / 2, PLOT.bottom + 40, c.xLabel, 'middle'));
  c.series.forEach((s, k) => {
    const points = s.values.map((v, i) => [xOf(c.loads[i] ?? 0), yOf(finite(v), yMax)] as const);
    const dots = points.map(([x, y], i) => `<circle cx="${n(x)}" cy="${n(y)}" r="3"><title>${escapeXml(`${s.name} at ${formatValue(c.loads[i] ?? 0)}: ${formatValue(s.values[i] ?? 0)}`)}</title></circle>`);
    parts.push(
      `<g class="series" data-name="${escapeXml(s.name)}" stroke="${colour(k)}" fill="${colour(k)}">` +
        `<polyline fill="none" stroke-width="2" points="${points.map(([x, y]) => `${n(x)},${n(y)}`).join(' ')}"/>${dots.join('')}</g>`,
    );
  });
  parts.push(legend(c.series), '</svg>\n');
  return parts.join('\n');
}

/** The document's head: XML declaration, <svg> root of `height` px, white background, the title. */
export function frame(title: string, height = HEIGHT): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">\n` +
    `<title>${escapeXml(title)}</title>\n` +
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>\n` +
    text(WIDTH / 2, 28, title, 'middle', 'font-size="15" font-weight="bold"')
  );
}

/** The y axis from 0 to `max`: ticks, grid lines, their values, and the unit. */
function yAxis(max: number, unit: string): string {
  const parts = [
    `<line x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${PLOT.bottom}" stroke="#000"/>`,
    `<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}" stroke="#000"/>`,
  ];
  for (let i = 0; i <= TICKS; i++) {
    const v = (max * i) / TICKS;
    const y = yOf(v, max);
    parts.push(`<line x1="${PLOT.left - 5}" y1="${n(y)}" x2="${PLOT.right}" y2="${n(y)}" stroke="${i === 0 ? '#000' : '#ddd'}"/>`);
    parts.push(text(PLOT.left - 8, y + 4, formatValue(v), 'end'));
  }
  const middle = (PLOT.top + PLOT.bottom) / 2;
  parts.push(text(20, middle, unit, 'middle', `transform="rotate(-90 20 ${n(middle)})"`));
  return parts.join('\n');
}

function legend(series: readonly Series[]): string {
  return series
    .map((s, k) => {
      const y = PLOT.top + 20 * k;
      return `<rect x="${PLOT.right + 20}" y="${y}" width="12" height="12" fill="${colour(k)}"/>` + text(PLOT.right + 38, y + 10, s.name, 'start');
    })
    .join('\n');
}

export function text(x: number, y: number, content: string, anchor: 'start' | 'middle' | 'end', extra = ''): string {
  return `<text x="${n(x)}" y="${n(y)}" text-anchor="${anchor}"${extra ? ` ${extra}` : ''}>${escapeXml(content)}</text>`;
}

function yOf(v: number, max: number): number {
  return PLOT.bottom - (v / max) * (PLOT.bottom - PLOT.top);
}

/** A missing figure (NaN, ±Infinity: a run that answered nothing) is drawn as 0, never as a broken coordinate. */
export function finite(v: number): number {
  return Number.isFinite(v) && v > 0 ? v : 0;
}

function allValues(series: readonly Series[]): number[] {
  return series.flatMap((s) => s.values);
}

/** The axis' top: 1, 2, 2.5 or 5 × a power of ten at or above the largest value, so that ticks fall on round numbers. */
export function niceMax(values: readonly number[]): number {
  const max = Math.max(0, ...values.map(finite));
  if (max === 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= max) ?? 10;
  return step * power;
}

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (Math.abs(v) >= 100 || Number.isInteger(v)) return String(Math.round(v));
  return v.toFixed(2).replace(/\.?0+$/, '');
}

/** Coordinates rounded to 0.1 px: short, stable output. */
export function n(v: number): string {
  return String(Math.round(v * 10) / 10);
}

export function colour(k: number): string {
  return COLOURS[k % COLOURS.length]!;
}
