/**
 * What no log line may carry: device tokens, message content, credentials. Every line goes through
 * `redact()` — Herald's own (core/log.ts runs it as pino's `formatters.log`) and a host's logger's
 * (`redacting()` in core/log.ts). Redaction happens in three steps:
 * 1. By field name, at any depth. Names are compared without case or separators, so `device_id`,
 *    `deviceId` and `Device-Id` are one name.
 *    - Device tokens (`device_id`, `device_token`, …) become a hint: the first HINT_CHARS
 *      characters and the length (`a1b2c3…[64]`). An operator can find the device MongooseIM
 *      reported; nobody can push to it (6 of 64 hex digits of an APNS token). Tokens shorter
 *      than MIN_HINTED_CHARS are fully redacted (6 characters would be most of them).
 *    - Credentials (`*token`, `authorization`, `bearer`, `jwt`, `assertion`, `secret`,
 *      `password`, `private_key`, `key`, `cookie`) and message content (`body`, `title`,
 *      `alert`, `data`, `payload`, `last-message-body`, …) become "[redacted]".
 * 2. The values hidden in step 1 are scrubbed from every other string of the same line, error
 *    messages included: a call site logging `{ error, device_id }` knows the error's message
 *    cannot repeat the token verbatim.
 * 3. Whatever the field names, every string is scrubbed of what has the shape of a credential:
 *    `Bearer …`, JWTs, PEM private keys, Google OAuth access tokens and runs of 64 or more token
 *    characters (APNS device tokens are 64 hex digits, FCM registration tokens ~150 characters
 *    of [A-Za-z0-9_:-]).
 */
export const REDACTED = '[redacted]';
/** Characters of a device token a hint shows. */
const HINT_CHARS = 6;
/** Below this length a device token gets no hint: its first characters would be most of it. */
const MIN_HINTED_CHARS = 32;
/**
 * Hidden values shorter than this are not scrubbed from the rest of the line: "1" or "ok" would
 * shred every other field and protect nothing.
 */
const MIN_SCRUBBED_CHARS = 4;
/** Nesting logged at most; deeper values (or a cycle) are cut. */
const MAX_DEPTH = 8;

/** Field names compared as lowercase letters and digits only. */
function normalized(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const DEVICE_TOKEN_NAMES: ReadonlySet<string> = new Set(['deviceid', 'devicetoken', 'registrationtoken', 'pushtoken']);
const HIDDEN_NAMES: ReadonlySet<string> = new Set([
  // credentials
  'authorization', 'proxyauthorization', 'bearer', 'jwt', 'assertion', 'cookie', 'setcookie', 'key',
  'privatekey', 'privatekeypem', 'secret', 'secrets', 'password', 'passphrase',
  // message content (MongoosePush fields and the XEP-0357 summary)
  'body', 'messagebody', 'lastmessagebody', 'title', 'alert', 'data', 'payload', 'requestbody', 'rawbody',
]);
/** `access_token`, `refresh_token`, `auth_tokens`, `client_secret`, `apns_private_key`, … */
const HIDDEN_SUFFIXES: readonly string[] = ['token', 'tokens', 'secret', 'password', 'privatekey', 'privatekeypem'];

type Treatment = 'hint' | 'hide' | undefined;

function treatmentOf(name: string): Treatment {
  const n = normalized(name);
  if (DEVICE_TOKEN_NAMES.has(n)) return 'hint';
  if (HIDDEN_NAMES.has(n) || HIDDEN_SUFFIXES.some((s) => n.endsWith(s))) return 'hide';
  return undefined;
}

/** `a1b2c3…[64]`: enough to recognise a device, not enough to address it. */
export function deviceTokenHint(token: string): string {
  return token.length < MIN_HINTED_CHARS ? REDACTED : `${token.slice(0, HINT_CHARS)}…[${token.length}]`;
}

/** Step 3: shapes of credentials, whatever field they sit in. */
const CREDENTIAL_SHAPES: ReadonlyArray<readonly [RegExp, string]> = [
  // RFC 7468 PEM; an unterminated block is cut to the end of the string.
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, '[redacted private key]'],
  // RFC 6750 §2.1 / RFC 7617 credentials in an Authorization header value.
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`],
  // RFC 7519 compact JWT: base64url('{"…') always starts with "eyJ"; three dot-separated parts.
  [/\beyJ[\w-]*\.[\w-]+\.[\w-]*/g, '[redacted jwt]'],
  // Google OAuth 2.0 access tokens (FCM HTTP v1) start with "ya29.".
  [/\bya29\.[\w.-]+/g, '[redacted access token]'],
  // Device tokens and other long opaque credentials (base64 without '/', hex, FCM's [A-Za-z0-9_:-]).
  [/[A-Za-z0-9_:+=-]{64,}/g, REDACTED],
];

function scrubString(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  for (const [shape, replacement] of CREDENTIAL_SHAPES) out = out.replace(shape, replacement);
  return out;
}

/** Step 1's hidden values, as strings to scrub from the rest of the line. */
function collectHidden(value: unknown, depth: number, into: Set<string>, hidden: boolean): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    if (hidden && value.length >= MIN_SCRUBBED_CHARS) into.add(value);
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    if (hidden && String(value).length >= MIN_SCRUBBED_CHARS) into.add(String(value));
  } else if (Array.isArray(value)) {
    for (const item of value) collectHidden(item, depth + 1, into, hidden);
  } else if (value !== null && typeof value === 'object' && !(value instanceof Error)) {
    for (const [k, v] of Object.entries(value)) collectHidden(v, depth + 1, into, hidden || treatmentOf(k) !== undefined);
  }
}

function redactValue(value: unknown, depth: number, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return scrubString(value, secrets);
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? String(value) : value;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (value instanceof Error) {
    return { message: scrubString(value.message, secrets), code: (value as { code?: unknown }).code };
  }
  if (value instanceof Date) return value.toISOString();
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, secrets));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const treatment = treatmentOf(k);
    if (treatment === undefined) out[k] = redactValue(v, depth + 1, secrets);
    else if (v === undefined || v === null) out[k] = v;
    else if (treatment === 'hint' && typeof v === 'string') out[k] = deviceTokenHint(v);
    else out[k] = REDACTED;
  }
  return out;
}

/** The fields of one log line with every device token, message content and credential removed. */
export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const hidden = new Set<string>();
  collectHidden(fields, 0, hidden, false);
  // Longest first, so that a secret containing another is removed whole.
  const secrets = [...hidden].sort((a, b) => b.length - a.length);
  return redactValue(fields, 0, secrets) as Record<string, unknown>;
}
