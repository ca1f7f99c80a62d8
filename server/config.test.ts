import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from './config.ts';

test('defaults are safe for one machine: loopback, development, simulated cameras', () => {
  const config = loadConfig({});
  assert.equal(config.http.host, '127.0.0.1');
  assert.equal(config.webrtc.listenIp, '127.0.0.1');
  assert.equal(config.mode, 'development');
  assert.ok(config.simulator.cameras > 0);
});

test('environment variables override defaults and are validated', () => {
  const config = loadConfig({ GTH_PORT: '9000', GTH_ANNOUNCED_ADDRESS: 'hub.example', GTH_SIM_CAMERAS: '4' });
  assert.equal(config.http.port, 9000);
  assert.equal(config.webrtc.announcedAddress, 'hub.example');
  assert.equal(config.simulator.cameras, 4);
  assert.throws(() => loadConfig({ GTH_PORT: 'eighty' }), /http\.port/);
});

test('production mode needs trusted issuers and refuses simulated cameras', () => {
  assert.throws(() => loadConfig({ GTH_MODE: 'production' }), /auth\.issuers/);
  assert.throws(() => loadConfig({ GTH_MODE: 'production' }), /simulated cameras/);
});
