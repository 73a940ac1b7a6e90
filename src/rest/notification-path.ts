/**
 * `POST /{version}/notification/{device_id}` → version and device id. Pure.
 *
 * MongooseIM puts the device token into the path as-is (no URL encoding); tokens are hex (APNS)
 * or [A-Za-z0-9_:-] (FCM). Percent escapes are still decoded for other clients, and a malformed
 * escape leaves the segment as sent rather than failing. Like upstream's Phoenix router the id
 * is exactly one non-empty path segment; the query string is ignored.
 */
export interface NotificationPath {
  version: string;
  deviceId: string;
}

const SEGMENT = '/notification/';

export function matchNotificationPath(url: string): NotificationPath | undefined {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (path.charCodeAt(0) !== 0x2f /* / */) return undefined;
  const afterVersion = path.indexOf('/', 1);
  if (afterVersion <= 1 || !path.startsWith(SEGMENT, afterVersion)) return undefined;
  const raw = path.slice(afterVersion + SEGMENT.length);
  if (raw.length === 0 || raw.includes('/')) return undefined;
  return { version: path.slice(1, afterVersion), deviceId: decodeSegment(raw) };
}

function decodeSegment(raw: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // URIError: a lone or malformed %XX; keep the bytes the client sent
  }
}
