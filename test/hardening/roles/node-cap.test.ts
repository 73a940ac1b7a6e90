/**
 * Issue 8 finding 6: one account could create push nodes without end (100 000 in 4.6 s). Now
 * `app_server.max_nodes_per_owner` bounds them, for pubsub create and the register commands
 * alike, with the XEP-0060 answer not-allowed + pubsub#errors max-nodes-exceeded.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NS } from '../../../src/xmpp/namespaces.js';
import {
  assertResult,
  cleanup,
  createText,
  deleteText,
  errorOf,
  PUBSUB,
  registeredNode,
  registerText,
  rolesConfig,
  startRoles,
  tempDir,
  type Running,
} from './harness.js';

const ROMEO = 'romeo@localhost';
const JULIET = 'juliet@localhost';
const BEYOND_CAP = 'cancel/not-allowed+max-nodes-exceeded';
/** `app_server.max_nodes_per_owner`'s default: the tests run with the configuration operators get. */
const CAP = 64;

/** Creates the nodes `<prefix>0` … `<prefix>{count-1}` of `owner`, each answered with a result. */
async function createNodes(running: Running, owner: string, prefix: string, count: number): Promise<void> {
  const replies = await Promise.all(Array.from({ length: count }, (_, i) => running.ask(createText(owner, `${prefix}${i}`))));
  for (const reply of replies) assertResult(reply);
}

const discoInfoText = (node: string) =>
  `<iq type='get' id='ID' from='${ROMEO}/phone' to='${PUBSUB}'><query xmlns='${NS.DISCO_INFO}' node='${node}'/></iq>`;

test('the create beyond max_nodes_per_owner is refused with not-allowed and max-nodes-exceeded, and creates nothing', async () => {
  const dir = tempDir();
  const running = await startRoles(rolesConfig(dir));
  try {
    await createNodes(running, ROMEO, 'n', CAP);
    const refused = await running.ask(createText(ROMEO, 'd'));
    assert.equal(errorOf(refused), BEYOND_CAP);
    assert.equal(refused.getChild('error')?.getChild('max-nodes-exceeded', NS.PUBSUB_ERRORS)?.attrs.xmlns, NS.PUBSUB_ERRORS);
    assert.equal(errorOf(await running.ask(createText(ROMEO))), BEYOND_CAP, 'an instant node is a node too');
    assert.equal(errorOf(await running.ask(discoInfoText('d'))), 'cancel/item-not-found');
    assert.equal(await running.herald.appServer.node('d'), undefined);
    // The cap is per owner: another account is not affected.
    assertResult(await running.ask(createText(JULIET, 'd')));
  } finally {
    await running.close();
    cleanup(dir);
  }
});

test("deleting one of the owner's nodes allows one more", async () => {
  const dir = tempDir();
  const running = await startRoles(rolesConfig(dir));
  try {
    await createNodes(running, ROMEO, 'n', CAP - 1);
    assertResult(await running.ask(createText(ROMEO, 'a')));
    assert.equal(errorOf(await running.ask(createText(ROMEO, 'c'))), BEYOND_CAP);
    assertResult(await running.ask(deleteText(ROMEO, 'a')));
    assertResult(await running.ask(createText(ROMEO, 'c')));
    assert.equal(errorOf(await running.ask(createText(ROMEO, 'd'))), BEYOND_CAP);
  } finally {
    await running.close();
    cleanup(dir);
  }
});

test("an owner's node count survives a restart", async () => {
  const dir = tempDir();
  const config = rolesConfig(dir);
  let running = await startRoles(config);
  try {
    await createNodes(running, ROMEO, 'n', CAP - 1);
    assertResult(await running.ask(createText(ROMEO, 'b')));
    await running.close();
    running = await startRoles(config);
    assert.equal(errorOf(await running.ask(createText(ROMEO, 'c'))), BEYOND_CAP);
    assertResult(await running.ask(deleteText(ROMEO, 'b')));
    await running.close();
    running = await startRoles(config);
    assertResult(await running.ask(createText(ROMEO, 'c')));
    assert.equal(errorOf(await running.ask(createText(ROMEO, 'd'))), BEYOND_CAP);
  } finally {
    await running.close();
    cleanup(dir);
  }
});

test('the register-push commands obey the same cap, and registering a known device again still works', async () => {
  const dir = tempDir();
  const running = await startRoles(rolesConfig(dir));
  try {
    await createNodes(running, ROMEO, 'n', CAP - 3);
    assertResult(await running.ask(createText(ROMEO, 'made-by-pubsub')));
    const phone = registeredNode(await running.ask(registerText(ROMEO, 'phone')));
    registeredNode(await running.ask(registerText(ROMEO, 'tablet')));
    assert.equal(errorOf(await running.ask(registerText(ROMEO, 'laptop'))), BEYOND_CAP);
    assert.equal(errorOf(await running.ask(createText(ROMEO, 'another'))), BEYOND_CAP, 'command nodes count for pubsub creates');
    // The same device again updates its node: no new node, so the cap does not apply.
    assert.equal(registeredNode(await running.ask(registerText(ROMEO, 'phone'))), phone);
    assertResult(await running.ask(deleteText(ROMEO, 'made-by-pubsub')));
    registeredNode(await running.ask(registerText(ROMEO, 'laptop')));
  } finally {
    await running.close();
    cleanup(dir);
  }
});

test('creates of one owner racing each other never overshoot the cap', async () => {
  const dir = tempDir();
  const running = await startRoles(rolesConfig(dir));
  try {
    // All sent in one turn: each passes the early check, the node actors decide in LMDB.
    const replies = await Promise.all(Array.from({ length: 3 * CAP }, (_, i) => running.ask(createText(ROMEO, `n${i}`))));
    const outcomes = replies.map((r) => (r.attrs.type === 'result' ? 'result' : errorOf(r)));
    assert.equal(outcomes.filter((o) => o === 'result').length, CAP, `${outcomes.filter((o) => o === 'result').length} created`);
    assert.equal(outcomes.filter((o) => o === BEYOND_CAP).length, 2 * CAP);
    const created = replies.flatMap((r, i) => (r.attrs.type === 'result' ? [`n${i}`] : []));
    for (const node of created) assert.equal((await running.herald.appServer.node(node))?.owner, ROMEO);
  } finally {
    await running.close();
    cleanup(dir);
  }
});
