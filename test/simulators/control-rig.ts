/** An APNS simulator with the control API beside it, for the control API's tests. */
import type { ClientHttp2Session } from 'node:http2';
import { after, afterEach, before, beforeEach } from 'node:test';
import { startApnsSimulator, type ApnsSimulator } from '../../src/simulators/apns/index.js';
import { startControlServer, type ControlServer } from '../../src/simulators/control/server.js';
import { KEY_ID, TEAM, connectTo, makeProviderKey, signJwt } from './apns-test-client.js';
import { CONTROL_OPTIONS } from './control-client.js';

export interface ApnsControlRig {
  sim: ApnsSimulator;
  control: ControlServer;
  /** A fresh HTTP/2 session to the simulator for each test. */
  client: ClientHttp2Session;
  /** A provider token the simulator trusts. */
  jwt: string;
}

/**
 * Called inside a describe(): starts the simulator and the control API before its tests, gives
 * each test a reset simulator (no records, programs or fault modes) and its own session.
 */
export function apnsControlRig(): ApnsControlRig {
  const key = makeProviderKey();
  const rig = { jwt: signJwt(key, Math.floor(Date.now() / 1000)) } as ApnsControlRig;
  before(async () => {
    rig.sim = await startApnsSimulator({ teamId: TEAM, keys: { [KEY_ID]: key.publicKeyPem } });
    rig.control = await startControlServer({ apns: rig.sim }, CONTROL_OPTIONS);
  });
  after(async () => {
    await rig.control.close();
    await rig.sim.close();
  });
  beforeEach(async () => {
    rig.sim.reset();
    rig.sim.faults.clear();
    rig.client = await connectTo(rig.sim);
  });
  afterEach(() => rig.client.destroy());
  return rig;
}
