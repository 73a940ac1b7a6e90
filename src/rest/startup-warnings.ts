/**
 * Warnings about the REST configuration, for the lead to log at start. Pure.
 *
 * The API can send a push to any device token through Herald's provider credentials: reachable
 * beyond this host without `rest.auth_tokens`, anyone who can reach the port can use them.
 */
import { BlockList, isIP } from 'node:net';
import type { HeraldConfig } from '../core/config/schema.js';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4'); // RFC 1122 §3.2.1.3: all of 127/8 is loopback
LOOPBACK.addAddress('::1', 'ipv6'); // RFC 4291 §2.5.3

/** True for 127.0.0.0/8, ::1 (any spelling, also IPv4-mapped) and `localhost`. */
export function isLoopbackBind(bind: string): boolean {
  if (bind.toLowerCase() === 'localhost') return true;
  const family = isIP(bind);
  if (family === 4) return LOOPBACK.check(bind, 'ipv4');
  if (family === 6) return LOOPBACK.check(bind, 'ipv6');
  return false; // a host name or a wildcard: may be reachable from elsewhere
}

export function restStartupWarnings(rest: Pick<HeraldConfig['rest'], 'bind' | 'auth_tokens'>): string[] {
  const warnings: string[] = [];
  if (!isLoopbackBind(rest.bind) && rest.auth_tokens.length === 0) {
    warnings.push(
      `rest.bind is ${rest.bind}, which is not a loopback address, and rest.auth_tokens is empty: ` +
        'anyone who can reach the REST port can send pushes with Herald\'s provider credentials. ' +
        'Set rest.auth_tokens or bind to 127.0.0.1.',
    );
  }
  return warnings;
}
