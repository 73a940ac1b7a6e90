/**
 * A bare node:http2 FCM client for the simulator tests: RS256 assertions signed with
 * node:crypto and one request per call, so each test sees exactly what went over the wire.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { once } from 'node:events';
import { connect, type ClientHttp2Session, type OutgoingHttpHeaders } from 'node:http2';
import { FCM_SCOPE, JWT_BEARER_GRANT, type FcmSimulator, type ServiceAccount } from '../../../src/simulators/fcm/index.js';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: Record<string, any> | undefined;
}

/** An RS256 assertion for `account`; `claims` override the valid ones (undefined removes one). */
export function signAssertion(
  account: ServiceAccount,
  claims: Record<string, unknown> = {},
  privateKeyPem = account.private_key,
): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = {
    iss: account.client_email,
    scope: FCM_SCOPE,
    aud: account.token_uri,
    iat: now,
    exp: now + 3600,
    ...claims,
  };
  const signed = `${part({ alg: 'RS256', typ: 'JWT', kid: account.private_key_id })}.${part(payload)}`;
  const signature = sign('sha256', Buffer.from(signed), createPrivateKey(privateKeyPem));
  return `${signed}.${signature.toString('base64url')}`;
}

export function grantForm(assertion: string, grantType = JWT_BEARER_GRANT): string {
  return new URLSearchParams({ grant_type: grantType, assertion }).toString();
}

export async function connectTo(sim: { url: string; ca: string }): Promise<ClientHttp2Session> {
  const session = connect(sim.url, { ca: sim.ca });
  session.on('error', () => {});
  await once(session, 'remoteSettings');
  return session;
}

/** One POST on `session`, resolved with the whole answer. */
export function post(
  session: ClientHttp2Session,
  path: string,
  body: string | Buffer,
  headers: OutgoingHttpHeaders = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': path, ...headers });
    const chunks: Buffer[] = [];
    let head: Record<string, string | string[] | undefined> | undefined;
    stream.on('response', (h) => (head = h as typeof head));
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', reject);
    // A stream that closes before any response (a dropped connection) is a failure, not an answer.
    stream.on('close', () => reject(new Error(`stream closed without a response (code ${stream.rstCode})`)));
    stream.on('end', () => {
      if (head === undefined) return;
      const text = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, any> | undefined;
      try {
        json = text === '' ? undefined : (JSON.parse(text) as Record<string, any>);
      } catch {
        json = undefined;
      }
      resolve({ status: Number(head[':status']), headers: head, body: text, json });
    });
    stream.end(body);
  });
}

export function requestToken(session: ClientHttp2Session, form: string): Promise<Answer> {
  return post(session, '/token', form, { 'content-type': 'application/x-www-form-urlencoded' });
}

/** A fresh access token for the simulator's own service account. */
export async function accessToken(session: ClientHttp2Session, sim: FcmSimulator): Promise<string> {
  const answer = await requestToken(session, grantForm(signAssertion(sim.serviceAccount)));
  if (answer.status !== 200) throw new Error(`token endpoint said ${answer.status}: ${answer.body}`);
  return answer.json!.access_token as string;
}

export function sendPath(sim: FcmSimulator, projectId = sim.projectId): string {
  return `/v1/projects/${projectId}/messages:send`;
}

/** POSTs `{message}` (or a raw body) to messages:send with `token` as bearer. */
export function send(
  session: ClientHttp2Session,
  sim: FcmSimulator,
  accessTokenValue: string | undefined,
  body: object | string,
  projectId?: string,
): Promise<Answer> {
  const headers: OutgoingHttpHeaders = { 'content-type': 'application/json' };
  if (accessTokenValue !== undefined) headers.authorization = `Bearer ${accessTokenValue}`;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return post(session, sendPath(sim, projectId), text, headers);
}

export const DEVICE = 'fcm-device-token-1:APA91bHexample';

/** The FcmError code of a google.rpc.Status answer, if any. */
export function fcmErrorCode(answer: Answer): string | undefined {
  const details = answer.json?.error?.details as Array<Record<string, unknown>> | undefined;
  return details?.find((d) => d['@type'] === 'type.googleapis.com/google.firebase.fcm.v1.FcmError')?.errorCode as
    | string
    | undefined;
}
