/**
 * /metrics on an address of its own (config `metrics.listen`): served there without a token and
 * no longer on the hub's port; a deployment that asks for camera labels and worker pids gets
 * them (by default neither is named: tests/integration/access.test.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joined, nextEvent, request, startTestHub } from '../support/hub.ts';

test('metrics.listen serves /metrics on its own address, without a token; camera labels and worker pids when asked for', async () => {
  const t = await startTestHub({ cameras: 1, config: { metrics: { listen: { host: '127.0.0.1', port: 0 }, cameraLabels: true, workerPids: true } } });
  try {
    const camera = t.cameras[0]!;
    const socket = await t.client(await t.token('fire'));
    const caps = await joined(socket);
    const consumer = nextEvent(socket, 'camera:consumer', (e) => e.cameraId === camera.id);
    assert.ok((await request(socket, 'camera:watch', { cameraId: camera.id, rtpCapabilities: caps })).ok);
    await consumer;

    const metricsUrl = t.hub.metricsUrl;
    assert.ok(metricsUrl && new URL(metricsUrl).port !== String(t.hub.port), metricsUrl);
    const scraped = await fetch(metricsUrl);
    assert.equal(scraped.status, 200, 'no token on the metrics address');
    const text = await scraped.text();
    assert.match(text, new RegExp(`^gth_ingest_state\\{stream="${camera.id}",state="live"\\} 1$`, 'm'));
    assert.match(text, /^gth_worker_cpu_ms\{pid="\d+"\} \d+/m);
    assert.equal((await fetch(new URL('/healthz', metricsUrl))).status, 404, 'only /metrics there');
    const onHubPort = await fetch(`${t.hub.url}/metrics`, { headers: { authorization: `Bearer ${await t.token('metrics')}` } });
    assert.equal(onHubPort.status, 404, "not on the hub's port, token or not");
    socket.disconnect();
  } finally {
    await t.close();
  }
});
