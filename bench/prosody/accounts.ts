/**
 * The bench's accounts on Prosody (or ejabberd: bench/failover.ts): receivers `user0…` each with push enabled on a node of their
 * own on Herald for one APNS device token, then offline; senders `sender0…` online with XEP-0198.
 */
import type { Client } from '@xmpp/client';
import { connectUser, createPushNode, disconnect, enablePush, type Account } from '../../test/interop/xmpp-clients.js';
import { COMPONENT_DOMAIN, USER_DOMAIN } from '../../test/interop/prosody/prosody-server.js';
import type { RealServer } from '../../test/interop/push-scenarios.js';

/** What the accounts need of the XMPP server (both real servers serve `localhost` and `push.localhost`). */
type AccountServer = Pick<RealServer, 'c2sService' | 'register'>;

/** Receivers set up at once: enough to overlap the round trips, few enough for a 2-core machine. */
const SETUP_CONCURRENCY = 10;

export const receiverName = (i: number): string => `user${i}`;
export const receiverJid = (i: number): string => `${receiverName(i)}@${USER_DOMAIN}`;
/** Receiver i's APNS device token: 64 hex digits, distinct per receiver. */
export const receiverToken = (i: number): string => i.toString(16).padStart(64, 'b');
const password = (name: string): string => `${name}-pw`;

function account(server: AccountServer, username: string, resource: string): Account {
  return { service: server.c2sService, domain: USER_DOMAIN, username, password: password(username), resource };
}

/** The server registers every account (`prosodyctl register`, `ejabberdctl register`). */
export function registerAccounts(server: AccountServer, names: readonly string[]): void {
  for (const name of names) server.register(name, password(name));
}

/**
 * Each receiver logs in, creates its push node on Herald (XEP-0357 §5), enables push on Prosody
 * for its device token, and logs out cleanly, so its messages go to offline storage and are pushed.
 */
export async function prepareReceivers(server: AccountServer, count: number, concurrency = SETUP_CONCURRENCY): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      const c = await connectUser(account(server, receiverName(i), 'phone'));
      try {
        const node = `bench-node-${i}`;
        const created = await createPushNode(c, COMPONENT_DOMAIN, node);
        if (created.attrs.type !== 'result') throw new Error(`${receiverName(i)}: node create answered ${created.toString()}`);
        const enabled = await enablePush(c, COMPONENT_DOMAIN, node, receiverToken(i));
        if (enabled.attrs.type !== 'result') throw new Error(`${receiverName(i)}: push enable answered ${enabled.toString()}`);
      } finally {
        await disconnect(c);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

export function connectSenders(server: AccountServer, names: readonly string[]): Promise<Client[]> {
  return Promise.all(names.map((name) => connectUser(account(server, name, 'bench'))));
}
