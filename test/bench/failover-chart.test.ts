/**
 * The failover bench's charts (bench/failover/chart.ts), from sample figures: the bench itself
 * needs PostgreSQL, Prosody and ejabberd and minutes of kills, too much for a smoke run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failoverCharts } from '../../bench/failover/chart.js';
import type { KillFigures } from '../../bench/failover/kill-cycle.js';
import { parseSvg, seriesNames, texts } from './svg-document.js';

const kill = (f: Partial<KillFigures>): KillFigures => ({
  victim: 1,
  lockMs: undefined,
  linkMs: undefined,
  firstServedMs: undefined,
  lastLostSentMs: undefined,
  messages: 20,
  lost: 0,
  duplicated: 0,
  ...f,
});

/** Prosody, one_holds_the_link: every kill taken over. */
const TAKEN_OVER = [
  kill({ lockMs: 100, linkMs: 130, firstServedMs: 180, lost: 2 }),
  kill({ lockMs: 300, linkMs: 340, firstServedMs: 400, lost: 4 }),
  kill({ lockMs: 200, linkMs: 220, firstServedMs: 260, lost: 3, duplicated: 1 }),
];
/** ejabberd, all_join: nothing to take over, no lock or link times. */
const ALL_JOIN = [kill({ firstServedMs: 50, lost: 1 }), kill({ firstServedMs: 70 })];

describe('failover charts', () => {
  it('draw each kill’s takeover times and the medians, and each kill’s lost and duplicated messages, per server', () => {
    const [ms, messages] = failoverCharts('prosody', 'Prosody 0.12, one_holds_the_link', TAKEN_OVER);
    assert.deepEqual([ms!.name, messages!.name], ['failover-prosody-ms', 'failover-prosody-messages']);
    const times = parseSvg(ms!.svg);
    assert.deepEqual(seriesNames(times), ['survivor holds the lock', 'survivor linked', 'first push of a message sent after the kill']);
    const words = texts(times);
    for (const label of ['kill 1', 'kill 3', 'median', 'ms after the kill']) assert.ok(words.includes(label), `"${label}"`);
    assert.ok(words.includes('survivor holds the lock: 200 ms after the kill'), 'the median of 100, 300 and 200');
    assert.ok(words.includes('first push of a message sent after the kill: 400 ms after the kill'), 'kill 2 as measured');
    const counts = parseSvg(messages!.svg);
    assert.deepEqual(seriesNames(counts), ['lost (no push)', 'duplicated pushes']);
    assert.ok(texts(counts).includes('lost (no push): 3 messages'), 'the median of 2, 4 and 3 lost');
  });

  it('a server without takeover (all_join) draws its missing lock and link times as dashes, never broken coordinates', () => {
    const [ms] = failoverCharts('ejabberd', 'ejabberd 23.01, all_join', ALL_JOIN);
    const words = texts(parseSvg(ms!.svg));
    assert.ok(words.includes('survivor holds the lock: – ms after the kill'), 'no lock time, no median');
    assert.ok(words.includes('first push of a message sent after the kill: 60 ms after the kill'), 'the median of 50 and 70');
  });
});
