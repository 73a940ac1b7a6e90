/**
 * A bare node:http2 APNS client for the simulator tests: ES256 provider tokens signed with
 * node:crypto and one request per call, so each test sees exactly what went over the wire.
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { connect, type ClientHttp2Session, type ClientHttp2Stream, type OutgoingHttpHeaders } from 'node:http2';
import { once } from 'node:events';

export const TEAM = 'TEAM123456';
export const KEY_ID = 'KEY1234567';
export const TOPIC = 'com.example.app';

export interface ProviderKey {
  keyId: string;
  privateKey: KeyObject;
  publicKeyPem: string;
}

export function makeProviderKey(keyId = KEY_ID): ProviderKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { keyId, privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** A provider token: header {alg: ES256, kid}, claims {iss, iat}, JWS signature R||S. */
export function signJwt(key: ProviderKey, iatSeconds: number, teamId = TEAM): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${part({ alg: 'ES256', kid: key.keyId })}.${part({ iss: teamId, iat: iatSeconds })}`;
  const signature = sign('sha256', Buffer.from(signed), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signed}.${signature.toString('base64url')}`;
}

export function deviceToken(): string {
  return randomBytes(32).toString('hex');
}

export async function connectTo(sim: { url: string; ca: string }): Promise<ClientHttp2Session> {
  const session = connect(sim.url, { ca: sim.ca });
  session.on('error', () => {});
  await once(session, 'remoteSettings');
  return session;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The JSON body, or undefined when the body is empty. */
  json: Record<string, unknown> | undefined;
}

export interface Push {
  token?: string;
  path?: string;
  method?: string;
  jwt?: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
}

/** The usual headers of a valid alert push, overridable per test. */
export function pushHeaders(push: Push): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    ':method': push.method ?? 'POST',
    ':path': push.path ?? `/3/device/${push.token ?? deviceToken()}`,
    'apns-topic': TOPIC,
    'apns-push-type': 'alert',
    'apns-priority': '10',
    ...push.headers,
  };
  if (push.jwt !== undefined) headers.authorization = `bearer ${push.jwt}`;
  for (const [name, value] of Object.entries(headers)) if (value === undefined) delete headers[name];
  return headers;
}

export const ALERT_BODY = JSON.stringify({ aps: { alert: { title: 'Hi', body: 'there' } } });

/** Opens a stream for `push`; the caller reads the outcome. */
export function open(session: ClientHttp2Session, push: Push): ClientHttp2Stream {
  const stream = session.request(pushHeaders(push));
  stream.end(push.body ?? ALERT_BODY);
  return stream;
}

/** Sends `push` and resolves with the answer; rejects if the stream dies without one. */
export function send(session: ClientHttp2Session, push: Push): Promise<Answer> {
  return answerOf(open(session, push));
}

export function answerOf(stream: ClientHttp2Stream): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let headers: Answer['headers'] = {};
    const chunks: Buffer[] = [];
    stream.on('response', (h) => (headers = h));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('close', () => {
      if (headers[':status'] === undefined) {
        return reject(new Error(`stream closed without an answer (rst ${stream.rstCode})`));
      }
      const body = Buffer.concat(chunks).toString('utf8');
      resolve({
        status: Number(headers[':status']),
        headers,
        body,
        json: body === '' ? undefined : (JSON.parse(body) as Record<string, unknown>),
      });
    });
  });
}
