/**
 * A scrape of a sharded Herald never waits on a stuck shard longer than shards.ops_timeout_ms:
 * the silent shard is reported `not_answering` (its entries failed, herald_shard_up 0), the
 * others as they answered, and an answer that comes after the scrape gave up is ignored. Shards
 * here are stand-ins whose ports record the `ops` asks and answer only when told to: a real
 * shard cannot be made to stall on cue.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineFigures } from '../../src/push-service/ops/engine-figures.js';
import type { HealthReport } from '../../src/push-service/ops/healthcheck.js';
import { ShardOps } from '../../src/shards/shard-ops.js';
import type { Shard } from '../../src/shards/shard-spawner.js';
import type { ToShard } from '../../src/shards/shard-protocol.js';

interface StandIn {
  shard: Shard;
  /** The ids of the `ops` asks this shard was sent. */
  asks: number[];
}

function standIn(index: number): StandIn {
  const asks: number[] = [];
  const port = { send: (item: ToShard) => item[0] === 'ops' && asks.push(item[1] as number) };
  return { shard: { index, alive: true, port } as unknown as Shard, asks };
}

/** The `shard` checks of a health report: component, status, state. */
function shardChecks(report: HealthReport): string[][] {
  const checks = (report.body.details.shard ?? []) as Array<{ componentId?: string; status: string; output: { state?: string } }>;
  return checks.map((c) => [c.componentId ?? '', c.status, c.output.state ?? '']);
}

const FIGURES: EngineFigures = { pools: [], actors: { users: 3, nodes: 4 } };

function opsOver(shards: Shard[], timeoutMs: number): ShardOps {
  return new ShardOps({
    shards: () => shards,
    timeoutMs,
    mainPools: [],
    releaseId: 'test',
    store: () => ({ usedBytes: 0, maxBytes: 1, full: false, refusedWrites: 0 }),
    connectionsPerShard: () => 1,
  });
}

test('a shard silent past shards.ops_timeout_ms is reported not answering while the others report, and its late answer is ignored', { timeout: 60_000 }, async () => {
  const quick = standIn(0);
  const stuck = standIn(1);
  const ops = opsOver([quick.shard, stuck.shard], 50);

  const health = ops.source.health();
  assert.equal(quick.asks.length, 1, 'shard 0 was asked');
  assert.equal(stuck.asks.length, 1, 'shard 1 was asked');
  ops.answered(quick.asks[0]!, FIGURES);
  const report = await health; // settles only through shard 1's timeout
  assert.deepEqual(shardChecks(report), [
    ['shard-0', 'pass', 'up'],
    ['shard-1', 'fail', 'not_answering'],
  ]);

  const metrics = ops.source.metrics(undefined);
  ops.answered(stuck.asks[0]!, FIGURES); // the first scrape's answer, too late: matches no ask
  ops.answered(quick.asks[1]!, FIGURES);
  const text = await metrics;
  assert.match(text, /^herald_shard_up\{shard="0"\} 1$/m);
  assert.match(text, /^herald_shard_up\{shard="1"\} 0$/m, 'the late answer did not count for the second scrape');

  const third = ops.source.metrics(undefined);
  ops.answered(quick.asks[2]!, FIGURES);
  ops.answered(stuck.asks[2]!, FIGURES);
  assert.match(await third, /^herald_shard_up\{shard="1"\} 1$/m, 'answering in time again: up again');
});

test('a shard that exits while a scrape waits on it is reported down at once, not at the timeout', { timeout: 60_000 }, async () => {
  const shard = standIn(0);
  // A timeout far beyond the test's own: the report can only come from the exit.
  const ops = opsOver([shard.shard], 600_000);
  const health = ops.source.health();
  shard.shard.alive = false;
  ops.shardExited(0, true);
  assert.deepEqual(shardChecks(await health), [['shard-0', 'fail', 'down']]);
  assert.match(await ops.source.metrics(undefined), /^herald_shard_exits_total\{shard="0"\} 1$/m);
});
