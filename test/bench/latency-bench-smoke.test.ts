/**
 * Runs the latency benchmark (bench/latency.ts) at a toy size, so that a change to Herald's REST
 * API, its component link or `herald start` that breaks it fails the tests instead of the next
 * benchmark run. Checks that it finishes with its table and verdicts; never the figures.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chartOf, texts } from './svg-document.js';

const run = promisify(execFile);
/** A hung benchmark fails the test instead of the suite; the toy run takes ~12 s on 2 busy cores. */
const BENCH_TIMEOUT_MS = 90_000;
const NUMBER = '\\d+\\.\\d\\d';

describe('the latency benchmark (smoke, toy size)', () => {
  it('measures both paths: the maximum, then Herald and the APNS server alone at each rate, says whether the target is met, and charts it', async () => {
    const path = fileURLToPath(new URL('../../bench/latency.js', import.meta.url));
    const results = mkdtempSync(join(tmpdir(), 'herald-latency-results-'));
    const args = ['--seconds', '0.5', '--rounds', '1', '--warmup', '0', '--rates', '25,50', '--results', results];
    let stdout: string;
    try {
      ({ stdout } = await run(process.execPath, [path, ...args], { timeout: BENCH_TIMEOUT_MS, maxBuffer: 16 * 2 ** 20 }));
      // One chart per path: p50 and p99 vs offered load, Herald's and the APNS server's alone.
      for (const [name, label] of [['latency-rest', 'Herald REST v3'], ['latency-component', 'Herald component']] as const) {
        const chart = chartOf(stdout, name);
        assert.deepEqual(chart.series, [`${label} p50`, `${label} p99`, 'APNS alone p50', 'APNS alone p99']);
        assert.ok(texts(chart.root).includes('offered load, requests/s'));
      }
    } finally {
      rmSync(results, { recursive: true, force: true });
    }

    assert.match(stdout, /^# command: node dist\/bench\/latency\.js --seconds 0\.5 --rounds 1 --warmup 0 --rates 25,50 --results \S+$/m);
    for (const [path, how, label] of [
      ['rest', 'closed loop, 50 connections', 'Herald REST v3'],
      ['component', 'closed loop, 250 in flight', 'Herald component'],
    ] as const) {
      const max = new RegExp(`^\\| +${path} \\| +max \\(${how}\\) \\| +Herald \\| +– \\| +– \\| +(\\d+) \\| +${NUMBER} \\|.* \\| +0 / 0 \\|$`, 'm').exec(stdout);
      assert.ok(max && Number(max[1]) > 0, `a maximum for ${path} in\n${stdout}`);
      for (const percent of [25, 50]) {
        for (const who of [label, 'APNS alone']) {
          // scheduled, sent, answered /s, p50, p99, p99.9, max, p99 from send, lag p99 / max, CPU columns, failed / lost.
          const row = new RegExp(
            `^\\| +${path} \\| +${percent} % \\| +${who} \\| +\\d+ \\| +\\d+ \\| +\\d+ \\|( +${NUMBER} \\|){5} +${NUMBER} / ${NUMBER} \\| .+ \\| +\\d+ / \\d+ \\|$`,
            'm',
          );
          assert.match(stdout, row, `${path} ${percent} % ${who}`);
        }
      }
      assert.match(
        stdout,
        new RegExp(`^${path}: at 50 % of the maximum \\(\\d+/s\\) p99 from scheduled send to answer ${NUMBER} ms \\(APNS benchmark server alone at that rate: ${NUMBER} ms; difference -?${NUMBER} ms; from the actual send, without the generator's lateness: ${NUMBER} ms, alone ${NUMBER} ms\\); target p99 ≤ 2 ms: (met|NOT met)`, 'm'),
      );
    }
  });
});
