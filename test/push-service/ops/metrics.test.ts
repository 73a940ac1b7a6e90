import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeraldMetrics } from '../../../src/push-service/ops/herald-metrics.js';
import type { PushServiceMetrics } from '../../../src/push-service/ops/metrics.js';
import { RestCounters } from '../../../src/push-service/ops/rest-counters.js';
import { SendCounters, mergeSendCounters, SEND_SECONDS_BUCKETS } from '../../../src/push-service/ops/send-counters.js';

/** One scrape of a fresh registry, as an engine's /metrics renders it (REST families when `rest` is given). */
function renderMetrics(services: PushServiceMetrics[], rest?: ReadonlyMap<number, number>): Promise<string> {
  const metrics = new HeraldMetrics();
  if (rest === undefined) return metrics.render({ services, actors: [] });
  return metrics.render({ services, actors: [], rest: { statusCounts: rest, refusals: { counters: new RestCounters() }, gauges: () => ({ connections: 1, pendingBodyBytes: 0 }) } });
}

function apns(counters: SendCounters): PushServiceMetrics {
  return {
    service: 'apns',
    pool: 'apns-prod',
    counters: counters.snapshot(),
    retryBudgetExhausted: 4,
    inFlight: 3,
    mailboxDepth: 7,
    connections: { idle: 0, connecting: 1, connected: 2, backoff: 0, closed: 0 },
  };
}

function lines(text: string): string[] {
  return text.split('\n');
}

test('every family has one HELP and one TYPE line before its samples, and the text ends with a newline', async () => {
  const text = await renderMetrics([apns(new SendCounters())], new Map([[200, 4]]));
  assert.ok(text.endsWith('\n'));
  const names = new Set<string>();
  let current = '';
  for (const line of lines(text).filter((l) => l !== '')) {
    const help = /^# HELP (\S+) .+$/.exec(line);
    const type = /^# TYPE (\S+) (counter|gauge|histogram)$/.exec(line);
    if (help) {
      assert.ok(!names.has(help[1]!), `${help[1]} described once`);
      names.add(help[1]!);
      current = help[1]!;
    } else if (type) {
      assert.equal(type[1], current, 'TYPE follows its HELP');
    } else {
      assert.match(line, /^[a-z_]+(\{[^}]*\})? \S+$/, line);
      assert.ok(line.startsWith(current), `${line} belongs to ${current}`);
    }
  }
  for (const name of ['herald_push_sent_total', 'herald_push_rejected_total', 'herald_push_retries_total', 'herald_push_timeouts_total',
    'herald_push_in_flight', 'herald_push_mailbox_depth', 'herald_push_connections', 'herald_push_send_seconds', 'herald_rest_requests_total',
    'herald_rest_connections', 'herald_rest_requests_shed_total']) {
    assert.ok(names.has(name), name);
  }
});

test('counters and gauges carry the service label and their values', async () => {
  const c = new SendCounters();
  c.sent += 5;
  c.retries += 2;
  c.reject('unregistered');
  c.reject('request_timeout');
  c.reject('unregistered');
  const text = lines(await renderMetrics([apns(c)], new Map([[200, 5], [410, 2]])));
  for (const expected of [
    'herald_push_sent_total{service="apns",pool="apns-prod"} 5',
    'herald_push_rejected_total{service="apns",pool="apns-prod",reason="request_timeout"} 1',
    'herald_push_rejected_total{service="apns",pool="apns-prod",reason="unregistered"} 2',
    'herald_push_retries_total{service="apns",pool="apns-prod"} 2',
    'herald_push_retry_budget_exhausted_total{service="apns",pool="apns-prod"} 4',
    'herald_push_timeouts_total{service="apns",pool="apns-prod"} 1',
    'herald_push_in_flight{service="apns",pool="apns-prod"} 3',
    'herald_push_mailbox_depth{service="apns",pool="apns-prod"} 7',
    'herald_push_connections{service="apns",pool="apns-prod",state="connected"} 2',
    'herald_push_connections{service="apns",pool="apns-prod",state="idle"} 0',
    'herald_rest_requests_total{status="200"} 5',
    'herald_rest_requests_total{status="410"} 2',
    'herald_rest_connections 1',
    'herald_rest_requests_shed_total{reason="url_bytes"} 0',
  ]) {
    assert.ok(text.includes(expected), expected);
  }
});

test('histogram buckets are cumulative and the +Inf bucket equals the count', async () => {
  const c = new SendCounters();
  c.observeSeconds(0.001); // ≤ 0.005
  c.observeSeconds(0.005); // le is inclusive
  c.observeSeconds(0.2); // ≤ 0.25
  c.observeSeconds(60); // only +Inf
  const text = lines(await renderMetrics([apns(c)]));
  const bucket = (le: string) => text.find((l) => l.startsWith(`herald_push_send_seconds_bucket{service="apns",pool="apns-prod",le="${le}"} `))?.split(' ')[1];
  assert.equal(bucket('0.005'), '2');
  assert.equal(bucket('0.1'), '2');
  assert.equal(bucket('0.25'), '3');
  assert.equal(bucket('10'), '3');
  assert.equal(bucket('+Inf'), '4');
  assert.ok(text.includes('herald_push_send_seconds_count{service="apns",pool="apns-prod"} 4'));
  const sum = Number(text.find((l) => l.startsWith('herald_push_send_seconds_sum'))!.split(' ')[1]);
  assert.ok(Math.abs(sum - 60.206) < 1e-9, String(sum));
  const les = text.filter((l) => l.startsWith('herald_push_send_seconds_bucket')).length;
  assert.equal(les, SEND_SECONDS_BUCKETS.length + 1);
});

test('label values escape backslash, double quote and newline', async () => {
  const text = await renderMetrics([{ ...apns(new SendCounters()), service: 'we\\ir"d\n' }]);
  assert.ok(text.includes('herald_push_sent_total{service="we\\\\ir\\"d\\n",pool="apns-prod"} 0'), text);
  assert.ok(!/\{[^}]*\n[^}]*\}/.test(text), 'no raw newline inside a label set');
});

test('the REST families are absent when no REST server is scraped', async () => {
  const text = await renderMetrics([apns(new SendCounters())]);
  assert.ok(!text.includes('herald_rest_'), text);
});

test('a pool gone since the last scrape has no series left, and each scrape shows its own figures', async () => {
  const metrics = new HeraldMetrics();
  const a = new SendCounters();
  a.sent = 1;
  const b = new SendCounters();
  b.sent = 2;
  const [first, second] = await Promise.all([
    metrics.render({ services: [apns(a)], actors: [] }),
    metrics.render({ services: [{ ...apns(b), pool: 'apns-dev' }], actors: [] }),
  ]);
  assert.ok(first.includes('herald_push_sent_total{service="apns",pool="apns-prod"} 1'), first);
  assert.ok(!first.includes('apns-dev'), first);
  assert.ok(second.includes('herald_push_sent_total{service="apns",pool="apns-dev"} 2'), second);
  assert.ok(!second.includes('apns-prod'), second);
});

test("a shard's pools carry its shard label, the main thread's none", async () => {
  const text = await new HeraldMetrics().render({
    services: [apns(new SendCounters()), { ...apns(new SendCounters()), shard: '1' }],
    actors: [{ shard: '1', actors: { users: 3, nodes: 4 } }],
  });
  assert.ok(text.includes('herald_push_in_flight{service="apns",pool="apns-prod"} 3'), text);
  assert.ok(text.includes('herald_push_in_flight{service="apns",pool="apns-prod",shard="1"} 3'), text);
  assert.ok(text.includes('herald_push_send_seconds_count{service="apns",pool="apns-prod",shard="1"} 0'), text);
  assert.ok(text.includes('herald_live_actors{kind="user",shard="1"} 3'), text);
  assert.ok(text.includes('herald_live_actors{kind="node",shard="1"} 4'), text);
});

test('counter snapshots from several sender threads merge by sum', () => {
  const a = new SendCounters();
  const b = new SendCounters();
  a.sent = 2;
  b.sent = 3;
  a.reject('unregistered');
  b.reject('unregistered');
  b.reject('request_timeout');
  a.observeSeconds(0.001);
  b.observeSeconds(3);
  const merged = mergeSendCounters([a.snapshot(), b.snapshot()]);
  assert.equal(merged.sent, 5);
  assert.deepEqual(merged.rejected, { unregistered: 2, request_timeout: 1 });
  assert.equal(merged.timeouts, 1);
  assert.equal(merged.latency.count, 2);
  assert.equal(merged.latency.counts[0], 1);
  assert.equal(merged.latency.counts.reduce((x, y) => x + y, 0), 2);
});
