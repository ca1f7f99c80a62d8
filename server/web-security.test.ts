import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networkInterfaces } from 'node:os';
import { originAllowed, ownOrigins, securityHeaders } from './web-security.ts';

test("the hub's own origins: its address, localhost beside loopback, every interface when it listens on all, the announced address", () => {
  assert.deepEqual(ownOrigins('127.0.0.1', 8080, undefined).sort(), ['http://127.0.0.1:8080', 'http://[::1]:8080', 'http://localhost:8080']);
  assert.deepEqual(ownOrigins('hub.lan', 80, '10.0.0.5'), ['http://hub.lan', 'http://10.0.0.5']);
  const all = ownOrigins('0.0.0.0', 8080, undefined);
  const first = Object.values(networkInterfaces()).flat()[0];
  if (first) assert.ok(all.includes(new URL(`http://${first.family === 'IPv6' ? `[${first.address}]` : first.address}:8080`).origin));
  assert.ok(all.includes('http://localhost:8080'));
});

test('a handshake without Origin (not a browser page) passes; another origin and null do not', () => {
  const own = new Set(['http://127.0.0.1:8080']);
  assert.equal(originAllowed(undefined, own), true);
  assert.equal(originAllowed('http://127.0.0.1:8080', own), true);
  assert.equal(originAllowed('http://127.0.0.1:8081', own), false);
  assert.equal(originAllowed('null', own), false);
  assert.equal(originAllowed('https://evil.example', own), false);
});

test("framing: none by default; a deployment's own origins when it lists them", () => {
  const none = securityHeaders([]);
  assert.equal(none.framePolicy, "frame-ancestors 'none'");
  assert.equal(none.common['x-frame-options'], 'DENY');
  const wall = securityHeaders(['https://hub.example.kr', 'https://wall.example.kr']);
  assert.equal(wall.framePolicy, 'frame-ancestors https://hub.example.kr https://wall.example.kr');
  assert.equal(wall.common['content-security-policy'], "default-src 'none'; frame-ancestors https://hub.example.kr https://wall.example.kr");
  assert.equal(wall.common['x-frame-options'], 'SAMEORIGIN');
  for (const headers of [none, wall]) {
    assert.equal(headers.common['x-content-type-options'], 'nosniff');
    assert.equal(headers.common['referrer-policy'], 'same-origin');
  }
});
