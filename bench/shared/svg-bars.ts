/**
 * A chart for benches that measure named quantities rather than rounds (issue 12, item 5): one
 * horizontal bar per quantity and contestant, each printed with its value. Quantities of one unit
 * share a panel and its scale; a bench measuring several units (enables/s, MiB, ms) draws one
 * panel each, top to bottom. Pure and deterministic as svg-chart.ts, and XML-escaped by its helpers.
 */
import { colour, escapeXml, finite, formatValue, frame, n, niceMax, text, WIDTH } from './svg-chart.js';

export interface BarsChart {
  title: string;
  /** Whose bars, one colour each, in the legend: contestants, or the one run measured. */
  series: readonly string[];
  /** Blocks of quantities sharing a unit and a scale, top to bottom. */
  panels: readonly BarPanel[];
}

export interface BarPanel {
  /** The panel's unit, above it: "µs of CPU per request". */
  unit: string;
  /** One row per measured quantity: its label and a value per series (NaN: not measured, drawn as 0 and printed "–"). */
  rows: ReadonlyArray<{ label: string; values: readonly number[] }>;
}

const TITLE_ROOM = 50;
const LEGEND_LINE = 18;
const UNIT_LINE = 22;
const BAR = 14;
const ROW_GAP = 8;
const PANEL_GAP = 16;
/** The quantities' labels end here (right-aligned); the bars start a little after. */
const LABEL_END = 330;
const BARS_FROM = 340;
/** Room right of the longest bar for its printed value. */
const BARS_TO = WIDTH - 90;
/** Labels longer than this (≈ the 330 px left of the bars at 12 px) are cut with "…", the whole label kept in the bar's tooltip: profile function names run long. */
const LABEL_MAX_CHARS = 48;

export function barsChart(c: BarsChart): string {
  const body: string[] = [];
  let y = TITLE_ROOM;
  c.series.forEach((name, k) => {
    body.push(`<rect x="${BARS_FROM}" y="${y}" width="12" height="12" fill="${colour(k)}"/>` + text(BARS_FROM + 18, y + 10, name, 'start'));
    y += LEGEND_LINE;
  });
  /** Each series' bars, gathered over the panels into one group per series. */
  const bars: string[][] = c.series.map(() => []);
  const rowHeight = BAR * Math.max(1, c.series.length) + ROW_GAP;
  for (const panel of c.panels) {
    y += PANEL_GAP;
    const max = niceMax(panel.rows.flatMap((r) => r.values));
    const panelTop = y + UNIT_LINE - 6;
    body.push(text(BARS_FROM, y + 12, `${panel.unit} (axis 0 – ${formatValue(max)})`, 'start', 'font-weight="bold"'));
    y += UNIT_LINE;
    for (const row of panel.rows) {
      body.push(text(LABEL_END, y + (rowHeight - ROW_GAP) / 2 + 4, shorten(row.label), 'end'));
      c.series.forEach((name, k) => {
        const v = row.values[k] ?? Number.NaN;
        const width = (finite(v) / max) * (BARS_TO - BARS_FROM);
        const top = y + BAR * k;
        bars[k]!.push(
          `<rect x="${BARS_FROM}" y="${n(top)}" width="${n(width)}" height="${BAR - 2}"><title>${escapeXml(`${row.label}, ${name}: ${formatValue(v)} ${panel.unit}`)}</title></rect>` +
            text(BARS_FROM + width + 4, top + BAR - 4, formatValue(v), 'start', 'fill="#000"'),
        );
      });
      y += rowHeight;
    }
    body.push(`<line x1="${BARS_FROM}" y1="${n(panelTop)}" x2="${BARS_FROM}" y2="${n(y - ROW_GAP / 2)}" stroke="#000"/>`);
  }
  const groups = c.series.map((name, k) => `<g class="series" data-name="${escapeXml(name)}" fill="${colour(k)}">${bars[k]!.join('')}</g>`);
  return [frame(c.title, Math.ceil(y + PANEL_GAP)), ...body, ...groups, '</svg>\n'].join('\n');
}

function shorten(label: string): string {
  return label.length <= LABEL_MAX_CHARS ? label : `${label.slice(0, LABEL_MAX_CHARS - 1)}…`;
}
