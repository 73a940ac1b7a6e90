import { test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOKEN, TOKEN2, cleanup, configIn, startHerald, tempDir } from '../../e2e/harness.js';
import { sampleValue } from '../../e2e/rest-session.js';
import { eventually } from '../../support/eventually.js';

const BEARER = 'ops-test-token';
/** Stats cross from the sender threads every 500 ms (STATS_INTERVAL_MS); allow several rounds. */
const SCRAPE_DEADLINE_MS = 5_000;

interface Answer {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: string;
}

function request(url: string, ca: string, method: string, path: string, auth: string | undefined, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url, { ca });
    session.on('error', reject);
    const headers: http2.OutgoingHttpHeaders = { ':method': method, ':path': path };
    if (auth !== undefined) headers.authorization = `Bearer ${auth}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const req = session.request(headers);
    let data = '';
    let head: http2.IncomingHttpHeaders = {};
    req.setEncoding('utf8');
    req.on('response', (h) => (head = h));
    req.on('data', (c: string) => (data += c));
    req.on('end', () => {
      session.close();
      resolve({ status: Number(head[':status']), headers: head, body: data });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Re-scrapes until `check` holds or the deadline passes; returns the last answer. */
async function scrapeUntil(scrape: () => Promise<Answer>, check: (a: Answer) => boolean, what: string): Promise<Answer> {
  let last: Answer | undefined;
  try {
    await eventually(async () => check((last = await scrape())), what, SCRAPE_DEADLINE_MS, 50);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last answer ${last?.status}: ${last?.body}`);
  }
  return last!;
}

/** Pushes through the REST API, scrapes both ops routes, then takes APNS away. */
async function opsScenario(senderThreads: number): Promise<void> {
  const dir = tempDir();
  const { herald, apns, close } = await startHerald(
    configIn(dir, {
      apns: { key_file: join(dir, 'apns.p8'), sender_threads: senderThreads },
      // APNS pools only (prod, dev): FCM is off (a named service account that is missing fails the start).
      fcm: { enabled: false },
      simulators: { fcm: { enabled: false } },
      rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls'), auth_tokens: [BEARER] },
    }),
  );
  try {
    const rest = herald.rest!;
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    const get = (path: string) => request(rest.url, ca, 'GET', path, BEARER);

    // Bearer auth guards the ops routes as it guards everything else.
    assert.equal((await request(rest.url, ca, 'GET', '/metrics', undefined)).status, 401);
    assert.equal((await request(rest.url, ca, 'GET', '/healthcheck', 'wrong')).status, 401);
    const wrongMethod = await request(rest.url, ca, 'POST', '/healthcheck', BEARER, {});
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.allow, 'GET');

    // The connections are opened at start: healthy before the first push.
    const health = await scrapeUntil(() => get('/healthcheck'), (a) => a.status === 200 && !a.body.includes('"fail"') && !/"disconnected":[1-9]/.test(a.body), 'every connection up');
    const report = JSON.parse(health.body) as { status: string; releaseID: string; details: Record<string, Array<{ output: { connected: number; disconnected: number }; status: string }>> };
    assert.equal(report.status, 'pass');
    assert.equal(report.details['pool:apns-prod']![0]!.status, 'pass');
    assert.equal(report.details['pool:apns-prod']![0]!.output.connected, herald.config.apns.connections);
    assert.equal(report.details['pool:apns-dev']![0]!.output.connected, 1);
    assert.deepEqual(Object.keys(report.details).sort(), ['pool:apns-dev', 'pool:apns-prod', 'pool:webpush', 'store']);
    // Web Push connects on demand, to the origins subscriptions name: no connection yet is no failure.
    assert.deepEqual(report.details['pool:webpush']![0]!.output, { connected: 0, disconnected: 0 });
    assert.equal(report.details['pool:webpush']![0]!.status, 'pass');
    assert.equal(health.headers['content-type'], 'application/json');

    const SENT = 5;
    const body = { service: 'apns', alert: { body: 'b', title: 't' } };
    for (let i = 0; i < SENT; i++) {
      assert.equal((await request(rest.url, ca, 'POST', `/v3/notification/${TOKEN}`, BEARER, body)).status, 200);
    }
    apns!.program(TOKEN2, { status: 410, reason: 'Unregistered' });
    assert.equal((await request(rest.url, ca, 'POST', `/v3/notification/${TOKEN2}`, BEARER, body)).status, 410);

    const metrics = await scrapeUntil(
      () => get('/metrics'),
      (a) => sampleValue(a.body, 'herald_push_send_seconds_count{service="apns",pool="apns-prod"}') === SENT + 1,
      'all pushes counted',
    );
    assert.equal(metrics.status, 200);
    assert.equal(metrics.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    const m = metrics.body;
    assert.equal(sampleValue(m, 'herald_push_sent_total{service="apns",pool="apns-prod"}'), SENT);
    assert.equal(sampleValue(m, 'herald_push_rejected_total{service="apns",pool="apns-prod",reason="unregistered"}'), 1);
    assert.equal(sampleValue(m, 'herald_push_send_seconds_bucket{service="apns",pool="apns-prod",le="+Inf"}'), SENT + 1);
    assert.equal(sampleValue(m, 'herald_push_timeouts_total{service="apns",pool="apns-prod"}'), 0);
    assert.equal(sampleValue(m, 'herald_push_in_flight{service="apns",pool="apns-prod"}'), 0);
    assert.equal(sampleValue(m, 'herald_push_connections{service="apns",pool="apns-prod",state="connected"}'), herald.config.apns.connections);
    assert.equal(sampleValue(m, 'herald_rest_requests_total{status="200"}')! >= SENT, true);
    assert.equal(sampleValue(m, 'herald_rest_requests_total{status="410"}'), 1);
    assert.equal(sampleValue(m, 'herald_rest_requests_total{status="401"}'), 2);
    // The process's and the runtime's families beside Herald's own, under their standard names.
    assert.ok(sampleValue(m, 'process_cpu_seconds_total')! > 0, 'process CPU');
    assert.ok(sampleValue(m, 'process_resident_memory_bytes')! > 0, 'resident memory');
    assert.ok(sampleValue(m, 'nodejs_heap_size_used_bytes')! > 0, 'heap in use');
    assert.ok(sampleValue(m, 'nodejs_eventloop_lag_seconds')! >= 0, 'event-loop lag');
    const described = m.split('\n').filter((l) => l.startsWith('# HELP ')).map((l) => l.split(' ')[2]);
    assert.equal(new Set(described).size, described.length, 'each family described once');

    // APNS unreachable: every connection drops, so every pool is down.
    await apns!.close();
    const down = await scrapeUntil(() => get('/healthcheck'), (a) => a.status === 503, 'an unhealthy pool');
    const downReport = JSON.parse(down.body) as typeof report;
    assert.equal(downReport.status, 'fail');
    assert.equal(downReport.details['pool:apns-prod']![0]!.output.connected, 0);
    assert.equal(downReport.details['pool:apns-prod']![0]!.output.disconnected, herald.config.apns.connections);
  } finally {
    await close();
    cleanup(dir);
  }
}

test('healthcheck and metrics report the APNS pool and the pushes sent through the REST API, and health turns 503 when APNS goes away (sender threads)', () =>
  opsScenario(2));

test('healthcheck and metrics report the same with the senders on the main thread', () => opsScenario(0));
