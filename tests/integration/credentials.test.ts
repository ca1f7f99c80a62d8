/**
 * Camera URLs carry `user:password` (issue 9): a hub with such cameras — one live, one that
 * refuses connections — is watched, listed, searched, mapped and scraped, and the password is
 * looked for in every channel out of the hub: each log line, every socket message a browser
 * receives, the HTTP answers (geo, incidents, /healthz), /metrics, and every byte of the data
 * directory (the audit log included).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../server/config.ts';
import type { RegistryCamera } from '../../server/cameras/registry.ts';
import { startHub } from '../../server/hub.ts';
import { createLogger } from '../../server/log.ts';
import { CameraFarm } from '../../media/sim/camera-farm.ts';
import { connectClient, request } from '../support/client.ts';
import { joined, nextEvent } from '../support/hub.ts';
import { createTestIssuer, userClaims } from '../support/tokens.ts';

const USER = 'vmsviewer';
const PASSWORD = 'Pw-9f3kQz7!';

test('a camera password never reaches a browser, a log line, the audit or /metrics', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'gth-credentials-'));
  const farm = new CameraFarm();
  const logs: string[] = [];
  const received: string[] = [];
  try {
    await farm.start([{ id: 'cam-11680-001', name: '자격 증명 카메라', port: 0 }]);
    const withCredentials = (url: string) => url.replace('rtsp://', `rtsp://${USER}:${encodeURIComponent(PASSWORD)}@`);
    const base = { category: '생활방범', district: { code: '11680', name: '강남구', nameEn: 'Gangnam-gu' } };
    const cameras: RegistryCamera[] = [
      { ...base, id: 'cam-11680-001', name: '자격 증명 카메라', nameEn: 'Camera with credentials', location: { lat: 37.4979, lon: 127.0276 }, source: withCredentials(farm.url('cam-11680-001')) },
      // Nothing listens on port 9: its failures are logged, and must not quote the URL.
      { ...base, id: 'cam-11680-002', name: '꺼진 카메라', nameEn: 'Camera that is down', location: { lat: 37.498, lon: 127.0277 }, source: `rtsp://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:9/live` }
    ];
    const fire = await createTestIssuer('https://idp.fire.test', ['seoul-119']);
    const config = loadConfig(
      {},
      {
        http: { host: '127.0.0.1', port: 0 },
        dataDir,
        logLevel: 'debug',
        simulator: { cameras: 0, basePort: 0 },
        cameras,
        auth: { audience: 'golden-time-hub', issuers: [fire.config], devTokenTtlSec: 3600, reloadIntervalMs: 200 },
        ingest: { idleGraceMs: 200, retryInitialMs: 100, retryMaxMs: 300, retryFastMs: 100, retryFastForMs: 500 },
        // On an address of its own (no token), with the camera labels a deployment may ask for.
        metrics: { listen: { host: '127.0.0.1', port: 0 }, cameraLabels: true, workerPids: false }
      }
    );
    const hub = await startHub(config, { log: createLogger('debug', {}, (line) => logs.push(line)) });
    try {
      const token = await fire.sign(userClaims('seoul-119', ['*'], { purpose: 'dispatch-119' }));
      const socket = await connectClient(hub.url, token);
      socket.onAny((event: string, ...args: unknown[]) => received.push(JSON.stringify([event, ...args])));
      const answers = (value: unknown) => received.push(JSON.stringify(value));
      const rtpCapabilities = await joined(socket);
      answers(await request(socket, 'cameras:list', {}));
      answers(await request(socket, 'cameras:list', { query: '카메라' }));
      answers(await request(socket, 'cameras:get', { ids: cameras.map((c) => c.id) }));

      const consumer = nextEvent(socket, 'camera:consumer', (e) => e.cameraId === 'cam-11680-001');
      answers(await request(socket, 'camera:watch', { cameraId: 'cam-11680-001', rtpCapabilities }));
      answers(await consumer);
      const down = nextEvent(socket, 'camera:state', (e) => e.cameraId === 'cam-11680-002' && e.state !== 'connecting');
      answers(await request(socket, 'camera:watch', { cameraId: 'cam-11680-002', rtpCapabilities }));
      answers(await down);
      assert.equal(hub.streams.get(hub.registry.get('cam-11680-001')!)?.state, 'live', 'the camera with credentials plays');

      const http = async (path: string, init: RequestInit = {}) => {
        const res = await fetch(`${hub.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
        const text = await res.text();
        received.push(text);
        return { status: res.status, text };
      };
      assert.equal((await http('/api/geo/cameras')).status, 200);
      assert.equal((await http('/api/geo/nearest?lat=37.4979&lon=127.0276&n=4')).status, 200);
      const incident = await http('/api/incidents', { method: 'POST', body: JSON.stringify({ type: '화재', location: { lat: 37.4979, lon: 127.0276 }, dispatch: false, nearest: 4 }) });
      assert.equal(incident.status, 201, incident.text);
      assert.match(incident.text, /cam-11680-001/, 'the incident answer lists the camera');
      assert.equal((await http('/healthz')).status, 200);
      const metrics = await (await fetch(hub.metricsUrl!)).text();
      received.push(metrics);
      assert.match(metrics, /gth_ingest_state\{stream="cam-11680-001"/, 'ingests are labelled with their camera');
      socket.disconnect();
    } finally {
      await hub.close();
    }

    const stored: string[] = [];
    for (const file of await readdir(dataDir, { recursive: true })) {
      const bytes = await readFile(join(dataDir, file)).catch(() => null);
      if (bytes) stored.push(bytes.toString('latin1'), bytes.toString('utf8'));
    }
    assert.ok(logs.some((l) => /camera unavailable/.test(l)), 'the failing camera was logged');
    assert.ok(stored.some((s) => s.includes('view.start') || s.includes('cam-11680-001')), 'the audit recorded the view');
    for (const [channel, texts] of [['log lines', logs], ['browser messages and HTTP answers', received], ['data directory (audit)', stored]] as const) {
      assert.ok(texts.length > 0, `${channel} were captured`);
      for (const needle of [PASSWORD, encodeURIComponent(PASSWORD), `${USER}:`]) {
        const hit = texts.find((t) => t.includes(needle));
        assert.equal(hit, undefined, `${channel} contain ${needle}: ${hit?.slice(0, 300)}`);
      }
    }
  } finally {
    await farm.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
