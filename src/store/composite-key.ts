/**
 * Keys made of several parts (user, pubsub JID, node; owner, node) and the prefix ranges that
 * read all keys sharing their first parts.
 *
 * The separator is U+001F. lmdb-js encodes string keys with ordered-binary, which writes the
 * characters U+0000–U+0004 escaped (two bytes) in strings shorter than 64 UTF-16 units and raw
 * in longer ones: with NUL as separator (Herald's first key format), a range bound (short) and a
 * long key disagreed, and range reads skipped every key of 64 units or more (a user's long
 * registrations were forgotten after passivation, and the registration and node caps, which
 * count by range, could be passed). U+001F is written the same way at every length, and it can
 * occur neither in a JID (RFC 7622 forbids control characters) nor in XML 1.0 text, so a key's
 * parts cannot be confused.
 */
import type { Database } from 'lmdb';

export const KEY_SEPARATOR = '\u001f';
/** The code point after the separator: the exclusive end of a prefix range. */
const AFTER_SEPARATOR = '\u0020';

/** The first key format's separator, still read once by `migrateKeyFormat`. */
const NUL_SEPARATOR = '\u0000';

export function compositeKey(...parts: string[]): string {
  return parts.join(KEY_SEPARATOR);
}

/** Every key whose first parts are `parts` (and that has at least one part more). */
export function prefixRange(...parts: string[]): { start: string; end: string } {
  const prefix = parts.join(KEY_SEPARATOR);
  return { start: prefix + KEY_SEPARATOR, end: prefix + AFTER_SEPARATOR };
}

/** The database holding each migrated database's key format (name → format). */
export const KEY_FORMATS_DB = 'store-key-formats';
/** Marker of the key format, in the `formats` database, one entry per migrated database. */
const CURRENT_FORMAT = 2;

/**
 * Rewrites a database's NUL-separated keys (format 1) with the current separator, once: a
 * marker records that it was done, so later starts read one key. Long format-1 keys come back
 * from lmdb-js as arrays (ordered-binary reads a raw NUL as its multipart separator); both
 * shapes are rewritten. One synchronous transaction: the database is never half migrated.
 */
export function migrateKeyFormat<V>(name: string, db: Database<V, string>, formats: Database<number, string>): number {
  if (formats.get(name) === CURRENT_FORMAT) return 0;
  let rewritten = 0;
  db.transactionSync(() => {
    for (const { key, value } of db.getRange({ snapshot: false })) {
      const raw = key as unknown;
      const parts = Array.isArray(raw)
        ? raw.map(String)
        : typeof raw === 'string' && raw.includes(NUL_SEPARATOR)
          ? raw.split(NUL_SEPARATOR)
          : undefined;
      if (!parts) continue;
      db.removeSync(key);
      db.putSync(compositeKey(...parts), value);
      rewritten++;
    }
    formats.putSync(name, CURRENT_FORMAT);
  });
  return rewritten;
}
