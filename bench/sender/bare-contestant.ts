/**
 * The ceiling: the bare node:http2 loop of the end-to-end benchmark (bench/e2e/bare-loop.ts) —
 * no engine, `connections × inFlightPerConnection` streams kept open, the same headers and
 * payload. Its provider token is minted once, with the same .p8 key, by Herald's token code
 * (signing is outside the loop, so which code signs it does not matter).
 */
import { readFileSync } from 'node:fs';
import { ApnsTokenProvider } from '../../src/push-service/apns/jwt.js';
import { runBareLoop } from '../e2e/bare-loop.js';
import { DEVICE_TOKEN, TOPIC } from './notification.js';
import type { Contestant, ContestantSettings } from './protocol.js';

/** Any age in Apple's 20–60 min refresh band: one token serves the whole benchmark. */
const JWT_REFRESH_S = 3_000;

export function startBareContestant(s: ContestantSettings): Contestant {
  const ca = readFileSync(s.caFile, 'utf8');
  const tokens = new ApnsTokenProvider({
    teamId: s.teamId,
    keyId: s.keyId,
    privateKey: readFileSync(s.keyFile, 'utf8'),
    refreshAfterS: JWT_REFRESH_S,
  });
  return {
    async run(pushes, onProgress) {
      const r = await runBareLoop({
        url: s.url,
        ca,
        connections: s.connections,
        inFlightPerConnection: s.inFlightPerConnection,
        requests: pushes,
        token: DEVICE_TOKEN,
        topic: TOPIC,
        authorization: tokens.authorization(),
        onProgress,
      });
      const failures: Record<string, number> = r.failed > 0 ? { 'not 200 or reset': r.failed } : {};
      return { ok: r.ok, failed: r.failed, failures, refusals: 0, ms: r.ms };
    },
    async close() {},
  };
}
