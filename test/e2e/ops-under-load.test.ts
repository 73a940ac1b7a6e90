import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, configIn, startHerald, tempDir } from './harness.js';
import { eventually } from '../support/eventually.js';
import { openRestSession, sampleValue } from './rest-session.js';

/** Requests in the run, and how many the client keeps in flight. */
const TOTAL = 3_000;
const CONCURRENCY = 150;
/** Every 10th APNS request goes to a token the simulator answers 410 Unregistered. */
const UNREGISTERED_EVERY = 10;
/** Provider latency: long enough that the run spans many scrapes. */
const LATENCY_MS = 40;
const SCRAPE_EVERY_MS = 20;

const hex = (i: number) => i.toString(16).padStart(64, '0');

test('/healthcheck and /metrics scraped during a load run report what happened, per pool', async () => {
  const dir = tempDir();
  const { herald, apns, close } = await startHerald(
    configIn(dir, {
      rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls') },
      simulators: { apns: { latency_ms: LATENCY_MS }, fcm: { latency_ms: LATENCY_MS } },
    }),
  );
  const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
  const client = openRestSession(herald.rest!.url, ca);
  const scraper = openRestSession(herald.rest!.url, ca);
  try {
    const unregistered = hex(0xdead);
    apns!.program(unregistered, { status: 410, reason: 'Unregistered' });

    // The load: APNS prod, APNS dev and FCM requests, some to an unregistered device.
    const statuses = new Map<string, number>();
    const expect = { apnsProd: 0, apnsDev: 0, fcm: 0, gone: 0 };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < TOTAL) {
        const i = next++;
        let body: Record<string, unknown>;
        let token = hex(i + 1);
        if (i % 3 === 2) {
          body = { service: 'fcm', alert: { title: 't', body: 'b' } };
          token = `fcm-token-${i}`;
          expect.fcm++;
        } else if (i % UNREGISTERED_EVERY === 0) {
          body = { service: 'apns', alert: { title: 't', body: 'b' } };
          token = unregistered;
          expect.gone++;
        } else if (i % 7 === 0) {
          body = { service: 'apns', mode: 'dev', alert: { title: 't', body: 'b' } };
          expect.apnsDev++;
        } else {
          body = { service: 'apns', data: { 'message-count': 1 } };
          expect.apnsProd++;
        }
        const answer = await client.request('POST', `/v3/notification/${token}`, body);
        const key = `${body.service}:${answer.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      }
    };

    // Scrapes while the load runs.
    let running = true;
    const scrapes: Array<{ health: number; healthBody: string; inFlight: number; sent: number }> = [];
    const scraping = (async () => {
      while (running) {
        const [health, metrics] = await Promise.all([scraper.request('GET', '/healthcheck'), scraper.request('GET', '/metrics')]);
        scrapes.push({
          health: health.status,
          healthBody: health.body,
          inFlight: sampleValue(metrics.body, 'herald_push_in_flight{service="apns",pool="apns-prod"}') ?? -1,
          sent: sampleValue(metrics.body, 'herald_push_sent_total{service="apns",pool="apns-prod"}') ?? -1,
        });
        await new Promise((r) => setTimeout(r, SCRAPE_EVERY_MS));
      }
    })();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    running = false;
    await scraping;

    // Every request got a definite answer.
    assert.deepEqual(Object.fromEntries([...statuses].sort()), {
      'apns:200': expect.apnsProd + expect.apnsDev,
      'apns:410': expect.gone,
      'fcm:200': expect.fcm,
    });

    // During the run: healthy every time, and the scrapes saw the work in progress.
    assert.ok(scrapes.length >= 5, `${scrapes.length} scrapes during the run`);
    for (const s of scrapes) {
      assert.equal(s.health, 200);
      const report = JSON.parse(s.healthBody) as { details: Record<string, Array<{ status: string }>> };
      assert.deepEqual(Object.keys(report.details).sort(), ['pool:apns-dev', 'pool:apns-prod', 'pool:fcm', 'pool:webpush', 'store']);
    }
    assert.ok(scrapes.some((s) => s.inFlight > 0), 'some scrape saw APNS requests in flight');
    assert.ok(scrapes.some((s) => s.sent > 0 && s.sent < expect.apnsProd), 'some scrape saw the run half done');

    // After the run: the counters add up to what the client saw, pool by pool. Sender threads
    // report their counters every STATS_INTERVAL_MS, so poll until the last report is in.
    const prodSent = 'herald_push_sent_total{service="apns",pool="apns-prod"}';
    let text = '';
    await eventually(
      async () => sampleValue((text = (await scraper.request('GET', '/metrics')).body), prodSent) === expect.apnsProd,
      'the sender threads\' last counters',
      5_000,
      100,
    );
    const at = (series: string) => sampleValue(text, series);
    assert.equal(at(prodSent), expect.apnsProd);
    assert.equal(at('herald_push_rejected_total{service="apns",pool="apns-prod",reason="unregistered"}'), expect.gone);
    assert.equal(at('herald_push_sent_total{service="apns",pool="apns-dev"}'), expect.apnsDev);
    assert.equal(at('herald_push_sent_total{service="fcm",pool="fcm"}'), expect.fcm);
    assert.equal(at('herald_push_send_seconds_count{service="apns",pool="apns-prod"}'), expect.apnsProd + expect.gone);
    assert.equal(at('herald_push_in_flight{service="apns",pool="apns-prod"}'), 0);
    // Scrapes are answered 200 too, so the REST family counts them beside the notifications.
    assert.ok(at('herald_rest_requests_total{status="200"}')! >= TOTAL - expect.gone);
    assert.equal(at('herald_rest_requests_total{status="410"}'), expect.gone);
  } finally {
    client.close();
    scraper.close();
    await close();
    cleanup(dir);
  }
});
