/**
 * `{base path}/{api_version}/notification/{device_id}`, as MongooseIM builds it. Pure.
 *
 * MongooseIM puts the device id into the path as-is. APNS tokens (hex) and FCM registration
 * tokens ([A-Za-z0-9_:-]) are RFC 3986 `pchar`s, so they go as-is here too; any other character
 * (`/`, `?`, `#`, `%`, space, non-ASCII) is percent-encoded so that the id stays one path
 * segment, which a MongoosePush-compatible server decodes.
 */
import type { RemoteApiVersion } from './request-body.js';

/** RFC 3986 §3.3: pchar = unreserved / pct-encoded / sub-delims / ":" / "@". */
const NOT_PCHAR = /[^A-Za-z0-9\-._~!$&'()*+,;=:@]/gu;

/** One path segment holding `deviceId`. */
export function devicePathSegment(deviceId: string): string {
  return deviceId.replace(NOT_PCHAR, escapeChar);
}

function escapeChar(c: string): string {
  try {
    return encodeURIComponent(c);
  } catch {
    return '%EF%BF%BD'; // a lone surrogate: U+FFFD, as a UTF-8 encoder would write it
  }
}

/** The request path under `basePath` (the service URL's path, e.g. "/" or "/mongoosepush/"). */
export function notificationPath(basePath: string, version: RemoteApiVersion, deviceId: string): string {
  const base = basePath.endsWith('/') ? basePath.slice(0, -1) : basePath;
  return `${base}/${version}/notification/${devicePathSegment(deviceId)}`;
}
