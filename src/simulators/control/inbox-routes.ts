/**
 * The push inbox on the control API's port: the page (`GET /` or `/inbox`), its stylesheet and
 * scripts (`/inbox/...`, all served from here: no CDN), and the live stream (`GET /events`).
 *
 * The page and its files are static and hold no data, so they are served without the bearer
 * token; the page passes the token it was opened with (`/?token=...`) to the API in the
 * Authorization header, and to `/events` as `?token=`, since an EventSource cannot set headers.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../core/log.js';
import type { Simulators } from './deliveries.js';
import { EVENT_STREAM_DEFAULTS, serveEventStream, type EventStreamOptions } from './event-stream.js';
import { INBOX_CSS } from './inbox/page-css.js';
import { INBOX_HTML } from './inbox/page-html.js';

/** Compiled by inbox/browser/tsconfig.json (`npm run build`) beside this module in dist. */
const BROWSER_DIR = new URL('./inbox/browser/', import.meta.url);
/** The browser modules the page loads; nothing else under that folder is served. */
const SCRIPTS = ['main.js', 'api.js', 'push-summary.js', 'view.js'];

/** The page runs only what this server sends (payload text is attacker-controlled). */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** The control server's options the inbox uses. */
export interface InboxOptions {
  authToken?: string;
  /** The live stream's limits over EVENT_STREAM_DEFAULTS (tests lower them). */
  stream?: Partial<EventStreamOptions>;
  /** Where a stream client dropped for not reading is logged. */
  log?: Logger;
}

/** Serves `req` when it is an inbox route (true); false leaves it to the JSON API. */
export function serveInbox(sims: Simulators, options: InboxOptions, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const url = new URL(req.url ?? '/', 'http://control');
  const path = url.pathname;
  if (path === '/' || path === '/inbox' || path === '/inbox/') return serve(res, 'text/html; charset=utf-8', INBOX_HTML);
  if (path === '/inbox/inbox.css') return serve(res, 'text/css; charset=utf-8', INBOX_CSS);
  const script = /^\/inbox\/([a-z-]+\.js)$/.exec(path)?.[1];
  if (script !== undefined && SCRIPTS.includes(script)) return serve(res, 'text/javascript; charset=utf-8', browserScript(script));
  if (path !== '/events') return false;
  if (options.authToken !== undefined && !tokenGiven(req, url, options.authToken)) {
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
    res.end(JSON.stringify({ error: 'a bearer token is required (Authorization header, or ?token= for an EventSource)' }));
    return true;
  }
  serveEventStream(sims, req, res, { ...EVENT_STREAM_DEFAULTS, ...options.stream, ...(options.log ? { log: options.log } : {}) });
  return true;
}

function serve(res: ServerResponse, type: string, body: string | undefined): true {
  if (body === undefined) {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'the inbox scripts are not built: run `npm run build`' }));
    return true;
  }
  res.writeHead(200, { 'content-type': type, ...SECURITY_HEADERS }).end(body);
  return true;
}

const scripts = new Map<string, string>();

/** A compiled browser module, read once; undefined when the build did not make it. */
function browserScript(name: string): string | undefined {
  if (!scripts.has(name)) {
    try {
      scripts.set(name, readFileSync(new URL(name, BROWSER_DIR), 'utf8'));
    } catch {
      return undefined;
    }
  }
  return scripts.get(name);
}

/** `Authorization: Bearer <token>` or `?token=<token>`, compared in constant time. */
function tokenGiven(req: IncomingMessage, url: URL, token: string): boolean {
  const header = req.headers.authorization;
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : (url.searchParams.get('token') ?? ''));
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
