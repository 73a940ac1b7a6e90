/**
 * Whether a listener can bind the address the configuration names: a wildcard, a loopback address
 * (Linux routes all of 127.0.0.0/8 to `lo`), or an address one of this host's interfaces has.
 * Anything else fails at listen(2) with EADDRNOTAVAIL — after other listeners have started.
 * A host name is resolved first (its every address must be local).
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * ms a name may take to resolve: a bind name comes from /etc/hosts or a local resolver and
 * answers at once; a hung resolver must not hang `herald start` with no output.
 */
const BIND_LOOKUP_TIMEOUT_MS = 5_000;

/** Why `bind` cannot be listened on, or undefined when it can. */
export async function bindAddressProblem(bind: string): Promise<string | undefined> {
  if (isIP(bind) !== 0) return isLocal(bind) ? undefined : notLocal(bind);
  let addresses: string[];
  try {
    addresses = await withTimeout(lookup(bind, { all: true }).then((all) => all.map((a) => a.address)));
  } catch (e) {
    return `does not resolve (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  const foreign = addresses.filter((a) => !isLocal(a));
  if (foreign.length === addresses.length) return `resolves to ${addresses.join(', ')}, ${notLocal(addresses[0]!)}`;
  return undefined;
}

function notLocal(address: string): string {
  return `${address} is not an address of this host (no network interface has it), so nothing can listen there`;
}

function isLocal(address: string): boolean {
  if (address === '0.0.0.0' || address === '::' || address === '::1') return true;
  if (isIP(address) === 4 && address.startsWith('127.')) return true;
  const bare = address.replace(/^::ffff:/i, '').replace(/%.*$/, '').toLowerCase();
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) if (info.address.toLowerCase() === bare) return true;
  }
  return false;
}

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${BIND_LOOKUP_TIMEOUT_MS} ms`)), BIND_LOOKUP_TIMEOUT_MS);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
