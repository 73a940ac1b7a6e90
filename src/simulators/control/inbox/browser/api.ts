/**
 * The control API as the page calls it: same origin, the bearer token the page was opened with
 * (`/?token=...`) when there is one. A refusal becomes an Error carrying the API's own words.
 */
const token = new URLSearchParams(location.search).get('token');

/** ms the answers to a "slow" device are held: long enough to see, shorter than Herald's request timeout. */
const SLOW_MS = 2_000;
/** Retry-After sent with "rate-limited", seconds. */
const RATE_LIMIT_RETRY_AFTER_S = 30;

export type DeviceProgramName = 'dead' | 'slow' | 'rate-limited' | 'normal';

/** The live stream's URL (an EventSource cannot send the Authorization header). */
export function eventsUrl(): string {
  return token === null ? '/events' : `/events?token=${encodeURIComponent(token)}`;
}

export async function call(method: 'GET' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<void> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (res.ok) return;
  let detail = res.statusText;
  try {
    const answer = (await res.json()) as { error?: unknown };
    if (typeof answer.error === 'string') detail = answer.error;
  } catch {
    // not JSON: the status text says it
  }
  throw new Error(`${method} ${path}: ${res.status} ${detail}`);
}

/** Applies one of the page's device buttons to `token` on `service`. */
export async function programDevice(name: DeviceProgramName, service: string, device: string): Promise<void> {
  const path = `/devices/${encodeURIComponent(service)}/${encodeURIComponent(device)}`;
  switch (name) {
    case 'dead':
      return call('PUT', path, { answer: 'unregistered' });
    case 'rate-limited':
      return call('PUT', path, { answer: 'too_many_requests', retryAfterS: RATE_LIMIT_RETRY_AFTER_S });
    case 'slow':
      return call('PUT', path, { latencyMs: SLOW_MS });
    case 'normal':
      return call('DELETE', path);
  }
}
