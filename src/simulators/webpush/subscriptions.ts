/**
 * The browser's half of each subscription, kept by the simulator: it makes the key pair and auth
 * secret a user agent would (RFC 8291 §3.2), hands out only the public part, and keeps the private
 * key to decrypt what is pushed. Removed subscriptions answer 410 from then on, as a real
 * service's do after an unsubscribe.
 */
import { createECDH, randomBytes } from 'node:crypto';
import { toBase64url } from '../../push-service/webpush/base64url.js';
import type { PushSubscription } from '../../push-service/webpush/subscription.js';

/** RFC 8291 §3.2: 16 octets. */
const AUTH_SECRET_BYTES = 16;
/** Subscription ids: 128 random bits, unguessable like real push resource URLs (RFC 8030 §8.1 capability URLs). */
const ID_BYTES = 16;
export const PUSH_PATH_PREFIX = '/push/';

export interface HeldSubscription {
  privateKey: Buffer;
  authSecret: Buffer;
  /** RFC 8292 §4: set for a subscription restricted to one application server key (base64url). */
  applicationServerKey: string | undefined;
}

export interface SubscribeOptions {
  /** Restrict the subscription to this VAPID public key (base64url, as PushManager.subscribe takes it). */
  applicationServerKey?: string;
}

export class Subscriptions {
  private readonly live = new Map<string, HeldSubscription>();
  private readonly ended = new Set<string>();

  constructor(private readonly baseUrl: () => string) {}

  get size(): number {
    return this.live.size;
  }

  create(options: SubscribeOptions = {}): PushSubscription {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const id = toBase64url(randomBytes(ID_BYTES));
    const authSecret = randomBytes(AUTH_SECRET_BYTES);
    const applicationServerKey = options.applicationServerKey?.replace(/=+$/, '');
    this.live.set(id, { privateKey: ecdh.getPrivateKey(), authSecret, applicationServerKey });
    return {
      endpoint: `${this.baseUrl()}${PUSH_PATH_PREFIX}${id}`,
      keys: { p256dh: toBase64url(ecdh.getPublicKey()), auth: toBase64url(authSecret) },
    };
  }

  get(id: string): HeldSubscription | undefined {
    return this.live.get(id);
  }

  /** Whether `id` was removed (410) rather than never made (404). */
  isEnded(id: string): boolean {
    return this.ended.has(id);
  }

  /** Ends the subscription of `idOrEndpoint`; true when there was one. */
  remove(idOrEndpoint: string): boolean {
    const id = this.idOf(idOrEndpoint);
    if (!this.live.delete(id)) return false;
    this.ended.add(id);
    return true;
  }

  /** The subscription id of an endpoint URL, or `idOrEndpoint` itself when it is an id. */
  idOf(idOrEndpoint: string): string {
    const at = idOrEndpoint.lastIndexOf(PUSH_PATH_PREFIX);
    return at < 0 ? idOrEndpoint : idOrEndpoint.slice(at + PUSH_PATH_PREFIX.length);
  }
}
