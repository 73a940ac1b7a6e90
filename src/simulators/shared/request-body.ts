/**
 * A request body read to its end before the simulator answers (as Apple and Google answer after
 * the request's end). Only the first `limit` bytes are kept: past the largest body the simulator
 * accepts, only the size matters.
 */
import type { Readable } from 'node:stream';

export function readBody(request: Readable, limit: number, onEnd: (body: Buffer, size: number) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    if (size < limit) chunks.push(chunk);
    size += chunk.length;
  });
  request.once('end', () => onEnd(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), size));
}
