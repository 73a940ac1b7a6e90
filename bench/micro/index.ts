/** Every micro-benchmark suite, in the order a notification travels through Herald. */
import { actorCases } from './actor-cases.js';
import { apnsCases } from './apns-cases.js';
import type { MicroScale, MicroSuite } from './case.js';
import { push2Cases } from './push2-cases.js';
import { storeCases } from './store-cases.js';
import { buildCases, parseCases } from './xml-cases.js';

export { actorCases, apnsCases, buildCases, parseCases, push2Cases, storeCases };
export { BENCH_SCALE, type MicroCase, type MicroScale, type MicroSuite } from './case.js';

/** Opens suites one at a time (each holds its resources until closed), hot path order. */
export const SUITES: ReadonlyArray<{ name: string; open(scale: MicroScale): MicroSuite | Promise<MicroSuite> }> = [
  { name: 'XMPP Server: summary and publish stanza', open: () => buildCases() },
  { name: 'XMPP Server: registration lookup', open: (scale) => storeCases(scale) },
  { name: 'XMPP Server: Push 2.0 facts of a message', open: () => push2Cases() },
  { name: 'App Server: parse the publish', open: () => parseCases() },
  { name: 'actors: one hop', open: (scale) => actorCases(scale) },
  { name: 'Push Service: APNS request and JWT', open: () => apnsCases() },
];
