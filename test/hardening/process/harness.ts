/**
 * What the process-level hardening tests share: bounded waiting on conditions, a log that keeps
 * its lines, an APNS simulator with a fresh .p8 key, and a threaded APNS pool wired to the same
 * ops source /healthcheck and /metrics read.
 */
import { generateKeyPairSync } from 'node:crypto';
import { validateConfig } from '../../../src/core/config/load.js';
import type { ApnsConfig } from '../../../src/core/config/schema.js';
import type { Logger } from '../../../src/core/log.js';
import type { PushNotification } from '../../../src/push-service/notification.js';
import { poolsOpsSource, type ImmediateOpsSource } from '../../../src/push-service/ops/ops-source.js';
import { SenderPool } from '../../../src/push-service/pools/push-pools.js';
import { ThreadedApnsPushService, type ThreadedApnsOptions } from '../../../src/push-service/threaded/threaded-apns-service.js';
import { startApnsSimulator, type ApnsSimulator } from '../../../src/simulators/apns/index.js';

export const TEAM_ID = 'TEAM123456';
export const KEY_ID = 'KEY1234567';
export const TOPIC = 'com.example.app';

export interface LogLine {
  level: string;
  event: string;
  fields: Record<string, unknown>;
}

/** A Logger that keeps every line. */
export function recordingLogger(): Logger & { lines: LogLine[]; events(event: string): LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (event: string, fields: Record<string, unknown> = {}) => void lines.push({ level, event, fields });
  return {
    lines,
    events: (event) => lines.filter((l) => l.event === event),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}

export function apnsKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

let tokens = 0;
/** A distinct well-formed device token (64 hex digits). */
export function deviceToken(): string {
  return (++tokens).toString(16).padStart(8, '0').repeat(8);
}

export function alertTo(device_id: string): PushNotification {
  return { service: 'apns', device_id, mode: 'prod', topic: TOPIC, alert: { title: 'romeo', body: 'hello' } };
}

export interface ThreadedRig {
  sim: ApnsSimulator;
  service: ThreadedApnsPushService;
  ops: ImmediateOpsSource;
  log: ReturnType<typeof recordingLogger>;
  close(): Promise<void>;
}

/** A simulator and a threaded pool `apns-prod` on it, with its ops source and a recording log. */
export async function startThreadedRig(apns: Partial<ApnsConfig>, options: ThreadedApnsOptions = {}): Promise<ThreadedRig> {
  const keys = apnsKeyPair();
  const sim = await startApnsSimulator({ teamId: TEAM_ID, keys: { [KEY_ID]: keys.publicKeyPem } });
  const config = validateConfig({ apns: { team_id: TEAM_ID, key_id: KEY_ID, reconnect: { backoff_ms: 20, max_ms: 30_000 }, ...apns } });
  const log = recordingLogger();
  const service = await ThreadedApnsPushService.start(config.apns, 64, {
    endpoint: sim.url,
    ca: sim.ca,
    privateKeyPem: keys.privateKeyPem,
    warmUp: true,
    log,
    pool: 'apns-prod',
    ...options,
  });
  const pool = new SenderPool({ service: 'apns', name: 'apns-prod', mode: 'prod', tags: [] }, service);
  return {
    sim,
    service,
    ops: poolsOpsSource([pool], '0.0.0'),
    log,
    async close() {
      await service.close(0);
      await sim.close();
    },
  };
}

/** The status of pool `name` in a health report body. */
export function poolStatus(body: { details: Record<string, Array<{ status: string }>> }, name: string): string | undefined {
  return body.details[`pool:${name}`]?.[0]?.status;
}
