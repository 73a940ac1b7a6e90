/**
 * What the App Server ↔ remote tests start from: a Herald whose App Server bridges to a remote
 * service, with push node n1 created, and (mostly) a recording server as that remote service.
 */
import assert from 'node:assert/strict';
import { forSuite } from '../support/for-suite.js';
import {
  bridgeConfig,
  createNodeIq,
  MONGOOSEIM_SUMMARY,
  outcomeOf,
  publishIq,
  removeDir,
  startHerald,
  startRecordingServer,
  tempDir,
  type RecordedRequest,
  type RecordingServer,
  type RunningHerald,
} from './harness.js';

export const NODE = 'n1';

export interface Bridging {
  readonly herald: RunningHerald;
  /** Publishes to n1 with `summary` (the reference's MongooseIM summary by default); resolves with `outcomeOf` the reply. */
  publish(options: Record<string, string>, summary?: Record<string, string>): Promise<string>;
  close(): Promise<void>;
}

/** A Herald bridging with `remotePush` (its url included), n1 created. */
export async function startBridging(remotePush: Record<string, unknown>): Promise<Bridging> {
  const dir = tempDir();
  const herald = await startHerald(bridgeConfig(dir, remotePush));
  assert.equal(outcomeOf(await herald.iq(createNodeIq(NODE))), 'result', `node ${NODE} created`);
  return {
    herald,
    publish: async (options, summary = MONGOOSEIM_SUMMARY) => outcomeOf(await herald.iq(publishIq(NODE, options, summary))),
    async close() {
      await herald.close();
      removeDir(dir);
    },
  };
}

export interface BridgeRig extends Bridging {
  readonly server: RecordingServer;
  /** Publishes to n1, which must be answered `result`; resolves with the request the bridge sent for it. */
  requestFor(options: Record<string, string>): Promise<RecordedRequest>;
}

/** A recording server, and a Herald bridging to it with the other `remotePush` settings. */
export async function startBridgeRig(remotePush: Record<string, unknown> = {}): Promise<BridgeRig> {
  const server = await startRecordingServer();
  const bridging = await startBridging({ url: server.url, ...remotePush }).catch(async (e: unknown) => {
    await server.close();
    throw e;
  });
  return {
    ...bridging,
    server,
    async requestFor(options) {
      const before = server.requests.length;
      assert.equal(await bridging.publish(options), 'result');
      return server.requests[before]!;
    },
    async close() {
      await bridging.close();
      await server.close();
    },
  };
}

/** A bridge rig for the tests of the enclosing `describe`. */
export function bridgeRigForSuite(remotePush: Record<string, unknown> = {}): BridgeRig {
  return forSuite(() => startBridgeRig(remotePush));
}
