/**
 * The simulators' control API: a plain HTTP server (loopback by default) over the running
 * simulators, JSON in and out. Deliveries (list, one, clear), device programs and fault modes;
 * a bearer token when configured (required by the config beyond loopback).
 */
import { timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isHeraldError } from '../../core/errors.js';
import { faultSettingProblems, unknownFaultKeys, type FaultSettings } from '../shared/fault-settings.js';
import { deliveryPage, findDelivery, SERVICES, type Service, type Simulators } from './deliveries.js';
import { behaviourFor, ProgramError } from './device-programs.js';
import { serveInbox, type InboxOptions } from './inbox-routes.js';
import { CONTROL_OPENAPI_DOCUMENT } from './openapi.js';

export interface ControlOptions extends InboxOptions {
  host: string;
  /** 0 = any free port. */
  port: number;
  /** Required as `Authorization: Bearer <token>` when set. */
  authToken?: string;
  /** Largest request body read, bytes: a program or fault setting is a few hundred. */
  maxBodyBytes: number;
  /** Page size when `limit` is not given, and the largest allowed. */
  defaultLimit: number;
  maxLimit: number;
}

export interface ControlServer {
  /** http://HOST:PORT */
  readonly url: string;
  close(): Promise<void>;
}

class HttpProblem extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function startControlServer(sims: Simulators, options: ControlOptions): Promise<ControlServer> {
  const server: Server = createServer((req, res) => {
    handle(sims, options, req, res).catch((e: unknown) => {
      // A program or fault setting a simulator refuses (its own checks, behind ours) is the client's: 422.
      const refused = e instanceof ProgramError || isHeraldError(e, 'HERALD_CONFIG_INVALID');
      const status = e instanceof HttpProblem ? e.status : refused ? 422 : 500;
      const error = e instanceof Error ? e.message : String(e);
      send(res, status, e instanceof ProgramError ? { error, field: e.field } : { error });
    });
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

async function handle(sims: Simulators, options: ControlOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (serveInbox(sims, options, req, res)) return; // the page, its files and /events (inbox-routes.ts)
  if (options.authToken !== undefined && !bearerMatches(req.headers.authorization, options.authToken)) {
    res.setHeader('www-authenticate', 'Bearer');
    throw new HttpProblem(401, 'a bearer token is required');
  }
  const url = new URL(req.url ?? '/', 'http://control');
  const parts = url.pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  const method = req.method ?? 'GET';
  const route = (methods: string[]): void => {
    if (!methods.includes(method)) {
      res.setHeader('allow', methods.join(', '));
      throw new HttpProblem(405, `${method} is not allowed on ${url.pathname}`);
    }
  };
  if (parts[0] === 'openapi.json' && parts.length === 1) {
    route(['GET']);
    return send(res, 200, CONTROL_OPENAPI_DOCUMENT);
  }
  if (parts[0] === 'deliveries' && parts.length === 1) {
    route(['GET', 'DELETE']);
    if (method === 'DELETE') {
      sims.apns?.clearRecords();
      sims.fcm?.clearRecords();
      sims.webpush?.clearRecords();
      return send(res, 204);
    }
    return send(res, 200, deliveryPage(sims, deliveryFilter(url.searchParams), pageLimit(url.searchParams, options)));
  }
  if (parts[0] === 'deliveries' && parts.length === 2) {
    route(['GET']);
    const delivery = /^\d+$/.test(parts[1]!) ? findDelivery(sims, Number(parts[1])) : undefined;
    if (delivery === undefined) throw new HttpProblem(404, `no delivery ${parts[1]}`);
    return send(res, 200, delivery);
  }
  if (parts[0] === 'devices' && parts.length === 3) {
    route(['PUT', 'DELETE']);
    const service = serviceOf(parts[1]!);
    const token = parts[2]!;
    if (method === 'PUT') {
      const behaviour = behaviourFor(service, await jsonBody(req, options.maxBodyBytes));
      running(sims, service).program(token, behaviour as never);
      return send(res, 204);
    }
    running(sims, service).clearProgram(token);
    return send(res, 204);
  }
  if (parts[0] === 'devices' && parts.length === 2) {
    route(['DELETE']);
    running(sims, serviceOf(parts[1]!)).clearPrograms();
    return send(res, 204);
  }
  if (parts[0] === 'faults' && parts.length === 2) {
    route(['GET', 'PUT', 'DELETE']);
    const sim = running(sims, serviceOf(parts[1]!));
    if (method === 'GET') return send(res, 200, sim.faults.current());
    if (method === 'DELETE') {
      sim.faults.clear();
      return send(res, 204);
    }
    const body = await jsonBody(req, options.maxBodyBytes);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ProgramError('(body)', 'must be a JSON object');
    const problems = [...unknownFaultKeys(body), ...faultSettingProblems(body as FaultSettings)];
    if (problems.length > 0) throw new ProgramError(problems[0]!.split(' ')[0]!, `invalid fault settings: ${problems.join(', ')}`);
    sim.faults.set(body as FaultSettings);
    return send(res, 200, sim.faults.current());
  }
  throw new HttpProblem(404, `no route ${url.pathname}`);
}

function serviceOf(name: string): Service {
  if (!isService(name)) throw new HttpProblem(404, `unknown service ${name} (${SERVICES.join(', ')})`);
  return name as Service;
}

function isService(name: string): name is Service {
  return (SERVICES as readonly string[]).includes(name);
}

function running<S extends Service>(sims: Simulators, service: S): NonNullable<Simulators[S]> {
  const sim = sims[service];
  if (sim === undefined) throw new HttpProblem(404, `the ${service} simulator is not running`);
  return sim as NonNullable<Simulators[S]>;
}

function deliveryFilter(q: URLSearchParams) {
  const service = q.get('service') ?? undefined;
  if (service !== undefined && !isService(service)) throw new HttpProblem(400, `service must be one of ${SERVICES.join(', ')}`);
  return {
    ...(service !== undefined ? { service: service as Service } : {}),
    ...(q.has('device') ? { device: q.get('device')! } : {}),
    ...(q.has('topic') ? { topic: q.get('topic')! } : {}),
    ...(q.has('since') ? { since: wholeNumber(q, 'since') } : {}),
    ...(q.has('before') ? { before: wholeNumber(q, 'before') } : {}),
  };
}

function pageLimit(q: URLSearchParams, options: ControlOptions): number {
  if (!q.has('limit')) return options.defaultLimit;
  const limit = wholeNumber(q, 'limit');
  if (limit < 1 || limit > options.maxLimit) throw new HttpProblem(400, `limit must be 1..${options.maxLimit}`);
  return limit;
}

function wholeNumber(q: URLSearchParams, name: string): number {
  const text = q.get(name)!;
  if (!/^\d+$/.test(text)) throw new HttpProblem(400, `${name} must be a whole number`);
  return Number(text);
}

async function jsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpProblem(413, `body above ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw new HttpProblem(400, `bad JSON: ${(e as Error).message}`);
  }
}

/** Compared in constant time (a timing difference must not reveal the token). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body, null, 2));
}
