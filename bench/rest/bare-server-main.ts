/**
 * The REST benchmark's reference endpoints: a bare node:http (argv[2] = 'http') or node:https
 * ('https', with a fresh self-signed localhost pair as Herald's REST API uses) server that reads
 * the body, JSON.parses it and answers 200 `null` — MongoosePush's success answer with none of
 * the work behind it. Runs in its own process (see ready-child.ts).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateLocalhostPair } from '../../src/core/tls.js';
import { announceReady } from './ready-child.js';

const scheme = process.argv[2];
if (scheme !== 'http' && scheme !== 'https') throw new Error(`usage: bare-server-main.js http|https (got ${scheme})`);

function answer(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    const body = 'null';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
  });
}

const server = scheme === 'http' ? http.createServer(answer) : https.createServer(await generateLocalhostPair(), answer);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  announceReady(`${scheme}://127.0.0.1:${port}`, async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
