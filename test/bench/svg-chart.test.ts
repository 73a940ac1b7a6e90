/** The benchmarks' charts (bench/shared/svg-chart.ts): well-formed, complete, escaped, deterministic. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadChart, niceMax, roundsChart, type LoadChart, type RoundsChart } from '../../bench/shared/svg-chart.js';
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

  it('every text is XML-escaped: names with markup stay text', () => {
    const evil = '<script>alert("x") & \'y\'</script>';
    const svg = roundsChart({ ...ROUNDS, title: evil, unit: '&', series: [{ name: evil, values: [1, 2, 3] }] });
    assert.doesNotMatch(svg, /<script>/);
    const root = parseSvg(svg);
    assert.deepEqual(seriesNames(root), [evil]);
    assert.ok(texts(root).includes(evil));
    assert.ok(texts(parseSvg(loadChart({ ...LOAD, xLabel: evil }))).includes(evil));
  });

  it('a run that measured nothing (NaN, Infinity, 0, missing values) still gives finite coordinates', () => {
    const odd = [{ name: 'broken', values: [Number.NaN, Number.POSITIVE_INFINITY, 0] }];
    parseSvg(roundsChart({ ...ROUNDS, series: odd }));
    parseSvg(loadChart({ ...LOAD, loads: [Number.NaN, 0, 1], series: odd }));
    parseSvg(roundsChart({ ...ROUNDS, series: [] }));
  });

  it('the same data gives the same bytes', () => {
    assert.equal(roundsChart(ROUNDS), roundsChart(structuredClone(ROUNDS)));
    assert.equal(loadChart(LOAD), loadChart(structuredClone(LOAD)));
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
