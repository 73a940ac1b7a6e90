/**
 * The configured plugins, called in their order, each call contained (contained-call.ts):
 * - `allows`: shouldPublish of every plugin; the first `false` decides (the rest are not asked);
 * - `prepare`: each plugin's changes applied in turn, the next seeing the result;
 * - `sessionState`, `publishOutcome`: notifications, nothing waits for them.
 * A failed call counts as the default for that call (publish; no change), is counted per
 * (plugin, hook, kind) for herald_plugin_failures_total, and logged folded: the first failure of
 * each kind at once, then one line per FAILURE_LOG_INTERVAL_MS with the count.
 *
 * Everything a hook is given is its own copy: a plugin that changes it changes nothing of Herald's.
 * The user actor builds a chain only when plugins are configured: without, none of this runs.
 */
import { foldRepeats, type FoldingLogger } from '../core/aggregated-log.js';
import type { Logger } from '../core/log.js';
import type { Awaitable } from '../store/awaitable.js';
import type { PushPublish } from '../xmpp/push-publish.js';
import { containedCall, type AnswerCheck, type FailureKind } from './contained-call.js';
import type { NamedPlugin } from './load-plugins.js';
import type { HookName, PluginMessage, PluginRegistration, PreparedNotification, PublishOutcome, Recipient, RecipientState } from './plugin.js';
import { anyAnswer, applyPrepared, checkBoolean, checkPrepared } from './prepared-publish.js';

/**
 * ms over which a plugin's failures of one kind fold into one log line: a broken hook fails on
 * every push, and one line a minute with the count tells the operator as much as thousands.
 */
const FAILURE_LOG_INTERVAL_MS = 60_000;

/** One series of herald_plugin_failures_total. */
export interface PluginFailureCount {
  plugin: string;
  hook: HookName;
  kind: FailureKind;
  count: number;
}

export interface PluginChainOptions {
  /** plugins.hook_budget_ms */
  budgetMs: number;
  /** xmpp_server.body_max_chars: a plugin's body is cut as the default's is. */
  bodyMaxChars: number;
  log: Logger;
}

export class PluginChain {
  private readonly failures = new Map<string, PluginFailureCount>();
  private readonly log: FoldingLogger;

  constructor(
    private readonly plugins: readonly NamedPlugin[],
    private readonly options: PluginChainOptions,
  ) {
    this.log = foldRepeats(options.log, FAILURE_LOG_INTERVAL_MS, (event, fields) => `${event}\u0000${String(fields?.plugin)}\u0000${String(fields?.hook)}\u0000${String(fields?.kind)}`);
  }

  /** Whether every plugin lets `message` be pushed to `registration`. */
  allows(message: PluginMessage, recipient: Recipient, registration: PluginRegistration): Awaitable<boolean> {
    return this.allowsFrom(0, message, recipient, registration);
  }

  private allowsFrom(first: number, message: PluginMessage, recipient: Recipient, registration: PluginRegistration): Awaitable<boolean> {
    for (let i = first; i < this.plugins.length; i++) {
      const { name, plugin } = this.plugins[i]!;
      if (!plugin.shouldPublish) continue;
      const answer = this.call(name, 'shouldPublish', () => plugin.shouldPublish!({ ...message }, { ...recipient }, copyOf(registration)), checkBoolean);
      if (answer instanceof Promise) return answer.then((yes) => (yes === false ? false : this.allowsFrom(i + 1, message, recipient, registration)));
      if (answer === false) return false;
    }
    return true;
  }

  /** `publish` as the plugins format it for `registration`. */
  prepare(publish: PushPublish, registration: PluginRegistration, message: PluginMessage, recipient: Recipient): Awaitable<PushPublish> {
    return this.prepareFrom(0, publish, registration, message, recipient);
  }

  private prepareFrom(first: number, publish: PushPublish, registration: PluginRegistration, message: PluginMessage, recipient: Recipient): Awaitable<PushPublish> {
    for (let i = first; i < this.plugins.length; i++) {
      const { name, plugin } = this.plugins[i]!;
      if (!plugin.prepare) continue;
      const answer = this.call(name, 'prepare', () => plugin.prepare!({ ...publish.summary }, copyOf(registration), { ...message }, { ...recipient }), checkPrepared);
      const next = (prepared: PreparedNotification | undefined) => (prepared === undefined ? publish : applyPrepared(publish, prepared, this.options.bodyMaxChars));
      if (answer instanceof Promise) return answer.then((prepared) => this.prepareFrom(i + 1, next(prepared), registration, message, recipient));
      publish = next(answer);
    }
    return publish;
  }

  /** Tells every plugin that `recipient` (as it was) is now `state`. */
  sessionState(recipient: Recipient, state: RecipientState): void {
    for (const { name, plugin } of this.plugins) {
      if (plugin.onSessionState) this.call(name, 'onSessionState', () => plugin.onSessionState!({ ...recipient }, state), anyAnswer);
    }
  }

  /** Tells every plugin how the App Server answered a publish to `registration`. */
  publishOutcome(registration: PluginRegistration, outcome: PublishOutcome): void {
    for (const { name, plugin } of this.plugins) {
      if (plugin.onPublishOutcome) this.call(name, 'onPublishOutcome', () => plugin.onPublishOutcome!(copyOf(registration), structuredClone(outcome)), anyAnswer);
    }
  }

  /** Failures so far, one entry per (plugin, hook, kind) that had any. */
  failureCounts(): PluginFailureCount[] {
    return [...this.failures.values()].map((f) => ({ ...f }));
  }

  /** Writes the folded failure lines still pending (at close). */
  close(): void {
    this.log.flush();
  }

  private call<T>(plugin: string, hook: HookName, invoke: () => unknown, check: AnswerCheck<T>): Awaitable<T | undefined> {
    return containedCall(invoke, this.options.budgetMs, check, (kind, reason) => this.failed(plugin, hook, kind, reason));
  }

  private failed(plugin: string, hook: HookName, kind: FailureKind, reason: string): void {
    const key = `${plugin}\u0000${hook}\u0000${kind}`;
    let failure = this.failures.get(key);
    if (!failure) this.failures.set(key, (failure = { plugin, hook, kind, count: 0 }));
    failure.count++;
    this.log.warn('plugins.hook_failed', { plugin, hook, kind, reason, action: 'default used' });
  }
}

function copyOf(registration: PluginRegistration): PluginRegistration {
  return { ...registration, publishOptions: { ...registration.publishOptions } };
}
