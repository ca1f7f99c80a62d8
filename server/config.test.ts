import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEV_ISSUER } from './auth/dev-issuer.ts';
import { DEV_LPR_ISSUER } from './lpr/sim/dev-system.ts';
import { DEV_ALERTS_ISSUER } from './alerts/sim/dev-source.ts';
import { loadConfig, regionCodes, registrySource, type HubConfigInput } from './config.ts';

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

test('the registry: synthetic Seoul in development, an explicit CSV with a source template in production', () => {
  const seoul = regionCodes(loadConfig({}));
  assert.equal(seoul.length, 25);
  assert.deepEqual(registrySource(loadConfig({})), { kind: 'synthetic', total: 68_000, seed: 20240112, region: seoul });
  assert.deepEqual(registrySource(loadConfig({ GTH_REGISTRY_SYNTHETIC: '500', GTH_REGISTRY_SEED: '7' })), { kind: 'synthetic', total: 500, seed: 7, region: seoul });
  assert.deepEqual(registrySource(loadConfig({ GTH_REGISTRY_SYNTHETIC: '0' })), { kind: 'none' });
  // Without simulated feeds nothing could show a synthetic camera: none by default, an error if asked for.
  assert.deepEqual(registrySource(loadConfig({ GTH_SIM_CAMERAS: '0' })), { kind: 'none' });
  assert.throws(() => loadConfig({ GTH_SIM_CAMERAS: '0', GTH_REGISTRY_SYNTHETIC: '10' }), /simulated feeds/);
  assert.throws(() => loadConfig({ GTH_REGISTRY_CSV: 'seoul.csv', GTH_REGISTRY_SYNTHETIC: '10' }), /exclude each other/);
  const csv = registrySource(loadConfig({ GTH_REGISTRY_CSV: 'seoul.csv' }));
  assert.equal(csv.kind, 'csv');
  assert.ok(csv.kind === 'csv' && csv.file.endsWith('/seoul.csv') && csv.sourceTemplate === undefined);
  assert.equal(csv.kind === 'csv' && csv.region, 'infer', 'a CSV without a region: its cameras say where');
  const production = { GTH_MODE: 'production', GTH_SIM_CAMERAS: '0', GTH_REGISTRY_CSV: 'seoul.csv' };
  assert.throws(() => loadConfig(production), /sourceTemplate/);
  assert.throws(() => loadConfig({ ...production, GTH_REGISTRY_SOURCE_TEMPLATE: 'http://vms/{id}' }), /rtsp:\/\/ URL containing \{id\}/);
  assert.throws(() => loadConfig({ ...production, GTH_REGISTRY_CSV: '', GTH_REGISTRY_SYNTHETIC: '10' }), /synthetic registry/);
});

test('production refuses unsafe settings, each with a message that says what to fix', () => {
  const issuer = { issuer: 'https://idp.fire.example', agencies: ['seoul-119'], jwksFile: '/etc/gth/fire.jwks.json' };
  const production = (overrides: HubConfigInput) =>
    loadConfig({}, { mode: 'production', simulator: { cameras: 0, basePort: 0 }, auth: { issuers: [issuer] }, ...overrides });
  assert.equal(production({}).mode, 'production', 'the baseline is safe');
  assert.throws(() => production({ auth: { issuers: [{ ...issuer, issuer: DEV_ISSUER }] } }), /does not trust the development issuer/);
  const lprSystem = { name: 'seoul-lpr', issuer: 'https://lpr.example', jwksFile: '/etc/gth/lpr.jwks.json', districts: ['*'] };
  assert.equal(production({ lpr: { systems: [lprSystem] } }).lpr.systems.length, 1, 'an LPR system of its own');
  assert.throws(() => production({ lpr: { systems: [{ ...lprSystem, issuer: DEV_LPR_ISSUER }] } }), /does not trust the development LPR system/);
  assert.throws(() => production({ lpr: { systems: [{ ...lprSystem, districts: [] }] } }), /needs cameras and\/or districts/);
  const alertSource = { name: 'gwangju-analytics', issuer: 'https://va.example', jwksFile: '/etc/gth/va.jwks.json', kinds: ['crowd', 'water', 'fire'] as const, districts: ['29140'] };
  assert.equal(production({ alerts: { sources: [{ ...alertSource, kinds: [...alertSource.kinds] }] } }).alerts.sources.length, 1, 'an alert source of its own');
  assert.throws(() => production({ alerts: { sources: [{ ...alertSource, kinds: [...alertSource.kinds], issuer: DEV_ALERTS_ISSUER }] } }), /does not trust the development alert source/);
  assert.throws(() => production({ alerts: { routes: [{ kinds: ['fire'], to: [{ agency: 'seoul-119', priority: 1 }], escalateAfterS: 30 }] } }), /escalateAfterS and escalateTo go together/);
  assert.throws(() => production({ alerts: { waterSites: [{ id: 'u1', name: 'U', lat: 37.5, lon: 127, thresholdsCm: { 주의: 30, 경계: 20, 심각: 40 } }] } }), /must rise/);
  assert.throws(() => production({ webrtc: { listenIp: '0.0.0.0' } }), /webrtc\.listenIp 0\.0\.0\.0 needs webrtc\.announcedAddress/);
  assert.equal(production({ webrtc: { listenIp: '0.0.0.0', announcedAddress: '10.1.2.3' } }).webrtc.announcedAddress, '10.1.2.3');
  assert.throws(() => production({ http: { host: '0.0.0.0' } }), /http\.host 0\.0\.0\.0 needs http\.publicOrigins/);
  assert.deepEqual(production({ http: { host: '0.0.0.0', publicOrigins: ['https://hub.example.kr'] } }).http.publicOrigins, ['https://hub.example.kr']);
  assert.throws(() => production({ http: { publicOrigins: ['https://hub.example.kr/monitor'] } }), /must be an origin/);
  // An empty audience would switch jose's audience check off: refused in every mode.
  assert.throws(() => production({ auth: { issuers: [issuer], audience: '' } }), /auth\.audience must not be empty/);
  assert.throws(() => loadConfig({}, { auth: { audience: '' } }), /auth\.audience must not be empty/);
});

test('the region: one setting picks a demo city, a 시도 or a list of 시군구, validated', () => {
  const gwangju = ['29110', '29140', '29155', '29170', '29200'];
  assert.deepEqual(regionCodes(loadConfig({ GTH_REGION: 'gwangju' })), gwangju);
  assert.deepEqual(registrySource(loadConfig({ GTH_REGION: 'gwangju' })), { kind: 'synthetic', total: 10_000, seed: 20240112, region: gwangju });
  assert.deepEqual(regionCodes(loadConfig({ GTH_REGION: '29' })), gwangju);
  assert.deepEqual(regionCodes(loadConfig({ GTH_REGION: '29200,29140' })), ['29140', '29200']);
  assert.equal(regionCodes(loadConfig({ GTH_REGION: '26' })).length, 16, "Busan's 16 구·군");
  const csv = registrySource(loadConfig({ GTH_REGION: 'gwangju', GTH_REGISTRY_CSV: 'national.csv' }));
  assert.deepEqual(csv.kind === 'csv' && csv.region, gwangju);
  // A region without a demo city has no synthetic registry by default.
  assert.deepEqual(registrySource(loadConfig({ GTH_REGION: '26' })), { kind: 'none' });
  assert.throws(() => loadConfig({ GTH_REGION: 'busan' }), /region/);
  assert.throws(() => loadConfig({ GTH_REGION: '99' }), /no 시도 has the code 99/);
  assert.throws(() => loadConfig({ GTH_REGION: '29110,99999' }), /no 시군구 boundary for code\(s\) 99999/);
});
