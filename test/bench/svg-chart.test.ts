/** The benchmarks' charts (bench/shared/svg-chart.ts): well-formed, complete, escaped, deterministic. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadChart, niceMax, roundsChart, type LoadChart, type RoundsChart } from '../../bench/shared/svg-chart.js';
import { barsChart, type BarsChart } from '../../bench/shared/svg-bars.js';
import { parseSvg, parseXml, seriesNames, texts } from './svg-document.js';

const ROUNDS: RoundsChart = {
  title: 'APNS sender throughput',
  unit: 'pushes/s',
  categories: ['round 1', 'round 2', 'median'],
  series: [
    { name: 'Herald', values: [41_000, 39_500, 40_250] },
    { name: '@parse/node-apn', values: [12_000, 12_500, 12_250] },
    { name: 'bare node:http2', values: [45_000, 44_000, 44_500] },
  ],
};

const LOAD: LoadChart = {
  title: 'rest: latency vs offered load',
  xLabel: 'offered load, requests/s',
  yLabel: 'latency from scheduled send, ms',
  loads: [2000, 4000, 6000],
  series: [
    { name: 'Herald REST v3 p50', values: [0.4, 0.5, 0.9] },
    { name: 'Herald REST v3 p99', values: [1.1, 1.6, 4.2] },
    { name: 'APNS alone p99', values: [0.3, 0.35, 0.5] },
  ],
};

const BARS: BarsChart = {
  title: 'Herald shutdown with live users',
  series: ['Herald, 1000 users', 'Herald, 2000 users'],
  panels: [
    { unit: 'MiB', rows: [{ label: 'heap before close', values: [40, 80] }, { label: 'heap peak in close', values: [42, 83] }] },
    { unit: 'ms', rows: [{ label: 'close', values: [120, 260] }] },
  ],
};

/** The bar widths of one series' group, in the order drawn. */
function barWidths(root: ReturnType<typeof parseSvg>, series: string): number[] {
  const group = root.getChildren('g').find((g) => g.attrs['data-name'] === series)!;
  return group.getChildren('rect').map((r) => Number(r.attrs.width));
}

describe('benchmark charts', () => {
  it('a rounds chart is a well-formed SVG with one bar group per contestant, a bar per round, its title, unit, categories and legend', () => {
    const root = parseSvg(roundsChart(ROUNDS));
    assert.deepEqual(seriesNames(root), ['Herald', '@parse/node-apn', 'bare node:http2']);
    const groups = root.getChildren('g');
    for (const g of groups) assert.equal(g.getChildren('rect').length, 3, `${g.attrs['data-name']}: a bar per category`);
    const words = texts(root);
    for (const label of ['APNS sender throughput', 'pushes/s', 'round 1', 'round 2', 'median', 'Herald', '@parse/node-apn', 'bare node:http2']) {
      assert.ok(words.includes(label), `"${label}" in ${JSON.stringify(words)}`);
    }
    assert.ok(words.includes('50000'), 'the y axis reaches a round number above the largest value');
  });

  it('a load chart draws one line per percentile series over the offered loads, with both axes named', () => {
    const root = parseSvg(loadChart(LOAD));
    assert.deepEqual(seriesNames(root), ['Herald REST v3 p50', 'Herald REST v3 p99', 'APNS alone p99']);
    for (const g of root.getChildren('g')) {
      const points = String(g.getChild('polyline')?.attrs.points).split(' ');
      assert.equal(points.length, 3, 'a point per load');
      const xs = points.map((p) => Number(p.split(',')[0]));
      assert.deepEqual([...xs].sort((a, b) => a - b), xs, 'loads left to right');
    }
    const words = texts(root);
    for (const label of ['rest: latency vs offered load', 'offered load, requests/s', 'latency from scheduled send, ms', '6000']) {
      assert.ok(words.includes(label), `"${label}" in ${JSON.stringify(words)}`);
    }
  });

  it('a bars chart draws a bar per quantity and series, each panel on its own scale, with its unit, labels and printed values', () => {
    const root = parseSvg(barsChart(BARS));
    assert.deepEqual(seriesNames(root), ['Herald, 1000 users', 'Herald, 2000 users']);
    const [small, large] = [barWidths(root, 'Herald, 1000 users'), barWidths(root, 'Herald, 2000 users')];
    assert.equal(small.length, 3, 'a bar per quantity, over both panels');
    assert.ok(small[0]! < large[0]! && small[1]! < large[1]!, 'larger values, longer bars');
    // 260 ms fills its panel's axis (0 – 500) as 83 MiB fills its own (0 – 100) only because each panel has its own scale.
    assert.ok(Math.abs(large[2]! / large[1]! - (260 / 500) / (83 / 100)) < 0.01, `${large[2]} vs ${large[1]}`);
    const words = texts(root);
    for (const label of ['Herald shutdown with live users', 'heap before close', 'heap peak in close', 'close', 'MiB (axis 0 – 100)', 'ms (axis 0 – 500)', '83', '260']) {
      assert.ok(words.includes(label), `"${label}" in ${JSON.stringify(words)}`);
    }
  });

  it('a bars chart grows with its rows and cuts long labels, keeping the whole label in the tooltip', () => {
    const long = `${'veryLongFunctionName'.repeat(5)} file.js:12`;
    const rows = Array.from({ length: 30 }, (_, i) => ({ label: i === 0 ? long : `f${i}`, values: [i] }));
    const root = parseSvg(barsChart({ title: 'top functions', series: ['self µs/op'], panels: [{ unit: 'µs/op', rows }] }));
    assert.ok(Number(root.attrs.height) > 30 * 14, `height ${root.attrs.height} holds 30 rows`);
    const words = texts(root);
    assert.ok(!words.includes(long) && words.some((w) => w.endsWith('…') && long.startsWith(w.slice(0, -1))), 'the label is cut');
    assert.ok(words.includes(`${long}, self µs/op: 0 µs/op`), 'the tooltip names it whole');
  });

  it('every text is XML-escaped: names with markup stay text', () => {
    const evil = '<script>alert("x") & \'y\'</script>';
    const svg = roundsChart({ ...ROUNDS, title: evil, unit: '&', series: [{ name: evil, values: [1, 2, 3] }] });
    assert.doesNotMatch(svg, /<script>/);
    const root = parseSvg(svg);
    assert.deepEqual(seriesNames(root), [evil]);
    assert.ok(texts(root).includes(evil));
    assert.ok(texts(parseSvg(loadChart({ ...LOAD, xLabel: evil }))).includes(evil));
    const bars = parseSvg(barsChart({ title: evil, series: [evil], panels: [{ unit: evil, rows: [{ label: evil, values: [1] }] }] }));
    assert.deepEqual(seriesNames(bars), [evil]);
    assert.ok(texts(bars).includes(evil));
  });

  it('a run that measured nothing (NaN, Infinity, 0, missing values) still gives finite coordinates', () => {
    const odd = [{ name: 'broken', values: [Number.NaN, Number.POSITIVE_INFINITY, 0] }];
    parseSvg(roundsChart({ ...ROUNDS, series: odd }));
    parseSvg(loadChart({ ...LOAD, loads: [Number.NaN, 0, 1], series: odd }));
    parseSvg(roundsChart({ ...ROUNDS, series: [] }));
    const bars = parseSvg(barsChart({ title: 't', series: ['broken', 'absent'], panels: [{ unit: 'ms', rows: [{ label: 'a', values: odd[0]!.values }] }, { unit: 'B', rows: [] }] }));
    assert.ok(texts(bars).includes('–'), 'a missing figure is printed as a dash');
    parseSvg(barsChart({ title: 't', series: [], panels: [] }));
  });

  it('the same data gives the same bytes', () => {
    assert.equal(roundsChart(ROUNDS), roundsChart(structuredClone(ROUNDS)));
    assert.equal(loadChart(LOAD), loadChart(structuredClone(LOAD)));
    assert.equal(barsChart(BARS), barsChart(structuredClone(BARS)));
  });

  it('the axis tops are round numbers at or above the largest value', () => {
    assert.equal(niceMax([41_000, 45_000]), 50_000);
    assert.equal(niceMax([1.6, 4.2]), 5);
    assert.equal(niceMax([180]), 200);
    assert.equal(niceMax([0]), 1);
  });

  it('the checker itself refuses malformed XML', () => {
    assert.throws(() => parseXml('<svg><g></svg>'));
    assert.throws(() => parseXml('<svg><text>a < b</text></svg>'));
    assert.throws(() => parseXml('<svg>'));
  });
});
