/**
 * The one configuration schema. `config/default.toml` documents every key with its unit and
 * reason; this file states the types, ranges and defaults. Unknown keys are errors (a typo must
 * not silently fall back to a default).
 */
import { z } from 'zod';
import { duplicateNameIndexes, poolNames } from './pool-names.js';

const port = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().positive();
const ms = z.number().int().nonnegative();

/** A key that is gone: set, it is refused saying what to do instead (more than "unrecognized key"). */
function removedKey(error: z.core.$ZodErrorMap<z.core.$ZodIssueInvalidType> | string) {
  return z.never({ error }).optional();
}

/**
 * A backoff (core/backoff.ts), one shape wherever Herald tries again: the component link and the
 * APNS/FCM connections reconnecting, sender threads and shards restarting. ms before the first
 * attempt after a failure, doubled per failure in a row with jitter, up to `max_ms`.
 */
function backoff(defaultBackoffMs: number) {
  const shape = z
    .object({
      /** ms: the first wait; it doubles per failed attempt in a row, with jitter. */
      backoff_ms: positiveInt.default(defaultBackoffMs),
      /** ms: the wait stops growing here, so a peer back from a long outage is tried again soon. */
      max_ms: positiveInt.default(30_000),
    })
    .strict()
    .superRefine((r, ctx) => {
      if (r.max_ms < r.backoff_ms) ctx.addIssue({ code: 'custom', path: ['max_ms'], message: 'must not be below backoff_ms' });
    });
  return shape.default(() => shape.parse({}));
}

/** Limits every received stanza is parsed under (xmpp/parse.ts, xmpp/stream-parser.ts). */
const xmpp = z
  .object({
    /**
     * UTF-8 bytes of one stanza, `<` to `>`. RFC 6120 §13.12: servers must accept at least 10 000.
     * Over it an IQ get/set is answered modify/policy-violation and anything else is dropped.
     */
    max_stanza_bytes: positiveInt.default(65_536),
    /**
     * Levels of elements below the stanza element. A XEP-0357 publish needs 7; past this the
     * stanza is refused like an oversized one, and no walk over a received tree goes deeper.
     */
    max_stanza_depth: positiveInt.default(32),
    /**
     * Bytes on the component stream without a complete stanza (a stanza that never ends, or
     * anything between stanzas) at which Herald closes the stream with policy-violation
     * (RFC 6120 §4.9.3.14): what one stream makes Herald hold stays below this.
     */
    stream_cutoff_bytes: positiveInt.default(1_048_576),
  })
  .strict()
  .superRefine((x, ctx) => {
    if (x.stream_cutoff_bytes < x.max_stanza_bytes) {
      ctx.addIssue({
        code: 'custom',
        path: ['stream_cutoff_bytes'],
        message: 'must not be below xmpp.max_stanza_bytes (an oversized stanza is skipped and answered, not cut off)',
      });
    }
  });

const actors = z
  .object({
    /** Capacity of a user or push-node actor's mailbox; a send beyond it is refused at once. */
    mailbox_capacity: positiveInt.default(256),
    /**
     * Capacity of each APNS sender actor's mailbox (notifications waiting for a stream). A queue
     * longer than a few seconds of sending only makes pushes late, so excess is refused instead.
     */
    sender_mailbox_capacity: positiveInt.default(2_048),
    /**
     * An actor idle this long is stopped; it reloads its state from LMDB on the next message.
     * Short, because a live user actor holds ~3.5 KB of heap and a restart brings every user by.
     */
    passivate_after_ms: ms.default(30_000),
    /**
     * Live actors per kind (users, push nodes) beyond which the least recently used idle one is
     * stopped at once, whatever its age: bounds the heap whatever the traffic (~3.5 KB each).
     * For the process: split among the shards.
     */
    max_live_actors: positiveInt.default(20_000),
    /** Children per shard parent: nact copies a parent's children map on every message it handles. */
    shard_size: positiveInt.max(10_000).default(1_000),
    /**
     * Actors stopped per event-loop turn (passivation, shutdown): each stop holds ~1 KB until its
     * turn ends, so memory for stopping is this many stops, not one per live actor.
     */
    stop_batch_size: positiveInt.max(100_000).default(1_000),
  })
  .strict();

const shards = z
  .object({
    /**
     * Worker threads the XMPP roles run on, each owning the user and push-node actors whose key
     * (bare JID, node name) hashes to it, so that every core parses and pushes; the main thread
     * only moves bytes. "auto" = the number of cores; 0 = the roles on the main thread.
     */
    count: z.union([z.literal('auto'), z.number().int().min(0).max(64)]).default('auto'),
    /** ms a shard worker may take to open the store and connect its pools before start fails. */
    start_timeout_ms: positiveInt.default(30_000),
    /**
     * MiB of each shard's young generation (V8 new space). Every push allocates short-lived
     * parse trees, promises and HTTP/2 stream objects; a larger nursery lets them die there
     * instead of being copied: measured at 64 MiB, half the GC time per push of the default.
     */
    young_generation_mib: positiveInt.min(4).max(1_024).default(64),
    /**
     * Starting again a shard whose restart failed (after it died): a shard that cannot start (out
     * of file descriptors while its modules load, the store gone) is retried for as long as the
     * process runs, without a restart storm. A shard that dies is started again at once.
     */
    restart: backoff(1_000),
    restart_base_ms: removedKey('renamed to shards.restart.backoff_ms (restart = { backoff_ms, max_ms })'),
    restart_max_ms: removedKey('renamed to shards.restart.max_ms (restart = { backoff_ms, max_ms })'),
    /**
     * ms the REST /healthcheck and /metrics wait for each shard's figures (asked when scraped,
     * answered between the shard's stanzas). A shard that does not answer in time is reported as
     * not answering, not waited for: a stuck shard must not stall the operator's view of the rest.
     */
    ops_timeout_ms: positiveInt.default(2_000),
  })
  .strict();

/** MiB in bytes. */
export const MIB = 1_048_576;

/**
 * `[store.postgres]`: the PostgreSQL the instances share when `store.backend = "postgres"`
 * (store/postgres/). Every instance opens its own pool, so what one instance may hold is a share
 * of the server's `max_connections` (100 by default), which all instances and operators split.
 */
const postgresStore = z
  .object({
    /** libpq connection URI (`postgres://user:password@host:5432/herald`); required with the postgres backend. */
    url: z.string().min(1).optional(),
    /**
     * Connections this instance keeps at most. Writes wait for a free one, so this bounds the
     * writes of one instance in flight; 10 per instance lets 8 instances share the default
     * `max_connections` = 100 with room left for operators and migrations.
     */
    pool_size: positiveInt.max(1_000).default(10),
    /** ms a statement may run before PostgreSQL cancels it: a query stuck behind a lock fails the write instead of stalling its user. */
    statement_timeout_ms: positiveInt.default(5_000),
    /** ms to open a connection (TCP, TLS, authentication) before the attempt fails. */
    connect_timeout_ms: positiveInt.default(5_000),
    /** ms an unused connection stays open: the pool shrinks back after a burst. */
    idle_timeout_ms: positiveInt.default(30_000),
    /**
     * Listening again for other instances' changes after the change feed lost its connection.
     * Until it listens again caches are re-read from PostgreSQL and may miss a change, so max_ms
     * bounds how stale they can be (store/postgres/postgres-change-feed.ts).
     */
    reconnect: backoff(500),
    /**
     * ms a pushed message's identity is remembered so that a message handed to two instances
     * pushes once. Hosts hand a message on within seconds (or redeliver it after a failover within
     * minutes); 10 minutes covers both and keeps the table small.
     */
    seen_retention_ms: positiveInt.default(600_000),
    /**
     * Writes one batch sends at most (store/postgres/write-batch.ts: the writes of one event-loop
     * turn go as one statement per kind of write; beyond this bound, as a further statement). One
     * statement holds the row locks of all its rows until its commit, and one failure fails all
     * its writes: 1 000 already turns a thousand commits into one.
     */
    batch_max_writes: positiveInt.max(100_000).default(1_000),
    /**
     * Batches of one store (registrations, nodes) being written at once; while they are, later
     * writes gather into the next batch (as LMDB gathers the writes made during a commit), so under
     * load commits grow instead of multiplying, and the pool keeps connections for reads. 2: one
     * batch commits while the next travels; more only shrinks batches.
     */
    batches_in_flight: positiveInt.max(1_000).default(2),
  })
  .strict();

const store = z
  .object({
    /**
     * Where the roles persist: `lmdb`, one process's embedded store (`path`, `max_size_mib`), or
     * `postgres`, shared by several Herald instances (`[store.postgres]`).
     */
    backend: z.enum(['lmdb', 'postgres']).default('lmdb'),
    postgres: postgresStore.default(() => postgresStore.parse({})),
    /** LMDB environment folder, created (with its parents) on first start. */
    path: z.string().min(1).default('./data/herald-lmdb'),
    /**
     * MiB the store may use (LMDB's own count of pages in use × page size). At the bound, writes
     * of new entries (enables, new nodes) are refused with HERALD_STORE_FULL (XMPP:
     * wait/resource-constraint); reads, removals and rewrites of existing entries go on.
     */
    max_size_mib: positiveInt.max(1_048_576).default(1_024),
    /** ms over which refused writes are folded into one log line (they repeat as fast as clients ask). */
    refused_log_interval_ms: positiveInt.default(60_000),
    /** Renamed: lmdb-js grows its map on demand, so this bounded nothing. */
    map_size_mib: removedKey('renamed to store.max_size_mib (lmdb-js grows the LMDB map on demand, so map_size_mib bounded nothing; max_size_mib is enforced)'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.backend === 'postgres' && s.postgres.url === undefined) {
      ctx.addIssue({ code: 'custom', path: ['postgres', 'url'], message: 'required when store.backend = "postgres" (the PostgreSQL the instances share)' });
    }
  });

/**
 * Push 2.0 (`urn:xmpp:push2:0`): clients enable it with match and send profiles; notifications go
 * to their push service as `<message/>` stanzas, whose error replies are the only answer.
 */
const push2 = z
  .object({
    /**
     * Serve Push 2.0. On, every message to a user with an available session costs one registration
     * read (a Push 2.0 device whose own session is gone is pushed while the user's others are on).
     */
    enabled: z.boolean().default(true),
    /**
     * The `sub` claim of the JWT signed for a push service (RFC 8292 §2.1: a contact the push
     * service can reach the sender at); empty = `xmpp:<xmpp_server.domain>`, as mod_push2 sends.
     */
    contact_uri: z.string().default(''),
    /**
     * How long a notification sent to a remote push service is remembered to match its error reply
     * (a message has no result: silence is success). Errors after it are ignored.
     */
    answer_window_ms: positiveInt.default(10_000),
    /** Draft "Transient delivery errors": `wait` errors are retried this many times, then dropped. */
    wait_retries: z.number().int().min(0).max(20).default(5),
    /** Backoff between those retries (doubling from backoff_ms up to max_ms, with jitter). */
    retry_backoff_ms: positiveInt.default(2_000),
    retry_max_ms: positiveInt.default(60_000),
    /** Notifications waiting for a retry (all users); beyond it a retry is dropped and counted, so memory stays bounded. */
    max_pending_retries: positiveInt.default(10_000),
    /**
     * A registration whose notifications have all failed for good this long is disabled (the
     * draft: "no less than 72 hours is recommended"); 0 = never.
     */
    disable_after_failing_ms: z.number().int().min(0).default(72 * 3_600_000),
    /**
     * On PostgreSQL, users remembered to have no Push 2.0 registration, so that a message to such
     * a user with an available session costs no query (until a change of theirs is seen:
     * users-without-push2.ts). About 100 bytes each; 0 = a query per such message. LMDB reads
     * its memory map and needs none.
     */
    users_without_cache: z.number().int().min(0).default(100_000),
  })
  .strict();

const xmppServer = z
  .object({
    /** Domain of the XMPP server Herald serves (publishes leave from this JID). */
    domain: z.string().min(1).default('localhost'),
    /** XEP-0357 §7 summary: include `last-message-sender`. */
    include_sender: z.boolean().default(true),
    /** XEP-0357 §7 summary: include `last-message-body` (privacy: off keeps bodies off Apple/Google). */
    include_body: z.boolean().default(true),
    /** How long to wait for the App Server's answer to a publish before counting it as `wait`. */
    publish_timeout_ms: positiveInt.default(10_000),
    /** Registrations (devices) per account: every pushed message is published to each of them. */
    max_registrations_per_user: positiveInt.max(1_000).default(32),
    /** Publishes of one user awaiting the App Server at once; the user's actor waits beyond it. */
    max_publishes_in_flight_per_user: positiveInt.default(16),
    /** Publish IQs awaiting an answer from a remote App Server (all users); more are refused as `wait`. */
    max_pending_publishes: positiveInt.default(10_000),
    /** Longest `last-message-body` sent, in characters (code points); longer bodies are cut. */
    body_max_chars: positiveInt.default(512),
    /**
     * Message identities each live user actor remembers, so that several triggers for one message
     * push it once; each is at most 128 characters (longer ones are kept hashed).
     */
    dedup_window: positiveInt.max(10_000).default(256),
    /** Push 2.0 (`urn:xmpp:push2:0`, mod_push2's protocol) beside XEP-0357. */
    push2: push2.default(() => push2.parse({})),
  })
  .strict();

const appServer = z
  .object({
    /** JID of the pubsub service that hosts `push` nodes in this engine. */
    jid: z.string().min(1).default('push.localhost'),
    /**
     * Alert title when the summary names no `last-message-sender` (Prosody and ejabberd send none
     * by default); MongooseIM uses the sender as the title and APNS/FCM alerts need one.
     */
    default_alert_title: z.string().min(1).default('New message'),
    /** Alert body when a message had a body but `forward_body` is off (APNS/FCM alerts need one). */
    default_alert_body: z.string().min(1).default('You have a new message'),
    /**
     * Forward `last-message-sender` to Apple/Google (alert title, thread, data). XEP-0357 §9: push
     * routes private data through third parties, so servers should let it be limited.
     */
    forward_sender: z.boolean().default(true),
    /** Forward `last-message-body` to Apple/Google; off sends `default_alert_body` instead. */
    forward_body: z.boolean().default(true),
    /**
     * What authorises a publish to a node whose publish_model is `publishers` (XEP-0357 §3.2):
     * `server` = the publisher is the node owner's own server (its domain JID), `affiliation` =
     * the publisher is owner, publisher or publish-only (XEP-0060 §4.1), `secret` = the
     * publish-options carry the node's `secret`.
     */
    publish_authorization: z
      .array(z.enum(['server', 'affiliation', 'secret']))
      .min(1)
      .refine((list) => new Set(list).size === list.length, 'each method at most once')
      .default(['server', 'affiliation', 'secret']),
    /** `any`: one listed method suffices; `all`: every listed method must hold. */
    publish_authorization_match: z.enum(['any', 'all']).default('any'),
    /**
     * Pushes per node and kind (alert, background, voip) within `rate_limit_interval_ms`; the
     * excess is answered wait/resource-constraint. 0 = no limit. mod_push_appserver: 1 per 5 s.
     */
    rate_limit_per_node: z.number().int().min(0).max(1_000).default(0),
    rate_limit_interval_ms: positiveInt.default(5_000),
    /** Serve the XEP-0050 registration commands (register-push-apns/-fcm/-webpush, unregister-push). */
    registration_commands: z.boolean().default(true),
    /** A multi-stage command session left this long without its next stage expires (XEP-0050). */
    command_session_timeout_ms: positiveInt.default(300_000),
    /** Command sessions open at once; beyond it the oldest is dropped, so memory stays bounded. */
    max_command_sessions: positiveInt.default(10_000),
    /**
     * Push nodes one account (bare JID) may own, created by pubsub or by the register commands;
     * one more is refused not-allowed + max-nodes-exceeded. A node is one device's registration.
     */
    max_nodes_per_owner: positiveInt.max(100_000).default(64),
  })
  .strict();

/**
 * XEP-0114: Herald joins an XMPP server (Prosody, ejabberd, MongooseIM…) as an external component,
 * so that server's users reach the App Server. The component's domain is `app_server.jid`: the
 * server routes that domain to Herald, whose App Server answers there. Its stanzas are read
 * under the [xmpp] limits.
 */
/** `component.leadership`: how a standby instance (`one_holds_the_link`) waits for the link. */
const leadership = z
  .object({
    /** ms between a standby's attempts at the lock (and the leader's checks that it still holds it): takeover within seconds. */
    poll_ms: positiveInt.default(1_000),
  })
  .strict();

const component = z
  .object({
    /** Join the server at all; off = Herald serves only its REST API (and embedders' hosts). */
    enabled: z.boolean().default(false),
    /** The server's component listener, `xmpp://host:port` (Prosody and ejabberd: 5347 by convention). */
    service: z
      .string()
      .default('xmpp://127.0.0.1:5347')
      .refine(isComponentService, 'must be xmpp://host:port (the server\'s XEP-0114 listener)'),
    /** Removed: the component joins as `app_server.jid`, the only JID its App Server answers at. */
    domain: removedKey((issue) => {
      const domain = typeof issue.input === 'string' ? `"${issue.input}"` : 'the domain';
      return `removed: the component joins as app_server.jid; delete component.domain and set app_server.jid = ${domain} if it is not already`;
    }),
    /** The shared secret of the XEP-0114 handshake (Prosody `component_secret`). */
    password: z.string().default(''),
    /** Rejoining after the link is lost or the handshake refused: a restarting server is back within seconds. */
    reconnect: backoff(1_000),
    reconnect_backoff_ms: removedKey('renamed to component.reconnect.backoff_ms (reconnect = { backoff_ms, max_ms })'),
    reconnect_max_ms: removedKey('renamed to component.reconnect.max_ms (reconnect = { backoff_ms, max_ms })'),
    /**
     * Further XMPP servers to join under the same domain, `app_server.jid` (several deployments
     * sharing one App Server); answers go back on the link of their addressee's server.
     */
    servers: z
      .array(
        z
          .object({
            service: z.string().refine(isComponentService, 'must be xmpp://host:port (the server\'s XEP-0114 listener)'),
            password: z.string().min(1),
          })
          .strict(),
      )
      .default([]),
    /**
     * How several Herald instances join one server as the same domain (issue 11): `all_join`,
     * every instance holds its own link (ejabberd spreads the domain's stanzas over them);
     * `one_holds_the_link`, the instance holding a PostgreSQL advisory lock joins and the others
     * stand by (Prosody refuses a second link for a domain). Needs store.backend = "postgres".
     */
    instances: z.enum(['all_join', 'one_holds_the_link']).default('all_join'),
    leadership: leadership.default(() => leadership.parse({})),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.enabled && c.password === '') {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'required when component.enabled = true (the server\'s component secret)' });
    }
  });

/** `xmpp://host:port`, as @xmpp/component connects to it. */
function isComponentService(service: string): boolean {
  try {
    const url = new URL(service);
    return url.protocol === 'xmpp:' && url.hostname !== '' && url.port !== '' && url.pathname === '';
  } catch {
    return false;
  }
}

/** Pool names appear in /healthcheck (`pool:<name>`) and as Prometheus label values. */
const poolName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)');
const poolTags = z.array(z.string().min(1)).default([]);
/** Persistent HTTP/2 connections of a pool, one sender actor each. */
const connectionCount = positiveInt.max(64);
/** Worker threads of an APNS pool's senders; 0 = the main thread. */
const senderThreadCount = z.number().int().min(0).max(16);

/**
 * The connection keys APNS and FCM share, with one meaning: trust, connections, streams,
 * timeouts, retries, idle PINGs and the reconnect backoff. Every pool of the provider uses its
 * section's values; a pool may set its own `connections` only (see the pools below).
 */
function providerConnectionKeys(provider: { section: 'apns' | 'fcm' | 'webpush'; maxInFlight: number }) {
  return {
    /** Extra CA to trust (PEM file) for the provider's endpoint (FCM: and its token URI), e.g. a simulator's certificate. */
    ca_file: z.string().min(1).optional(),
    /** Persistent HTTP/2 connections, one sender actor each (for the process: split among the shards, at least one each). */
    connections: connectionCount.default(2),
    /** Our own in-flight cap per connection; the peer's MAX_CONCURRENT_STREAMS lowers it further. */
    max_in_flight: positiveInt.max(provider.maxInFlight).default(100),
    /** ms before an unanswered request is reported as a timeout (never retried: it may have been delivered). */
    request_timeout_ms: positiveInt.default(5_000),
    /**
     * Resends per notification after its first attempt: transport failures (connection lost,
     * REFUSED_STREAM, GOAWAY), 429 and 5xx answers only; never a permanent rejection or a timeout.
     */
    retry_attempts: z.number().int().min(0).max(10).default(2),
    /** ms: backoff ceiling of the first retry, doubled per retry; the wait is uniform below it (full jitter). */
    retry_base_delay_ms: positiveInt.default(100),
    /** ms: the backoff ceiling stops growing here, so a retry never waits longer on our own account. */
    retry_max_delay_ms: positiveInt.default(5_000),
    /**
     * ms a notification may be held in total between its attempts, Retry-After included: a 429/503
     * asking for a longer wait is reported at once (its caller is waiting for the outcome).
     */
    retry_after_max_ms: z.number().int().min(0).default(10_000),
    /** Retries earned per first attempt (a per-service token bucket): a failing provider gets no retry storm. */
    retry_budget_ratio: z.number().min(0).max(1).default(0.1),
    /** Retries a second allowed whatever the traffic, so light traffic stays retryable. */
    retry_budget_min_per_s: z.number().min(0).max(10_000).default(10),
    /** ms between PINGs on a connected session with nothing in flight (providers drop idle connections); 0 = never. */
    ping_interval_ms: z.number().int().min(0).default(30_000),
    /** Reconnecting a lost connection: Apple treats rapid reconnects as abuse, and both providers ask for backoff. */
    reconnect: backoff(250),
    reconnect_backoff_ms: removedKey(`renamed to ${provider.section}.reconnect.backoff_ms (reconnect = { backoff_ms, max_ms }; max_ms was fixed at 30000)`),
  };
}

/**
 * One APNS pool (MongoosePush `[[service.apns]]`): its own connections to Apple's production or
 * sandbox host, its own auth and default topic. A notification's `mode` and `tags` choose the pool.
 * What a pool inherits: each key it leaves unset takes the `[apns]` value of the same name
 * (`endpoint`: `apns.dev_endpoint` for a dev pool); the other `[apns]` keys (trust, streams,
 * timeouts, retries, PINGs, reconnect, JWT age, expiration, thread restarts) hold for every pool
 * and cannot be set per pool.
 */
const apnsPool = z
  .object({
    /** Default `apns-<mode>`, numbered (`apns-prod-2`) when several pools share a mode. */
    name: poolName.optional(),
    mode: z.enum(['prod', 'dev']).default('prod'),
    /** Default: Apple's production host for prod, the sandbox host for dev. */
    endpoint: z.string().url().optional(),
    default_topic: z.string().min(1).optional(),
    /** A notification's tags must all be among these for the pool to take it. */
    tags: poolTags,
    connections: connectionCount.optional(),
    sender_threads: senderThreadCount.optional(),
    /** `token`: ES256 JWT from a .p8 key (team_id, key_id, key_file); `certificate`: TLS client certificate. */
    auth: z.enum(['token', 'certificate']).default('token'),
    team_id: z.string().min(1).optional(),
    key_id: z.string().min(1).optional(),
    key_file: z.string().min(1).optional(),
    /** Certificate auth: the client certificate (PEM) Apple issued for the app. */
    cert_file: z.string().min(1).optional(),
    /** Certificate auth: its private key (PEM). */
    cert_key_file: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((pool, ctx) => {
    if (pool.auth !== 'certificate') return;
    for (const key of ['cert_file', 'cert_key_file'] as const) {
      if (pool[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'required when auth = "certificate"' });
    }
  });

/**
 * One FCM pool (MongoosePush `[[service.fcm]]`). FCM has no sandbox, so by default a pool takes
 * both modes (MongoosePush answered `mode: dev` with no_matching_pool). What a pool inherits:
 * `service_account_file` and `connections`, when unset, take the `[fcm]` value; every other
 * `[fcm]` key holds for every pool and cannot be set per pool.
 */
const fcmPool = z
  .object({
    /** Default `fcm`, numbered (`fcm-2`) when there are several. */
    name: poolName.optional(),
    mode: z.enum(['prod', 'dev', 'any']).default('any'),
    tags: poolTags,
    service_account_file: z.string().min(1).optional(),
    connections: connectionCount.optional(),
  })
  .strict();

/** Two pools of one service may not share a name: /healthcheck and /metrics tell pools apart by it. */
function uniquePoolNames<P extends { name?: string | undefined }>(defaultName: (pool: P) => string) {
  return (pools: P[], ctx: z.RefinementCtx): void => {
    const names = poolNames(pools, (i) => defaultName(pools[i]!));
    for (const i of duplicateNameIndexes(names)) {
      ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `pool name "${names[i]}" is used by an earlier pool` });
    }
  };
}

const apns = z
  .object({
    /** Serve APNS at all (MongoosePush PUSH_APNS_ENABLED); off → APNS requests get no_matching_pool. */
    enabled: z.boolean().default(true),
    /**
     * The pools; unset = one prod pool (Apple's production host) and one dev pool (the sandbox)
     * sharing the token key below: a .p8 key works in both environments.
     */
    pools: z.array(apnsPool).min(1).superRefine(uniquePoolNames((p) => `apns-${p.mode}`)).optional(),
    /** Endpoint of prod pools that name none (Apple: api.push.apple.com, port 443 or 2197); ignored while the simulator is used. */
    endpoint: z.string().url().default('https://api.push.apple.com'),
    /** Endpoint of dev pools that name none: Apple's sandbox. */
    dev_endpoint: z.string().url().default('https://api.sandbox.push.apple.com'),
    /** Token auth (.p8, ES256): Apple team id (10 characters). */
    team_id: z.string().min(1).default('HERALDTEAM'),
    /** Token auth: key id shown by Apple for the .p8 key. */
    key_id: z.string().min(1).default('HERALDKEY1'),
    /** Token auth: path of the .p8 private key (PKCS#8 PEM). Generated for the simulator if missing. */
    key_file: z.string().min(1).default('./data/apns-auth-key.p8'),
    /** Default apns-topic (bundle id) when a notification names none. */
    default_topic: z.string().min(1).default('com.example.herald'),
    /**
     * Worker threads for the sender actors and their HTTP/2 connections (the node:http2 client
     * costs as much CPU per push as all the XMPP work); the connections split among them. 0 = on
     * the main thread. The provider token is still minted once, on the main thread.
     */
    sender_threads: senderThreadCount.default(2),
    /**
     * Starting again a sender thread that died (uncaught error, EMFILE, terminated) or failed to
     * start (ERR_WORKER_INIT_FAILED): retried forever without a restart storm. A restarted thread
     * must also stay up `max_ms` before the delay starts over.
     */
    sender_thread_restart: backoff(1_000),
    sender_thread_restart_base_ms: removedKey('renamed to apns.sender_thread_restart.backoff_ms (sender_thread_restart = { backoff_ms, max_ms })'),
    sender_thread_restart_max_ms: removedKey('renamed to apns.sender_thread_restart.max_ms (sender_thread_restart = { backoff_ms, max_ms })'),
    ...providerConnectionKeys({ section: 'apns', maxInFlight: 1_000 }),
    /** JWT refresh age in seconds: Apple wants 20 < age < 60 minutes. */
    jwt_refresh_s: z.number().int().min(1_201).max(3_599).default(3_000),
    /** Seconds a notification stays valid at Apple (apns-expiration = now + this); 0 = deliver once. */
    expiration_s: z.number().int().nonnegative().default(86_400),
  })
  .strict();

const fcm = z
  .object({
    /** Serve FCM at all (MongoosePush PUSH_FCM_ENABLED); off → FCM requests get no_matching_pool. */
    enabled: z.boolean().default(true),
    /** The pools; unset = one pool `fcm` for both modes with the keys below. */
    pools: z.array(fcmPool).min(1).superRefine(uniquePoolNames(() => 'fcm')).optional(),
    /** Service-account JSON (Firebase console → Service accounts); its token_uri is where access tokens come from. */
    service_account_file: z.string().min(1).default('./data/fcm-service-account.json'),
    /** FCM HTTP v1 endpoint (https://host[:port]); ignored while the simulator is used. */
    endpoint: z.string().url().default('https://fcm.googleapis.com'),
    // max_in_flight at most 100: FCM allows 100 concurrent streams per connection and answers more with GOAWAY.
    ...providerConnectionKeys({ section: 'fcm', maxInFlight: 100 }),
    /** Seconds before the access token expires at which it is refreshed (tokens live ~1 h). */
    token_refresh_margin_s: z.number().int().min(0).max(1_800).default(300),
    /** Seconds FCM keeps a notification (android.ttl) when the notification names none; FCM allows 0..2419200. */
    default_ttl_s: z.number().int().min(0).max(2_419_200).default(3_600),
  })
  .strict();

/**
 * `[rest.idempotency]`: requests carrying an `Idempotency-Key` (rest/idempotency/). The key is
 * claimed in the store with a lease before the push and the answer recorded after it, so a retry
 * (at this or, on PostgreSQL, another instance) is answered without a second push.
 */
const restIdempotency = z
  .object({
    /**
     * ms a key and its recorded answer are kept (the draft's published expiry policy): a retry
     * within it is answered from the record. A day, as common practice (Stripe keeps 24 h), covers
     * any client's retry budget; later the key may be used again.
     */
    retention_ms: positiveInt.default(86_400_000),
    /**
     * ms a claim stays live without an answer: a retry meanwhile is answered 409 (in flight); after
     * it, the claiming instance is taken for dead and the retry answered 500 outcome_unknown. Unset:
     * the longest a request can take plus IDEMPOTENCY_LEASE_MARGIN_MS (idempotencyLeaseMs), so it
     * follows the timeouts; set, it must exceed that longest request (checked at start).
     */
    lease_ms: positiveInt.optional(),
  })
  .strict();

const rest = z
  .object({
    enabled: z.boolean().default(true),
    /** Idempotency-Key: how long keys are kept and how long a claim waits for its answer. */
    idempotency: restIdempotency.default(() => restIdempotency.parse({})),
    /** Listen address; loopback by default. */
    bind: z.string().min(1).default('127.0.0.1'),
    port: port.default(8443),
    /** PEM files; a self-signed pair is generated in `generated_cert_dir` if unset. */
    cert_file: z.string().optional(),
    key_file: z.string().optional(),
    generated_cert_dir: z.string().default('./data/tls'),
    /** Largest accepted request body: MongooseIM's requests are well under 4 KiB. */
    body_limit_bytes: positiveInt.default(16_384),
    /** ms from a request's headers to the end of its body; a trickling client is answered 408. */
    body_timeout_ms: positiveInt.default(10_000),
    /**
     * Requests one connection may have in progress: HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS, and
     * pipelined HTTP/1.1 requests read ahead of their answers. RFC 9113 §6.5.2 suggests no less
     * than 100; more only multiplies what one connection can hold.
     */
    max_streams_per_connection: positiveInt.max(10_000).default(100),
    /**
     * Client connections open at once; more are closed at accept, before TLS. Clamped at start to
     * the soft open-file limit less `reserved_file_descriptors`.
     */
    max_connections: positiveInt.max(1_000_000).default(512),
    /** Connections from one client address (an IPv6 client: its /64); more are closed at accept. */
    max_connections_per_client: positiveInt.max(1_000_000).default(128),
    /**
     * File descriptors kept for all but REST clients (provider connections, LMDB, worker threads,
     * the component link, logs): `max_connections` never takes them.
     */
    reserved_file_descriptors: positiveInt.max(1_000_000).default(256),
    /** ms from accept to the end of the TLS handshake; then the connection is closed. */
    tls_handshake_timeout_ms: positiveInt.default(5_000),
    /** ms an HTTP/1.1 request may take to send its request line and headers (408, then closed). */
    headers_timeout_ms: positiveInt.default(5_000),
    /** ms between the sweeps that enforce headers_timeout_ms and idle_timeout_ms. */
    connections_check_interval_ms: positiveInt.max(60_000).default(1_000),
    /**
     * ms a connection may stay open with no request in progress (HTTP/1.1 keep-alive, or an HTTP/2
     * session with no open stream: closed with GOAWAY).
     */
    idle_timeout_ms: positiveInt.default(30_000),
    /** Longest request target (path and query) in bytes; longer is answered 414. */
    max_url_bytes: positiveInt.min(256).max(1_048_576).default(8_192),
    /**
     * Largest header section in bytes, sized as RFC 9113 §6.5.2 sizes an HTTP/2 header list (name
     * + value + 32 per field, request line included); larger is answered 431.
     */
    max_header_bytes: positiveInt.min(1_024).max(1_048_576).default(16_384),
    /** Bytes held for request bodies still arriving, per connection; the request beyond it is answered 503. */
    max_pending_body_bytes_per_connection: positiveInt.default(262_144),
    /** Bytes held for request bodies still arriving, all connections together; beyond it: 503. */
    max_pending_body_bytes: positiveInt.default(16_777_216),
    /** ms over which repeated refusals (connections, unauthenticated or shed requests) make one log line. */
    refusal_log_interval_ms: positiveInt.default(10_000),
    /**
     * Bearer tokens accepted in `Authorization` (RFC 6750 §2.1 b64token syntax, so each can be
     * sent); empty = no authentication, as MongoosePush (safe only on a loopback bind).
     */
    auth_tokens: z
      .array(z.string().regex(/^[A-Za-z0-9\-._~+/]+=*$/, 'must be an RFC 6750 b64token'))
      .default([]),
  })
  .strict()
  .superRefine((r, ctx) => {
    const atLeast = (key: keyof typeof r, other: keyof typeof r, why: string): void => {
      if ((r[key] as number) < (r[other] as number)) ctx.addIssue({ code: 'custom', path: [key], message: `must not be below rest.${other} (${why})` });
    };
    atLeast('max_pending_body_bytes_per_connection', 'body_limit_bytes', 'one whole body must fit');
    atLeast('max_pending_body_bytes', 'max_pending_body_bytes_per_connection', 'one connection\'s bodies must fit');
    atLeast('max_connections', 'max_connections_per_client', 'one client cannot hold more than all of them');
    atLeast('max_header_bytes', 'max_url_bytes', 'the URL is part of the header section');
  });

/** The URL, or undefined when `.url()` already reports it as invalid. */
function parsedUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * Typed plugins (src/plugins/): ES modules the XMPP Server role calls to filter and format pushes
 * and to hear of session states and publish outcomes, in this order.
 */
const plugins = z
  .object({
    /**
     * Paths of the plugin modules, imported at start (by every shard worker when sharded). A
     * relative path is resolved against the config file's folder, or for a config validated in
     * code, the working directory.
     */
    modules: z.array(z.string().min(1)).default([]),
    /**
     * ms one hook call may take; past it the call is ignored and the default used. A
     * shouldPublish or prepare holds its user's pushes while it runs, so it is short: a plugin
     * needing a database should keep what it needs in memory.
     */
    hook_budget_ms: positiveInt.max(10_000).default(50),
    /**
     * Each plugin's own settings, under its module file's name without the extension
     * (`[plugins.options.mute-sender]` for ./plugins/mute-sender.js): handed to a module whose
     * default export is a factory, `(options) => plugin`. Plain TOML values, so they reach every
     * shard worker with the rest of the config.
     */
    options: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  })
  .strict()
  .superRefine((p, ctx) => {
    const names = new Set(p.modules.map(pluginModuleName));
    for (const name of Object.keys(p.options)) {
      if (!names.has(name)) ctx.addIssue({ code: 'custom', path: ['options', name], message: `names no module of plugins.modules (${[...names].join(', ') || 'none'})` });
    }
  });

/** The name a plugin module's options go under: its file's name without the extension. */
export function pluginModuleName(path: string): string {
  const file = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = file.lastIndexOf('.');
  return dot > 0 ? file.slice(0, dot) : file;
}

/** RFC 8292 §2.1: the VAPID contact is a mailto: or https: URI (the same test the signer applies). */
const VAPID_SUBJECT = /^(mailto:\S+@\S+|https:\/\/\S+)$/;

/**
 * Web Push (RFC 8030): pushes go to whatever push service a browser's subscription names, so there
 * are no pools to configure: one HTTP/2 sender group per push-service origin (FCM, Mozilla
 * autopush, Apple, Microsoft), at most `max_origins` of them, each with `connections` connections.
 */
const webpush = z
  .object({
    /** Serve Web Push at all; off → webpush requests get no_matching_pool. */
    enabled: z.boolean().default(true),
    /**
     * The VAPID key (RFC 8292 §3.2): an EC P-256 private key, PKCS#8 PEM. Generated (mode 0600) where
     * the file does not exist; its public half is the applicationServerKey browsers subscribe with, so keep it.
     */
    vapid_key_file: z.string().min(1).default('./data/webpush-vapid-key.pem'),
    /** RFC 8292 §2.1: a contact for the push service's operator, mailto: or https:. */
    vapid_subject: z.string().regex(VAPID_SUBJECT, 'must be a mailto: or https: URI (RFC 8292 §2.1)').default('mailto:push@example.com'),
    /** Seconds the push service keeps a message for an offline browser (the TTL header) when the notification names none; RFC 8030 §5.2, at most 30 days here. */
    default_ttl_s: z.number().int().min(0).max(2_592_000).default(3_600),
    /**
     * Push-service origins with a sender group open at once; past this the least recently used one is
     * closed (its pushes finish first). Endpoints come from clients: this bounds the connections they can make us open.
     */
    max_origins: positiveInt.max(10_000).default(64),
    // `connections` is per origin; max_in_flight at most 100, as push services do not advertise more streams (RFC 9113 §6.5.2 recommends ≥ 100).
    ...providerConnectionKeys({ section: 'webpush', maxInFlight: 100 }),
    connections: connectionCount.default(1),
  })
  // A new section: no renamed key to point at.
  .omit({ reconnect_backoff_ms: true })
  .strict();

/**
 * The App Server's bridge to a remote MongoosePush-compatible push service (MongooseIM's
 * mod_push_service_mongoosepush): when enabled, the App Server hands its notifications over
 * HTTP to `url` instead of to this engine's own APNS/FCM pools.
 */
const remotePush = z
  .object({
    enabled: z.boolean().default(false),
    /** Base URL (http: or https:, optionally with a path prefix); required when enabled. */
    url: z
      .string()
      .url()
      .refine((u) => /^https?:$/.test(parsedUrl(u)?.protocol ?? 'http:'), 'must be an http: or https: URL')
      .refine((u) => !parsedUrl(u)?.search && !parsedUrl(u)?.hash, 'must have no query or fragment')
      .optional(),
    /** MongoosePush API: v1 flat bodies, v2/v3 deep bodies (v3 is MongooseIM's default and answers 410 for a dead device). */
    api_version: z.enum(['v1', 'v2', 'v3']).default('v3'),
    /** Keep-alive HTTP/1.1 connections, one request each at a time (MongooseIM max_http_connections: 100). */
    connections: positiveInt.max(1_000).default(100),
    /** Notifications waiting for a free connection; one more is refused at once (wait/resource-constraint). */
    max_pending: z.number().int().min(0).max(100_000).default(1_000),
    /** ms from a request going out to its whole answer; then `wait` (MongooseIM's HTTP pool: 2 s). */
    request_timeout_ms: positiveInt.default(2_000),
    /** Sent as `Authorization: Bearer <token>` (a Herald service's rest.auth_tokens). */
    auth_token: z.string().regex(/^[A-Za-z0-9\-._~+/]+=*$/, 'must be an RFC 6750 b64token').optional(),
    /** PEM CA trusted besides the public roots, e.g. a self-signed service's certificate. */
    ca_file: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((remote, ctx) => {
    if (remote.enabled && remote.url === undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: 'required when enabled = true' });
  });

const apnsSimulator = z
  .object({
    /** `herald start` (simulators/for-config.ts) starts the bundled APNS simulator and points every APNS pool at it. */
    enabled: z.boolean().default(true),
    bind: z.string().min(1).default('127.0.0.1'),
    /** 0 = any free port. */
    port: port.default(0),
    /** MAX_CONCURRENT_STREAMS advertised once a valid token was seen (Apple: 500–1500). */
    max_concurrent_streams: positiveInt.default(1_000),
    /** Accept every well-formed request without token checks (benchmarks). */
    accept_all: z.boolean().default(false),
    /** Added answer latency in ms, for load tests. */
    latency_ms: ms.default(0),
    /**
     * Requests kept for the control API of each kind (accepted, rejected, faulted), the newest;
     * 0 keeps none. A record with its request whole is up to ~6 KB (a 5 KB VoIP payload, headers):
     * 10 000 of each kind is ~180 MB at worst, a few MB for ordinary pushes.
     */
    records_kept: z.number().int().nonnegative().default(10_000),
  })
  .strict();

const fcmSimulator = z
  .object({
    /** `herald start` (simulators/for-config.ts) starts the bundled FCM simulator and points every FCM pool (and its token requests) at it. */
    enabled: z.boolean().default(true),
    bind: z.string().min(1).default('127.0.0.1'),
    /** 0 = any free port. */
    port: port.default(0),
    /** Accept every well-formed request without OAuth checks (benchmarks). */
    accept_all: z.boolean().default(false),
    /** Added answer latency in ms, for load tests. */
    latency_ms: ms.default(0),
    /**
     * Requests kept for the control API of each kind (accepted, rejected, faulted), the newest;
     * 0 keeps none. A record with its request whole is up to ~9 KB (an 8 KB message kept, headers):
     * 10 000 of each kind is ~270 MB at worst, a few MB for ordinary pushes.
     */
    records_kept: z.number().int().nonnegative().default(10_000),
  })
  .strict();

const webpushSimulator = z
  .object({
    /** `herald start` (simulators/for-config.ts) starts the bundled Web Push service simulator and has Herald trust its CA; subscriptions it hands out point at it. */
    enabled: z.boolean().default(true),
    bind: z.string().min(1).default('127.0.0.1'),
    /** 0 = any free port. */
    port: port.default(0),
    /** Accept every push without VAPID checks or decryption (benchmarks). */
    accept_all: z.boolean().default(false),
    /** Pushes kept of each kind (accepted, rejected, faulted), the newest; 0 keeps none. A record is at most ~5 KB (a 4 KB body decrypted, headers). */
    records_kept: z.number().int().nonnegative().default(10_000),
  })
  .strict();

const simulatorControl = z
  .object({
    /** The control API (simulators/control/) over the running simulators: deliveries, device programs, fault modes. */
    enabled: z.boolean().default(true),
    /** Loopback by default: it can make the simulators fail every push. */
    bind: z.string().min(1).default('127.0.0.1'),
    /**
     * 0 = any free port, as the simulators' own (`herald start` prints the push inbox's URL).
     * config/default.toml sets 8025 so that `npm start` serves the inbox at a known address.
     */
    port: port.default(0),
    /** Bearer token the API requires; required when `bind` is not loopback. */
    auth_token: z.string().min(1).optional(),
    /** Largest request body, bytes: a device program or fault setting is a few hundred. */
    max_body_bytes: positiveInt.default(65_536),
    /** Deliveries per page when `limit` is not given. */
    page_size: positiveInt.default(50),
    /** Largest `limit` a page may ask for: a page is built and serialised in one go. */
    max_page_size: positiveInt.default(1_000),
  })
  .strict();

/** 127.0.0.0/8, ::1 and localhost: reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

const log = z
  .object({
    /**
     * Lowest level written (`herald start`'s logger; an embedding host's own logger filters itself):
     * debug adds per-request lines (refused pushes, HTTP/2 streams), info the changes an operator acts on.
     */
    level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  })
  .strict();

export const configSchema = z
  .object({
    log: log.default(() => log.parse({})),
    xmpp: xmpp.default(() => xmpp.parse({})),
    actors: actors.default(() => actors.parse({})),
    shards: shards.default(() => shards.parse({})),
    store: store.default(() => store.parse({})),
    xmpp_server: xmppServer.default(() => xmppServer.parse({})),
    app_server: appServer.default(() => appServer.parse({})),
    component: component.default(() => component.parse({})),
    apns: apns.default(() => apns.parse({})),
    fcm: fcm.default(() => fcm.parse({})),
    webpush: webpush.default(() => webpush.parse({})),
    rest: rest.default(() => rest.parse({})),
    remote_push: remotePush.default(() => remotePush.parse({})),
    plugins: plugins.default(() => plugins.parse({})),
    simulators: z
      .object({
        apns: apnsSimulator.default(() => apnsSimulator.parse({})),
        fcm: fcmSimulator.default(() => fcmSimulator.parse({})),
        webpush: webpushSimulator.default(() => webpushSimulator.parse({})),
        control: simulatorControl.default(() => simulatorControl.parse({})),
      })
      .strict()
      .default(() => ({ apns: apnsSimulator.parse({}), fcm: fcmSimulator.parse({}), webpush: webpushSimulator.parse({}), control: simulatorControl.parse({}) })),
  })
  .strict()
  .superRefine((c, ctx) => {
    // A claim must outlive the request that took it, or a retry would find it abandoned while
    // its push is still under way (and answer outcome_unknown for a push that then succeeds).
    const longest = longestRestRequestMs(c);
    const lease = c.rest.idempotency.lease_ms;
    if (c.rest.enabled && lease !== undefined && lease <= longest.ms) {
      ctx.addIssue({
        code: 'custom',
        path: ['rest', 'idempotency', 'lease_ms'],
        message: `must exceed the longest a REST request can take, ${longest.ms} ms (${longest.how}); leave it unset to follow them`,
      });
    }
    if (c.rest.idempotency.retention_ms <= idempotencyLeaseMs(c)) {
      ctx.addIssue({
        code: 'custom',
        path: ['rest', 'idempotency', 'retention_ms'],
        message: `must exceed the claim lease, ${idempotencyLeaseMs(c)} ms (rest.idempotency.lease_ms, or the longest request + ${IDEMPOTENCY_LEASE_MARGIN_MS} ms): a claim is never swept while live`,
      });
    }
    // The control API can make every push fail: beyond this machine it must ask for a token.
    const control = c.simulators.control;
    if (control.enabled && !isLoopbackHost(control.bind) && control.auth_token === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['simulators', 'control', 'auth_token'],
        message: `required when simulators.control.bind (${control.bind}) is not loopback`,
      });
    }
    // The leadership is a PostgreSQL advisory lock: the instances must share that PostgreSQL.
    if (c.component.instances === 'one_holds_the_link' && c.store.backend !== 'postgres') {
      ctx.addIssue({
        code: 'custom',
        path: ['component', 'instances'],
        message: 'one_holds_the_link needs store.backend = "postgres" (the leadership is an advisory lock in the PostgreSQL the instances share)',
      });
    }
  });

export type HeraldConfig = z.infer<typeof configSchema>;

type ProviderTimings = Pick<HeraldConfig['apns'], 'enabled' | 'request_timeout_ms' | 'retry_attempts' | 'retry_after_max_ms'>;

/**
 * The longest a REST request may take from its headers to its answer, and the keys it comes from:
 * its body (rest.body_timeout_ms), then the slower enabled provider's push: every attempt up to
 * its request timeout, plus what may be held between attempts (retry_after_max_ms).
 */
export function longestRestRequestMs(c: Pick<HeraldConfig, 'rest' | 'apns' | 'fcm'> & { webpush?: ProviderTimings }): { ms: number; how: string } {
  const push = (section: 'apns' | 'fcm' | 'webpush', p: ProviderTimings) => ({
    ms: p.enabled ? (p.retry_attempts + 1) * p.request_timeout_ms + p.retry_after_max_ms : 0,
    how: `(${section}.retry_attempts + 1) × ${section}.request_timeout_ms + ${section}.retry_after_max_ms`,
  });
  const apns = push('apns', c.apns);
  const fcm = push('fcm', c.fcm);
  const webpush = c.webpush === undefined ? fcm : push('webpush', c.webpush);
  const slower = [apns, fcm, webpush].reduce((a, b) => (b.ms > a.ms ? b : a));
  return { ms: c.rest.body_timeout_ms + slower.ms, how: `rest.body_timeout_ms + ${slower.how}` };
}
/**
 * What an unset rest.idempotency.lease_ms adds to the longest request: a claim outlives the request
 * that took it by this much, so that an event-loop stall, a GC pause or a slow commit on the way to
 * the answer never has a retry find a live push's claim abandoned (and answer outcome_unknown).
 */
export const IDEMPOTENCY_LEASE_MARGIN_MS = 10_000;

/** ms an Idempotency-Key claim stays live without its answer: `rest.idempotency.lease_ms`, or the longest request plus the margin. */
export function idempotencyLeaseMs(c: Pick<HeraldConfig, 'rest' | 'apns' | 'fcm'> & { webpush?: ProviderTimings }): number {
  return c.rest.idempotency.lease_ms ?? longestRestRequestMs(c).ms + IDEMPOTENCY_LEASE_MARGIN_MS;
}

export type ApnsConfig = HeraldConfig['apns'];
export type ComponentConfig = HeraldConfig['component'];
export type ApnsPoolConfig = z.infer<typeof apnsPool>;
export type FcmPoolConfig = z.infer<typeof fcmPool>;
export type FcmConfig = HeraldConfig['fcm'];
export type WebPushConfig = HeraldConfig['webpush'];
export type RestConfig = HeraldConfig['rest'];
