/**
 * Faults at the providers, through the whole push service (pools, sender threads, retry policy),
 * for APNS and FCM alike: every notification ends delivered or with a definite error, nothing is
 * delivered twice (no request here times out), and the engine recovers without a restart.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Herald } from '../../src/embed/engine.js';
import type { PushNotification, PushOutcome, PushServiceName } from '../../src/push-service/notification.js';
import type { FaultSettings } from '../../src/simulators/shared/public-types.js';
import { withHerald } from './harness.js';

/** Notifications per burst: enough to have many in flight when the fault strikes. */
const BURST = 200;
/** Notifications sent after the fault, all of which must be delivered. */
const AFTER = 20;
/** A fault nothing recovers from in this long is a hang. */
const BURST_DEADLINE_MS = 20_000;

/** `inFlightLost`: requests in flight when the connection broke may have been delivered, so they end connection_lost unresent. */
type Fault = { name: string; arm: (sim: SimulatorFaultsHandle) => void; failures: ReadonlySet<string>; inFlightLost?: boolean };
interface SimulatorFaultsHandle {
  faults: { set(s: FaultSettings): void; clear(): void; goaway(o?: { afterRequests?: number; reason?: string }): void; dropConnections(o?: { afterRequests?: number }): void };
}

const FAULTS: readonly Fault[] = [
  { name: 'GOAWAY mid-burst', arm: (s) => s.faults.goaway({ afterRequests: 50, reason: 'Shutdown' }), failures: new Set(['connection_lost']) },
  {
    name: 'a dropped connection mid-burst',
    arm: (s) => s.faults.dropConnections({ afterRequests: 50 }),
    failures: new Set(['connection_lost']),
    inFlightLost: true,
  },
  { name: 'REFUSED_STREAM', arm: (s) => s.faults.set({ refuseStreams: 15 }), failures: new Set(['connection_lost']) },
  { name: '429 with Retry-After', arm: (s) => s.faults.set({ tooManyRequests: { count: 15, retryAfterSeconds: 1 } }), failures: new Set(['too_many_requests']) },
  { name: 'a 503 burst', arm: (s) => s.faults.set({ serverErrors: { count: 30, status: 503 } }), failures: new Set(['service_internal']) },
];

const tokenFor = (service: PushServiceName, run: number, i: number): string =>
  service === 'apns' ? (run * 100_000 + i + 1).toString(16).padStart(64, '0') : `fcm-device-${run}-${i}`;

function notification(service: PushServiceName, token: string): PushNotification {
  return { service, mode: 'prod', device_id: token, alert: { title: 'alice@localhost', body: 'hi' } };
}

async function sendAll(herald: Herald, notifications: readonly PushNotification[]): Promise<PushOutcome[]> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('a notification never ended')), BURST_DEADLINE_MS);
  });
  try {
    return await Promise.race([Promise.all(notifications.map((n) => herald.pushService.send(n))), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

for (const service of ['apns', 'fcm'] as const) {
  describe(`${service.toUpperCase()} faults end definitely, without duplicates, and recover`, { timeout: 120_000 }, () => {
    FAULTS.forEach((fault, run) => {
      it(`after ${fault.name}`, async () => {
        await withHerald((dir) => ({ apns: { key_file: join(dir, 'apns.p8'), pools: [{ mode: 'prod' }] } }), async ({ herald, apns, fcm }) => {
          const sim = (service === 'apns' ? apns : fcm)!;
          fault.arm(sim);
          const tokens = Array.from({ length: BURST }, (_, i) => tokenFor(service, run, i));
          const outcomes = await sendAll(herald, tokens.map((t) => notification(service, t)));

          // The fault did strike.
          assert.ok(sim.faulted.length + sim.rejected.length > 0, 'some requests met the fault');
          // Every notification ended delivered or with a definite error of the expected kind.
          const failures = outcomes.filter((o): o is Extract<PushOutcome, { ok: false }> => !o.ok);
          for (const f of failures) assert.ok(fault.failures.has(f.reason), `unexpected outcome ${JSON.stringify(f)}`);
          if (!fault.inFlightLost) assert.ok(failures.length < BURST / 4, `${failures.length} of ${BURST} failed`);
          // Delivered exactly once: each delivered token once at the provider, nothing else there.
          const delivered = new Map<string, number>();
          for (const r of sim.received) delivered.set(r.token.toLowerCase(), (delivered.get(r.token.toLowerCase()) ?? 0) + 1);
          tokens.forEach((token, i) => {
            const times = delivered.get(token.toLowerCase()) ?? 0;
            // A request in flight when its connection broke may have been delivered: it ends
            // connection_lost and is not resent, so it arrived at most once.
            const expected = outcomes[i]!.ok ? [1] : fault.inFlightLost ? [0, 1] : [0];
            assert.ok(expected.includes(times), `${token}: ok=${outcomes[i]!.ok}, delivered ${times}×`);
          });

          // Recovery without a restart: the next notifications are all delivered.
          sim.faults.clear();
          const after = Array.from({ length: AFTER }, (_, i) => tokenFor(service, run + 50, i));
          const recovered = await sendAll(herald, after.map((t) => notification(service, t)));
          assert.deepEqual(
            recovered.filter((o) => !o.ok),
            [],
          );
        });
      });
    });
  });
}
