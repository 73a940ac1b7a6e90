/**
 * What the process-level hardening tests share: bounded waiting on conditions, a log that keeps
 * its lines, an APNS simulator with a fresh .p8 key, and a threaded APNS pool wired to the same
 * ops source /healthcheck and /metrics read.
 */
import { validateConfig } from '../../../src/core/config/load.js';
import type { ApnsConfig } from '../../../src/core/config/schema.js';
import type { Logger } from '../../../src/core/log.js';
import type { PushNotification } from '../../../src/push-service/notification.js';
import { poolsOpsSource, type ImmediateOpsSource } from '../../../src/push-service/ops/ops-source.js';
import { startActorRuntime } from '../../../src/actors/index.js';
import { startApnsPool, type ApnsPool, type PoolStartOptions } from '../../../src/push-service/pools/apns-pool.js';
import type { SenderThreads } from '../../../src/push-service/threaded/sender-threads.js';
import { apnsTestPool, tokenAuth } from '../../push-service/pools/test-pools.js';
import type { ApnsSimulator } from '../../../src/simulators/apns/index.js';

import { KEY_ID, TEAM_ID, apnsKeyPair, startKeyedApnsSimulator } from '../../support/keyed-apns-simulator.js';

export { KEY_ID, TEAM_ID, apnsKeyPair };
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
  service: ApnsPool;
  /** The pool's sender threads. */
  threads: SenderThreads;
  ops: ImmediateOpsSource;
  log: ReturnType<typeof recordingLogger>;
  close(): Promise<void>;
}

/** A simulator and a threaded pool `apns-prod` on it, with its ops source and a recording log. */
export async function startThreadedRig(apns: Partial<ApnsConfig>, options: PoolStartOptions = {}): Promise<ThreadedRig> {
  const { sim, keys } = await startKeyedApnsSimulator();
  const config = validateConfig({ apns: { team_id: TEAM_ID, key_id: KEY_ID, reconnect: { backoff_ms: 20, max_ms: 30_000 }, ...apns } });
  const log = recordingLogger();
  const pool = apnsTestPool(config.apns, { endpoint: sim.url, ca: sim.ca, auth: tokenAuth(config.apns, keys[0]!.privateKeyPem), threads: config.apns.sender_threads });
  const service = await startApnsPool(pool, 64, startActorRuntime(), { warmUp: true, log, ...options });
  return {
    sim,
    service,
    threads: service.senders as SenderThreads,
    ops: poolsOpsSource([service], '0.0.0'),
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
