/** The pure pieces of the REST port's limits: client keys, the open-file clamp, ALPN, header sizes. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { chooseProtocol } from '../../src/rest/alpn.js';
import { clientKey } from '../../src/rest/client-address.js';
import { connectionCap, softOpenFileLimit } from '../../src/rest/fd-limit.js';
import { FIELD_OVERHEAD_OCTETS, headerLimitExceeded } from '../../src/rest/header-limits.js';
import type { HttpRequest } from '../../src/rest/write-answer.js';

describe('the client a connection is counted against', () => {
  test('an IPv4 address is its own client, and so is its IPv4-mapped IPv6 form', () => {
    assert.equal(clientKey('192.0.2.7'), '192.0.2.7');
    assert.equal(clientKey('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(clientKey('::FFFF:192.0.2.7'), '192.0.2.7');
  });

  test('IPv6 addresses of one /64 are one client, however they are spelled', () => {
    const a = clientKey('2001:db8:1:2:aaaa::1');
    assert.equal(a, '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), a);
    assert.equal(clientKey('2001:db8:1:2::%eth0'), a);
    assert.notEqual(clientKey('2001:db8:1:3::1'), a);
    assert.equal(clientKey('::1'), '0:0:0:0::/64');
    assert.equal(clientKey('2001:db8::'), '2001:db8:0:0::/64');
  });
});

describe('max_connections against the open-file limit', () => {
  test('a cap that leaves the reserved descriptors free is kept', () => {
    assert.deepEqual(connectionCap(512, 1024, 256), { cap: 512 });
    assert.deepEqual(connectionCap(512, undefined, 256), { cap: 512 });
  });

  test('a cap that would take the reserved descriptors is lowered, and says from what', () => {
    assert.deepEqual(connectionCap(1000, 1024, 256), { cap: 768, clampedFrom: 1000 });
  });

  test('however low the limit, one connection is still admitted', () => {
    assert.deepEqual(connectionCap(512, 100, 256), { cap: 1, clampedFrom: 512 });
  });

  test('the soft limit is read from /proc/self/limits; unlimited or unreadable is no limit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-limits-'));
    try {
      const file = join(dir, 'limits');
      writeFileSync(file, 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n');
      assert.equal(softOpenFileLimit(file), 1024);
      writeFileSync(file, 'Max open files            unlimited            unlimited            files\n');
      assert.equal(softOpenFileLimit(file), undefined);
      assert.equal(softOpenFileLimit(join(dir, 'missing')), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ALPN (RFC 7301 §3.2)', () => {
  test('HTTP/2 first, then HTTP/1.1, then HTTP/1.0, whatever order the client offers', () => {
    assert.equal(chooseProtocol({ protocols: ['http/1.1', 'h2'] }), 'h2');
    assert.equal(chooseProtocol({ protocols: ['http/1.0', 'http/1.1'] }), 'http/1.1');
    assert.equal(chooseProtocol({ protocols: ['http/1.0'] }), 'http/1.0');
  });

  test('nothing Herald speaks: no protocol (the TLS layer answers no_application_protocol)', () => {
    assert.equal(chooseProtocol({ protocols: ['spdy/3.1', 'h2c'] }), undefined);
  });
});

describe('header sizes (RFC 9113 §6.5.2 accounting)', () => {
  const limits = { maxUrlBytes: 100, maxHeaderBytes: 400 };
  const h1 = (url: string, raw: string[]): HttpRequest => ({ url, method: 'POST', rawHeaders: raw }) as unknown as HttpRequest;
  const h2 = (url: string, raw: string[]): HttpRequest => ({ url, method: 'POST', rawHeaders: [':method', 'POST', ':path', url, ...raw], stream: {} }) as unknown as HttpRequest;

  test('a URL over max_url_bytes is url_bytes, before the header size is looked at', () => {
    assert.equal(headerLimitExceeded(h1(`/${'a'.repeat(100)}`, []), limits), 'url_bytes');
    assert.equal(headerLimitExceeded(h1(`/${'a'.repeat(99)}`, []), limits), undefined);
  });

  test('every field costs its name, its value and 32 octets; the request line counts as two fields', () => {
    const one = ['x', 'y'];
    // The request line as :method POST and :path / (names, values, 2 × 32); each x: y field 2 + 32.
    const base = ':method'.length + 'POST'.length + ':path'.length + 1 + 2 * FIELD_OVERHEAD_OCTETS;
    const fits = Math.floor((limits.maxHeaderBytes - base) / 34);
    assert.equal(headerLimitExceeded(h1('/', Array.from({ length: fits }, () => one).flat()), limits), undefined);
    assert.equal(headerLimitExceeded(h1('/', Array.from({ length: fits + 1 }, () => one).flat()), limits), 'header_bytes');
  });

  test('HTTP/2 and HTTP/1.1 heads of the same fields are sized alike', () => {
    const raw = ['authorization', 'Bearer 0123456789', 'content-type', 'application/json'];
    const fields = [':method', 'POST', ':path', '/x', ...raw];
    const exact = fields.reduce((n, f) => n + f.length, 0) + (fields.length / 2) * FIELD_OVERHEAD_OCTETS;
    const sized = (req: HttpRequest) => headerLimitExceeded(req, { maxUrlBytes: 100, maxHeaderBytes: exact });
    assert.equal(sized(h1('/x', raw)), undefined);
    assert.equal(sized(h2('/x', raw)), undefined);
    assert.equal(sized(h1('/xy', raw)), 'header_bytes');
    assert.equal(sized(h2('/xy', raw)), 'header_bytes');
  });
});
