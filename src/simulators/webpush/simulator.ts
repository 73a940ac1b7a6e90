/**
 * What a running Web Push simulator offers its users (tests, the demo, benchmarks); the common
 * part is ../shared/simulator.ts.
 */
import type { PushSubscription } from '../../push-service/webpush/subscription.js';
import type { Simulator } from '../shared/simulator.js';
import type { SubscriptionBehaviour, TransportFault } from './programs.js';
import type { ReceivedPush, RejectedPush, WebPushSimulatorStats } from './recorder.js';
import type { ProgrammableRefusal } from './refusals.js';
import type { SubscribeOptions } from './subscriptions.js';

export interface WebPushSimulator extends Simulator<ReceivedPush, RejectedPush> {
  /** A snapshot of the counters. */
  readonly stats: WebPushSimulatorStats;
  /** A new subscription, as a browser's PushManager.subscribe() would hand it to the application; the simulator keeps its private key. */
  createSubscription(options?: SubscribeOptions): PushSubscription;
  /** Ends a subscription (by endpoint or id): pushes to it are answered 410 Gone from then on. */
  removeSubscription(endpointOrId: string): boolean;
  /** Programs a subscription (by endpoint or id). */
  program(endpointOrId: string, behaviour: SubscriptionBehaviour | ProgrammableRefusal | TransportFault): void;
  /** Clears records, counters (except sessions opened) and programs; not subscriptions, not fault modes. */
  reset(): void;
}
