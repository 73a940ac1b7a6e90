/**
 * A plugin that throws, rejects, is slow or answers nonsense cannot stop a push nor crash
 * Herald: each failed call is answered with the default (push; the summary as built), counted
 * in herald_plugin_failures_total{plugin,hook,kind}, logged once per kind and interval, and the
 * next message is served the same way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Herald } from '../../src/embed/engine.js';
import type { HeraldPlugin } from '../../src/plugins/plugin.js';
import { HeraldMetrics } from '../../src/push-service/ops/herald-metrics.js';
import { withPlugins, type PluginRig } from './harness.js';

const BOB = 'bob@localhost/laptop';
/** Short, so that a never-answering hook costs the test little; the plugins below overrun it by far. */
const BUDGET_MS = 25;

/** Two messages: both pushed with the default summary (sender as title and thread, body, badges 1 and 2). */
async function bothPushedAsDefault({ herald, apns, tell, aps }: PluginRig): Promise<void> {
  await tell(BOB, 'first');
  assert.deepEqual(await aps(1), { alert: { title: BOB, body: 'first' }, badge: 1, 'thread-id': BOB });
  await tell(BOB, 'second');
  assert.deepEqual(await aps(2), { alert: { title: BOB, body: 'second' }, badge: 2, 'thread-id': BOB });
  await herald.xmppServer.whenIdle();
  assert.equal(apns.received.length, 2);
}

async function failureMetrics(herald: Herald): Promise<string[]> {
  const failures = herald.figures().plugins ?? [];
  const text = await new HeraldMetrics().render({ services: [], actors: [], plugins: [{ failures }] });
  return text.split('\n').filter((line) => line.startsWith('herald_plugin_failures_total{'));
}

test('a plugin whose hooks throw or reject leaves every push as the default, counted and logged once per kind', async () => {
  const thrower: HeraldPlugin = {
    name: 'thrower',
    shouldPublish() {
      throw new Error('filter broke');
    },
    prepare: () => Promise.reject(new Error('format broke')),
    onPublishOutcome() {
      throw new TypeError('outcome broke');
    },
  };
  await withPlugins({ plugins: [thrower], hookBudgetMs: BUDGET_MS }, async (rig) => {
    await bothPushedAsDefault(rig);
    assert.deepEqual(await failureMetrics(rig.herald), [
      'herald_plugin_failures_total{plugin="thrower",hook="shouldPublish",kind="threw"} 2',
      'herald_plugin_failures_total{plugin="thrower",hook="prepare",kind="threw"} 2',
      'herald_plugin_failures_total{plugin="thrower",hook="onPublishOutcome",kind="threw"} 2',
    ]);
    const lines = rig.log.events('plugins.hook_failed');
    assert.deepEqual(
      lines.map((l) => [l.level, l.fields.plugin, l.fields.hook, l.fields.kind, l.fields.reason]),
      [
        ['warn', 'thrower', 'shouldPublish', 'threw', 'filter broke'],
        ['warn', 'thrower', 'prepare', 'threw', 'format broke'],
        ['warn', 'thrower', 'onPublishOutcome', 'threw', 'outcome broke'],
      ],
      'the second failure of each kind is folded into a later line',
    );
  });
});

test('a plugin that never answers, or answers after the budget, leaves every push as the default', async () => {
  const slow: HeraldPlugin = {
    name: 'slow',
    shouldPublish: () => new Promise<boolean>(() => {}),
    prepare: () => new Promise((resolve) => setTimeout(() => resolve({ body: 'too late', badge: 99 }), BUDGET_MS * 20).unref()),
  };
  await withPlugins({ plugins: [slow], hookBudgetMs: BUDGET_MS }, async (rig) => {
    await bothPushedAsDefault(rig);
    assert.deepEqual(await failureMetrics(rig.herald), [
      'herald_plugin_failures_total{plugin="slow",hook="shouldPublish",kind="timeout"} 2',
      'herald_plugin_failures_total{plugin="slow",hook="prepare",kind="timeout"} 2',
    ]);
  });
});

test('a plugin that answers the wrong type leaves every push as the default', async () => {
  const confused = {
    name: 'confused',
    shouldPublish: () => 'yes',
    prepare: () => ({ badge: -1, body: 'negative badge' }),
  } as unknown as HeraldPlugin;
  const typo = { name: 'typo', prepare: () => ({ tittle: 'a typo' }) } as unknown as HeraldPlugin;
  await withPlugins({ plugins: [confused, typo], hookBudgetMs: BUDGET_MS }, async (rig) => {
    await bothPushedAsDefault(rig);
    assert.deepEqual(await failureMetrics(rig.herald), [
      'herald_plugin_failures_total{plugin="confused",hook="shouldPublish",kind="bad_result"} 2',
      'herald_plugin_failures_total{plugin="confused",hook="prepare",kind="bad_result"} 2',
      'herald_plugin_failures_total{plugin="typo",hook="prepare",kind="bad_result"} 2',
    ]);
    const reasons = rig.log.events('plugins.hook_failed').map((l) => l.fields.reason);
    assert.deepEqual(reasons, ['expected true or false, got a string', 'badge must be a non-negative integer, got the number -1', 'unknown field "tittle"']);
  });
});
