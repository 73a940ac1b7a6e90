/**
 * The latency bench's stage marks (src/core/latency-trace.ts), on in this test's own process
 * (node --test runs each file in one): a mark reaches the thread's file under the key of the
 * request it was made for, also through the objects that request became, on the clock the
 * other processes share; a mark without a key is no mark.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { threadId } from 'node:worker_threads';
import { eventually } from '../support/eventually.js';

const dir = mkdtempSync(join(os.tmpdir(), 'herald-trace-test-'));
process.env.HERALD_LATENCY_TRACE = dir;
const trace = await import('../../src/core/latency-trace.js');
const file = join(dir, `${process.pid}-${threadId}.tsv`);

function lines(): string[][] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')) : [];
}

describe('latency stage marks', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes each mark under the key its request was tagged with, carried from object to object, with the shared monotonic time', async () => {
    const publish = {};
    const notification = {};
    const request = {};
    trace.tagKey(publish, 'p42');
    trace.carryKey(publish, notification);
    trace.carryKey(notification, request);
    const before = process.hrtime.bigint();
    trace.mark('apns.sent', trace.keyOf(request));
    trace.mark('untagged', trace.keyOf({}));
    const after = process.hrtime.bigint();

    await eventually(() => lines().some(([stage]) => stage === 'apns.sent'), 'the mark in the trace file');
    const marks = lines().filter(([stage]) => stage !== 'gc');
    assert.deepEqual(
      marks.map(([stage, key]) => [stage, key]),
      [['apns.sent', 'p42']],
    );
    const at = BigInt(marks[0]![2]!);
    assert.ok(at >= before && at <= after, `${at} within [${before}, ${after}]`);
  });
});
