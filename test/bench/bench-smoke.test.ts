/**
 * Runs issue 3's two load benchmarks at toy sizes, so that a change to the APNS sender, the APNS
 * benchmark server or simulator, the REST API or the library API that breaks them fails
 * `npm test` instead of the next benchmark run. Checks that each finishes and prints its result
 * lines; never the figures.
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
/** A hung benchmark fails the test instead of the suite; normal runs take a few seconds each. */
const BENCH_TIMEOUT_MS = 60_000;

function bench(script: string, args: string[]) {
  const path = fileURLToPath(new URL(`../../bench/${script}`, import.meta.url));
  return run(process.execPath, [path, ...args], { timeout: BENCH_TIMEOUT_MS, maxBuffer: 16 * 2 ** 20 });
}

describe('issue 3 benchmarks (smoke, tiny sizes)', () => {
  it('the sender benchmark runs Herald, node-apn and the bare loop on the APNS benchmark server, every push answered 200, and charts it', async () => {
    const results = mkdtempSync(join(tmpdir(), 'herald-sender-results-'));
    let stdout: string;
    try {
      ({ stdout } = await bench('sender.js', ['--pushes', '500', '--rounds', '1', '--results', results]));
      assert.deepEqual(chartOf(stdout, 'sender').series, ['Herald', '@parse/node-apn', 'bare node:http2'], 'a bar series per contestant');
    } finally {
      rmSync(results, { recursive: true, force: true });
    }
    assert.match(stdout, /^# APNS sender throughput: .+, on the APNS benchmark server — /m);
    assert.match(stdout, /^# command: node dist\/bench\/sender\.js --pushes 500 --rounds 1 --results \S+$/m);
    assert.match(stdout, /^# --pushes 500 --rounds 1 --connections 2 --in-flight 100 --window 250 --sender-threads .+ --server benchmark$/m);
    assert.match(stdout, /^# server: APNS benchmark server \(src\/simulators\/apns-benchmark/m);
    assert.match(
      stdout,
      /^round 1 \(.+\): Herald \d+\/s, @parse\/node-apn \d+\/s, bare node:http2 \d+\/s; all 1500 answered 200/m,
    );
    assert.match(stdout, /^\| +median \| +\d+ \| +\d+ \| +\d+ \| +\d+\.\d\d \| +\d+\.\d\d \|$/m);
    // 3 × (500 warm-up + 500): the server's own count matches what the contestants sent.
    assert.match(stdout, /^CPU per notification .+; the server answered 3000 requests, as many as were sent:$/m);
    assert.match(stdout, /^\| +Herald \| +\d+ \| +\d+ \| +\d+\.\d \|$/m, 'CPU per push, Herald and the server');
    assert.match(stdout, /^Herald \/ node-apn: median of the paired per-round ratios \d+\.\d{3}; target ≥ 1\.5: (met|NOT met)$/m);
    assert.match(stdout, /^Herald \/ bare: median of the paired per-round ratios \d+\.\d{3}; target ≥ 0\.9: (met|NOT met)$/m);
  });

  it('with --server simulator the sender benchmark runs on the accept-all APNS simulator instead', async () => {
    const results = mkdtempSync(join(tmpdir(), 'herald-sender-results-'));
    let stdout: string;
    try {
      ({ stdout } = await bench('sender.js', ['--pushes', '500', '--rounds', '1', '--server', 'simulator', '--results', results]));
    } finally {
      rmSync(results, { recursive: true, force: true });
    }
    assert.match(stdout, /^# APNS sender throughput: .+, on the APNS simulator \(accept-all\) — /m);
    assert.match(stdout, /^# server: APNS simulator \(src\/simulators\/apns on node:http2\), accept-all/m);
    assert.match(stdout, /^round 1 \(.+\): .+; all 1500 answered 200/m);
    assert.match(stdout, /^\| +Herald \| +\d+ \| +\d+ \| +\d+\.\d \|$/m, 'CPU per push, Herald and the simulator');
  });

  it('the REST benchmark loads Herald, the bare relay, bare node:http and bare node:https and reports req/s, p50, p99 and the ratios, and charts req/s', async () => {
    const results = mkdtempSync(join(tmpdir(), 'herald-rest-results-'));
    let stdout: string;
    try {
      ({ stdout } = await bench('rest.js', ['--duration', '1', '--rounds', '1', '--warmup', '0', '--connections', '10', '--results', results]));
      const targets = ['Herald REST v3 (https)', 'bare relay (https → http2)', 'bare node:http', 'bare node:https'];
      assert.deepEqual(chartOf(stdout, 'rest').series, targets, 'a bar series per target');
    } finally {
      rmSync(results, { recursive: true, force: true });
    }
    assert.match(stdout, /^# command: node dist\/bench\/rest\.js --duration 1 --rounds 1 --warmup 0 --connections 10 --results \S+$/m);
    for (const target of ['Herald REST v3 \\(https\\)', 'bare relay \\(https → http2\\)', 'bare node:http', 'bare node:https']) {
      // round, target, req/s, p50, p99, non-2xx, of which 429, errors, then the CPU columns.
      const row = new RegExp(`^\\| +1 \\| +${target} \\| +(\\d+) \\| +\\d+\\.\\d \\| +\\d+\\.\\d \\| +(\\d+) \\| +(\\d+) \\| +0 \\| .+ \\|$`, 'm');
      const m = row.exec(stdout);
      assert.ok(m, `a result row for ${target} in\n${stdout}`);
      assert.ok(Number(m[1]) > 0, `${target} answered requests`);
      assert.equal(m[2], m[3], `${target}: every non-2xx is a 429`);
    }
    assert.match(stdout, /^Herald \/ bare relay: median of the per-round req\/s ratios \d+\.\d\d \(target ≥ 0\.9: (met|not met)\); server CPU µs\/req \d+ \/ \d+$/m);
    assert.match(stdout, /^Herald \/ bare node:http: median of the per-round req\/s ratios \d+\.\d\d$/m);
    assert.match(stdout, /^Herald \/ bare node:https: median of the per-round req\/s ratios \d+\.\d\d$/m);
  });

  it('with --profile the REST benchmark profiles Herald and the relay, and rest-profile.js reprints the breakdown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-rest-profile-'));
    try {
      const { stdout } = await bench('rest.js', ['--profile', dir, '--duration', '1', '--rounds', '1', '--warmup', '0', '--connections', '10']);
      // One column group per target; HTTP/2 runs on Herald's sender threads and on the relay's main thread.
      assert.match(stdout, /^\| +µs of CPU per request \| herald main \| herald threads \| herald all \| relay main \| relay threads \| relay all \|$/m);
      assert.match(stdout, /^\| +HTTP\/2 client \(node:http2 \+ connection\) \| +[–\d.]+ \| +\d+\.\d \| +\d+\.\d \| +\d+\.\d \| +– \| +\d+\.\d \|$/m);
      assert.match(stdout, /^\| +REST JSON\.parse \+ validation \| +\d+\.\d \| .+ \| +– \| +– \| +– \|$/m, 'validation is Herald’s alone');
      assert.match(stdout, /^\| +requests in the window \| +\| +\| +[1-9]\d* \| +\| +\| +[1-9]\d* \|$/m);
      const again = await bench('rest-profile.js', [join(dir, 'herald'), join(dir, 'relay'), '--label', 'herald', '--label', 'ceiling', '--results', join(dir, 'charts')]);
      assert.match(again.stdout, /^\| +µs of CPU per request \| herald main \| herald threads \| herald all \| ceiling main \| ceiling threads \| ceiling all \|$/m);
      assert.match(again.stdout, /^\| +bare relay code \| +– \| +– \| +– \| +\d+\.\d \| +– \| +\d+\.\d \|$/m);
      const chart = chartOf(again.stdout, 'rest-profile');
      assert.deepEqual(chart.series, ['herald', 'ceiling'], 'a bar series per profiled folder');
      const words = texts(chart.root);
      for (const category of ['bare relay code', 'REST JSON.parse + validation', 'sampled busy (sum of the above)']) assert.ok(words.includes(category), `a bar for ${category}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
