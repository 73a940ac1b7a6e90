/**
 * The REST benchmark's fair ceiling: a bare relay doing the network work Herald does for a
 * notification and none of its checks. A node:https server (a fresh self-signed EC P-256 pair,
 * as Herald's REST port generates; HTTP/1.1, which both serve a client that offers no ALPN, as
 * autocannon does) forwards each POST
 * body as it came to the APNS server behind it with a bare node:http2 client — `connections`
 * sessions of at most `streams` streams each, as Herald's APNS pool in the benchmark — to
 * `/3/device/<the last path segment>`, with apns-topic and a bearer provider token (`:path` and
 * `authorization` never indexed, as Apple asks and as Herald sends them), and answers 200 with
 * MongoosePush v3's success body (`null`) once APNS answered 200 (else 502). No JSON parsing, no
 * validation, no limits, no logging. Runs in its own process (see ready-child.ts).
 *
 *   node dist/bench/rest/bare-relay-main.js --apns-url URL --ca-file FILE --connections N --streams N
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http2, { type ClientHttp2Session } from 'node:http2';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { generateLocalhostPair } from '../../src/core/tls.js';
import { ApnsTokenProvider } from '../../src/push-service/apns/jwt.js';
import { announceReady } from './ready-child.js';
import { TOPIC } from './notification-request.js';

const { values } = parseArgs({
  options: {
    'apns-url': { type: 'string' },
    'ca-file': { type: 'string' },
    connections: { type: 'string' },
    streams: { type: 'string' },
  },
});
const connections = Number(values.connections);
const streams = Number(values.streams);
if (values['apns-url'] === undefined || values['ca-file'] === undefined || !(connections >= 1) || !(streams >= 1)) {
  throw new Error('usage: bare-relay-main.js --apns-url URL --ca-file FILE --connections N --streams N');
}
const apnsUrl = values['apns-url'];
const ca = readFileSync(values['ca-file'], 'utf8');

/** Any age in Apple's 20–60 min refresh band: one token serves the whole benchmark. */
const JWT_REFRESH_S = 3_000;
const AUTHORIZATION = new ApnsTokenProvider({
  teamId: 'HERALDTEAM',
  keyId: 'HERALDKEY1',
  privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
  refreshAfterS: JWT_REFRESH_S,
}).authorization();
const SENSITIVE = [':path', 'authorization'];
/** MongoosePush v3's answer to a delivered notification: the JSON document `null`. */
const SUCCESS_BODY = 'null';
const SUCCESS_HEADERS = { 'content-type': 'application/json', 'content-length': SUCCESS_BODY.length };

interface Session {
  session: ClientHttp2Session;
  inFlight: number;
}

interface Forward {
  token: string;
  body: Buffer;
  res: ServerResponse;
}

const sessions: Session[] = await Promise.all(Array.from({ length: connections }, () => connect()));
/** Requests waiting for a free stream (only when more than connections × streams are open). */
const waiting: Forward[] = [];

function connect(): Promise<Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(apnsUrl, { ca, peerMaxConcurrentStreams: streams });
    session.once('connect', () => resolve({ session, inFlight: 0 }));
    session.once('error', reject);
  });
}

/**
 * The first session with a free stream: load below one session's streams rides one connection,
 * so the frames of a turn's requests leave in fewer socket writes (Herald's sender threads
 * likewise keep light load on one thread and connection).
 */
function firstFree(): Session | undefined {
  for (const s of sessions) if (s.inFlight < streams) return s;
  return undefined;
}

function forward(f: Forward): void {
  const s = firstFree();
  if (s === undefined) return void waiting.push(f);
  s.inFlight++;
  const stream = s.session.request({
    ':method': 'POST',
    ':path': `/3/device/${f.token}`,
    'apns-topic': TOPIC,
    authorization: AUTHORIZATION,
    [http2.sensitiveHeaders]: SENSITIVE,
  });
  let answered = false;
  // APNS decides on its HEADERS (`:status 200`, no body): answered then, as Herald answers.
  stream.on('response', (headers) => {
    answered = true;
    if (headers[':status'] === 200) f.res.writeHead(200, SUCCESS_HEADERS).end(SUCCESS_BODY);
    else f.res.writeHead(502).end();
  });
  stream.on('error', () => {});
  stream.on('close', () => {
    s.inFlight--;
    if (!answered) f.res.writeHead(502).end();
    const next = waiting.shift();
    if (next !== undefined) forward(next);
  });
  stream.resume();
  stream.end(f.body);
}

function relay(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '';
  const token = url.slice(url.lastIndexOf('/') + 1);
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => forward({ token, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), res }));
}

const server = https.createServer(await generateLocalhostPair(), relay);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  announceReady(`https://127.0.0.1:${port}`, async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all(sessions.map((s) => new Promise<void>((resolve) => s.session.close(() => resolve()))));
  });
});
