import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, configIn, startHerald, tempDir } from './harness.js';
import { openRestSession } from './rest-session.js';

/** Requests sent at once: far more than one connection's in-flight cap plus its mailbox. */
const OFFERED = 60;
const MAILBOX = 4;
const IN_FLIGHT = 2;

for (const service of ['apns', 'fcm'] as const) {
  test(`with ${service.toUpperCase()}'s sender mailboxes full, REST answers 429 too_many_requests at once and loses nothing`, async () => {
    const dir = tempDir();
    const { herald, apns, fcm, close } = await startHerald(
      configIn(dir, {
        actors: { sender_mailbox_capacity: MAILBOX },
        apns: { key_file: join(dir, 'apns.p8'), max_in_flight: IN_FLIGHT, pools: [{ mode: 'prod', connections: 1, sender_threads: 0 }] },
        fcm: { max_in_flight: IN_FLIGHT, connections: 1 },
        rest: { enabled: true, port: 0, generated_cert_dir: join(dir, 'tls') },
        // A slow provider: what is accepted stays in flight while the rest arrives.
        simulators: { apns: { latency_ms: 300 }, fcm: { latency_ms: 300 } },
      }),
    );
    const client = openRestSession(herald.rest!.url, readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8'));
    try {
      const token = (i: number) => (service === 'apns' ? (i + 1).toString(16).padStart(64, '0') : `fcm-${i}`);
      const answers = await Promise.all(
        Array.from({ length: OFFERED }, (_, i) =>
          client.request('POST', `/v3/notification/${token(i)}`, { service, alert: { title: 't', body: 'b' } }),
        ),
      );
      const ok = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status === 429);
      assert.equal(ok.length + refused.length, OFFERED, `only 200 and 429: ${[...new Set(answers.map((a) => a.status))]}`);
      assert.ok(refused.length > 0, 'some were refused');
      assert.ok(ok.length >= MAILBOX, `${ok.length} accepted`); // a sender holds MAILBOX notifications, in flight included
      for (const r of refused) assert.equal(r.body, '{"reason":"too_many_requests"}');
      // Every accepted notification reached the provider; none of the refused ones did.
      const sim = (service === 'apns' ? apns : fcm)!;
      assert.equal(sim.received.length, ok.length);
    } finally {
      client.close();
      await close();
      cleanup(dir);
    }
  });
}
