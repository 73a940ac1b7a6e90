/**
 * The push service's front door: a notification goes to the dispatcher of its service (APNS,
 * FCM); a service with no configured dispatcher is answered `no_matching_pool`, as MongoosePush
 * answers a request no pool matches.
 */
import type { PushDispatcher, PushNotification, PushOutcome, PushServiceName } from './notification.js';

const NO_MATCHING_POOL: PushOutcome = Object.freeze({ ok: false, reason: 'no_matching_pool' });

export class PushRouter implements PushDispatcher {
  constructor(private readonly routes: Readonly<Partial<Record<PushServiceName, PushDispatcher>>>) {}

  send(notification: PushNotification): Promise<PushOutcome> {
    const dispatcher = this.routes[notification.service];
    return dispatcher ? dispatcher.send(notification) : Promise.resolve(NO_MATCHING_POOL);
  }
}
