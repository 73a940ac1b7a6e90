/**
 * The component stream read on the main thread, per stanza: framed (StanzaFramer: each stanza's
 * text, found by native searches) against parsed (StreamParser: saxes, an Element per stanza).
 * The stream is XEP-0357 publish IQs as an XMPP server sends them (bench/e2e `publishTexts`),
 * written in 16 KiB chunks as TCP hands them over. A third row adds the strict parse of each
 * framed text, the work a shard then does, so the total cost is in view as well.
 *
 * Checked before timing: the framer's texts are the publishes exactly, and StreamParser's
 * elements are the same stanzas. Timing: paired rounds (each contestant in turn, the order
 * alternating), tinybench over whole streams; µs per stanza = mean per stream / stanzas, and CPU
 * per stanza from process.cpuUsage() around each contestant's run.
 *
 *   node dist/bench/framer.js [--rounds 3] [--time-ms 2000] [--stanzas 512] [--results DIR]
 *
 * After the table, a chart of each contestant's µs per stanza per round (and the medians) is
 * written to `--results` (default results/ under the current directory), named by `# chart:`.
 */
import assert from 'node:assert/strict';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { parseStanza } from '../src/xmpp/parse.js';
import { StanzaFramer } from '../src/xmpp/stanza-framer.js';
import { StreamParser, type StreamLimits } from '../src/xmpp/stream-parser.js';
import { publishTexts } from './e2e/herald-run.js';
import { RESULTS_OPTION, writeChart } from './shared/results.js';
import { roundCategories, roundsChart } from './shared/svg-chart.js';

const CHUNK_BYTES = 16 * 1024;
const LIMITS: StreamLimits = { maxBytes: 65_536, maxDepth: 32, cutoffBytes: 1_048_576 };
const HEADER = "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:component:accept' from='localhost' id='bench'>";

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    'time-ms': { type: 'string', default: '2000' },
    stanzas: { type: 'string', default: '512' },
    ...RESULTS_OPTION,
  },
});
const rounds = Number(values.rounds);
const timeMs = Number(values['time-ms']);
const stanzaCount = Number(values.stanzas);

const texts = publishTexts(stanzaCount, 'a'.repeat(64), 'com.example.app');
const stream = Buffer.from(texts.join(''));
const chunks: Buffer[] = [];
for (let at = 0; at < stream.length; at += CHUNK_BYTES) chunks.push(stream.subarray(at, at + CHUNK_BYTES));

let kept: unknown;

function framed(): string[] {
  const out: string[] = [];
  const framer = new StanzaFramer(LIMITS);
  framer.on('stanza', (text) => out.push(text));
  framer.on('error', (e) => assert.fail(e));
  framer.write(HEADER);
  for (const chunk of chunks) framer.write(chunk);
  return out;
}

function parsed(): string[] {
  const out: string[] = [];
  const parser = new StreamParser(LIMITS);
  parser.on('element', (el) => out.push(el.attrs.id as string));
  parser.on('error', (e) => assert.fail(e));
  parser.write(HEADER);
  for (const chunk of chunks) parser.write(chunk);
  return out;
}

function framedThenParsed(): number {
  let n = 0;
  for (const text of framed()) n += parseStanza(text, LIMITS).children.length;
  return n;
}

interface Contestant {
  name: string;
  run: () => unknown;
}

const contestants: Contestant[] = [
  { name: 'StreamParser: parse (Element per stanza)', run: parsed },
  { name: 'StanzaFramer: frame (text per stanza)', run: framed },
  { name: 'StanzaFramer + parseStanza of each text', run: framedThenParsed },
];

function check(): void {
  assert.deepEqual(framed(), texts, 'the framer hands over each publish exactly as written');
  assert.deepEqual(parsed(), texts.map((t) => /id=["']([^"']+)/.exec(t)![1]), 'the parser reads every publish');
  assert.equal(parseStanza(framed()[0]!, LIMITS).toString(), texts[0]);
}

interface Sample {
  usPerStanza: number;
  cpuUsPerStanza: number;
}

/** ms each contestant runs untimed before its timed run (JIT, caches). */
const WARMUP_MS = 250;

async function measure(c: Contestant): Promise<Sample> {
  for (const until = performance.now() + WARMUP_MS; performance.now() < until; ) kept = c.run();
  const bench = new Bench({ time: timeMs, warmup: false, timestampProvider: 'hrtimeNow', throws: true });
  bench.add(c.name, () => {
    kept = c.run();
  });
  const cpu = process.cpuUsage();
  await bench.run();
  const used = process.cpuUsage(cpu);
  const task = bench.getTask(c.name)!;
  const result = task.result;
  if (result?.state !== 'completed') throw new Error(`${c.name}: ${result?.state}`);
  return {
    usPerStanza: (result.latency.mean * 1000) / stanzaCount,
    cpuUsPerStanza: (used.user + used.system) / task.runs / stanzaCount,
  };
}

check();
const samples = new Map<string, Sample[]>(contestants.map((c) => [c.name, []]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? contestants : [...contestants].reverse();
  for (const c of order) samples.get(c.name)!.push(await measure(c));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(samples.get(contestants[0]!.name)!.map((s) => s.usPerStanza));
console.log(`${stanzaCount} publish IQs of ${Buffer.byteLength(texts[0]!)} bytes in ${chunks.length} chunks of ${CHUNK_BYTES} bytes; ${rounds} paired rounds of ${timeMs} ms each`);
console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
console.log('| contestant | µs/stanza (median of rounds) | per round | CPU µs/stanza | stanzas/s | vs StreamParser |');
console.log('|---|---:|---|---:|---:|---:|');
for (const c of contestants) {
  const s = samples.get(c.name)!;
  const us = median(s.map((x) => x.usPerStanza));
  const cpu = median(s.map((x) => x.cpuUsPerStanza));
  const perRound = s.map((x) => x.usPerStanza.toFixed(2)).join(' / ');
  console.log(`| ${c.name} | ${us.toFixed(2)} | ${perRound} | ${cpu.toFixed(2)} | ${Math.round(1e6 / us).toLocaleString('en')} | ${(base / us).toFixed(1)}× |`);
}
writeChart(
  values.results!,
  'framer',
  roundsChart({
    title: `Component stream read: ${stanzaCount} publish IQs per stream, ${rounds} paired rounds`,
    unit: 'µs/stanza',
    categories: roundCategories(rounds),
    series: contestants.map((c) => {
      const us = samples.get(c.name)!.map((x) => x.usPerStanza);
      return { name: c.name, values: [...us, median(us)] };
    }),
  }),
);
void kept;
