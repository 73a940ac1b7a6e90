/** A reader of the control API's live stream (GET /events) for the tests. */
import { request, type IncomingMessage } from 'node:http';

/** An open /events response, its text as it arrives and the deliveries parsed from it. */
export interface OpenStream {
  res: IncomingMessage;
  text(): string;
  deliveries(): Array<{ id: number; device: string; answer: { status?: number } }>;
  close(): void;
}

export function openStream(base: string, path = '/events', headers: Record<string, string> = {}): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = request(base + path, { headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('error', () => {}); // closed by the test
      resolve({
        res,
        text: () => text,
        deliveries: () => [...text.matchAll(/^event: delivery\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1]!)),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}
