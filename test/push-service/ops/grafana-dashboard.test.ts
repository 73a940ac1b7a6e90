/**
 * ops/grafana/herald-dashboard.json, the operators' Grafana dashboard: importable anywhere (a
 * `${DS_PROMETHEUS}` datasource input, as Grafana's export writes it), and every metric its panels
 * and variables query is one a running Herald serves on `GET /metrics`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installProcessFailureHandlers } from '../../../src/core/process-failures.js';
import { ShardedHerald } from '../../../src/shards/sharded-herald.js';
import { recordingLogger } from '../../hardening/process/harness.js';
import { TOKEN, TOKEN2, cleanup, configIn, tempDir } from '../../e2e/harness.js';
import { openRestSession, sampleValue } from '../../e2e/rest-session.js';
import { eventually } from '../../support/eventually.js';
import { onSimulators } from '../../support/on-simulators.js';
import { exposedTypes, exposes, labelValuesMetricNames, promqlMetricNames } from './promql-metric-names.js';

const DASHBOARD = 'ops/grafana/herald-dashboard.json';
const DATASOURCE_UID = '${DS_PROMETHEUS}';
/** Shards, as `herald start` runs them: the pool families then carry a `shard` label. */
const SHARDS = 2;
/** Stats cross from the sender threads every 500 ms (STATS_INTERVAL_MS); allow several rounds. */
const SCRAPE_DEADLINE_MS = 10_000;

interface Target {
  refId: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  __inputs: Array<{ name: string; type: string; pluginId: string }>;
  __requires: Array<{ type: string; id: string }>;
  schemaVersion: number;
  uid: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; datasource?: { uid?: string }; query: string | { query: string } }> };
}

function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
}

/** Every panel, the ones inside collapsed rows too. */
function allPanels(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every metric name the dashboard queries, with where (panel title or variable name). */
function queriedMetrics(d: Dashboard): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const add = (name: string, where: string) => used.set(name, [...(used.get(name) ?? []), where]);
  for (const panel of allPanels(d)) {
    for (const t of panel.targets ?? []) for (const name of promqlMetricNames(t.expr ?? '')) add(name, `panel "${panel.title}" ${t.refId}`);
  }
  for (const v of d.templating.list.filter((v) => v.type === 'query')) {
    const query = typeof v.query === 'string' ? v.query : v.query.query;
    for (const name of labelValuesMetricNames(query)) add(name, `variable $${v.name}`);
  }
  return used;
}

test('PromQL metric names: selectors only, not functions, keywords, label names, values or durations', () => {
  assert.deepEqual(
    promqlMetricNames('histogram_quantile(0.95, sum by (pool, le) (rate(herald_push_send_seconds_bucket{instance=~"$instance",pool=~"a|b"}[$__rate_interval])))'),
    ['herald_push_send_seconds_bucket'],
  );
  assert.deepEqual(promqlMetricNames('sum(rate(a_total[5m] offset 1h)) without (shard) / on (instance) group_left (pool) b'), ['a_total', 'b']);
  assert.deepEqual(promqlMetricNames('up == bool 1 and   ignoring(job) node_load1 or max_over_time(x:y:rate5m[1h:5m]) > 1e3'), ['up', 'node_load1', 'x:y:rate5m']);
  assert.deepEqual(promqlMetricNames('count(c) by (le)'), ['c']);
  assert.deepEqual(labelValuesMetricNames('label_values(herald_push_sent_total{instance=~"$instance"}, pool)'), ['herald_push_sent_total']);
  assert.deepEqual(labelValuesMetricNames('label_values(instance)'), []);
  const types = new Map([['h', 'histogram'], ['s', 'summary'], ['c_total', 'counter'], ['g', 'gauge']]);
  assert.ok(exposes(types, 'h_bucket') && exposes(types, 'h_sum') && exposes(types, 's_count') && exposes(types, 'c_total') && exposes(types, 'g'));
  assert.ok(!exposes(types, 's_bucket') && !exposes(types, 'g_count') && !exposes(types, 'c') && !exposes(types, 'missing'));
});

test('the dashboard imports anywhere: a Prometheus datasource input used by every panel and target, unique panel ids, an expression per target', () => {
  const d = loadDashboard();
  assert.ok(d.schemaVersion >= 36, `schemaVersion ${d.schemaVersion}`);
  assert.deepEqual(d.__inputs.map((i) => [i.name, i.type, i.pluginId]), [['DS_PROMETHEUS', 'datasource', 'prometheus']]);
  assert.ok(d.__requires.some((r) => r.type === 'datasource' && r.id === 'prometheus'));
  assert.ok(d.__requires.some((r) => r.type === 'grafana'));
  const panels = allPanels(d);
  const ids = panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, `panel ids unique: ${ids.join(',')}`);
  const queried = panels.filter((p) => p.type !== 'row');
  assert.ok(queried.length >= 10);
  for (const p of queried) {
    assert.equal(p.datasource?.uid, DATASOURCE_UID, `panel "${p.title}" datasource`);
    assert.equal(p.datasource?.type, 'prometheus', `panel "${p.title}" datasource type`);
    assert.ok((p.targets ?? []).length > 0, `panel "${p.title}" has targets`);
    const refIds = p.targets!.map((t) => t.refId);
    assert.equal(new Set(refIds).size, refIds.length, `panel "${p.title}" refIds unique`);
    for (const t of p.targets!) {
      assert.ok(typeof t.expr === 'string' && t.expr.trim() !== '', `panel "${p.title}" ${t.refId} has an expr`);
      assert.equal(t.datasource?.uid, DATASOURCE_UID, `panel "${p.title}" ${t.refId} datasource`);
      assert.ok(promqlMetricNames(t.expr).length > 0, `panel "${p.title}" ${t.refId} queries a metric`);
    }
  }
  for (const v of d.templating.list.filter((v) => v.type === 'query')) assert.equal(v.datasource?.uid, DATASOURCE_UID, `variable ${v.name}`);
});

test('every metric the dashboard queries is served on /metrics by a sharded Herald with threaded senders and the REST API', async () => {
  const queried = queriedMetrics(loadDashboard());
  const dir = tempDir();
  const log = recordingLogger();
  // As `herald start` does: its process handlers bring herald_process_unhandled_rejections_total.
  const failures = installProcessFailureHandlers(log, (code) => assert.fail(`exit ${code}`));
  try {
    const config = configIn(dir, {
      apns: { key_file: join(dir, 'apns.p8'), sender_threads: 1 },
      fcm: { enabled: false },
      simulators: { fcm: { enabled: false } },
      rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls') },
    });
    const { herald, apns, close } = await onSimulators(config, (simulated) =>
      ShardedHerald.start(
        {
          config: simulated,
          logger: log,
          // A host that joins while it leads (component.instances = "one_holds_the_link") reports
          // its leadership: the herald_component_* families.
          host: { route() {}, componentLeadership: () => ({ held: true, droppedStandingBy: 0 }) },
        },
        SHARDS,
      ),
    );
    const rest = openRestSession(herald.rest!.url, readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8'));
    try {
      // One push sent and one rejected, so the outcome and latency series have samples.
      const body = { service: 'apns', alert: { body: 'b', title: 't' } };
      assert.equal((await rest.request('POST', `/v3/notification/${TOKEN}`, body)).status, 200);
      apns!.program(TOKEN2, { status: 410, reason: 'Unregistered' });
      assert.equal((await rest.request('POST', `/v3/notification/${TOKEN2}`, body)).status, 410);

      let text = '';
      await eventually(
        async () => {
          text = (await rest.request('GET', '/metrics')).body;
          return sampleValue(text, 'herald_push_send_seconds_count{service="apns",pool="apns-prod"}') === 2;
        },
        'both pushes counted',
        SCRAPE_DEADLINE_MS,
        50,
      );
      const types = exposedTypes(text);
      const missing = [...queried].filter(([name]) => !exposes(types, name)).map(([name, where]) => `${name} (${where.join('; ')})`);
      assert.deepEqual(missing, [], `queried but not in /metrics:\n${missing.join('\n')}`);
      // Each one has samples too: its panel shows a line on this Herald.
      const silent = [...queried.keys()].filter((name) => !new RegExp(`^${name}[{ ]`, 'm').test(text));
      assert.deepEqual(silent, [], 'queried families without a sample');
    } finally {
      rest.close();
      await close();
    }
  } finally {
    failures.uninstall();
    cleanup(dir);
  }
});
