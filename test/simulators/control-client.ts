/** A JSON client for the simulators' control API, for the tests. */

export interface ControlAnswer {
  status: number;
  headers: Headers;
  json: Record<string, any> | undefined;
}

/** One request to the control API at `base`; the answer with its JSON body parsed. */
export async function call(base: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<ControlAnswer> {
  const res = await fetch(base + path, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text === '' ? undefined : (JSON.parse(text) as Record<string, any>) };
}

/** Control API options for a test server: loopback, any free port. */
export const CONTROL_OPTIONS = { host: '127.0.0.1', port: 0, maxBodyBytes: 65_536, defaultLimit: 50, maxLimit: 1_000 };
