/**
 * One user floods the hub from 16 sockets with camera searches over the full synthetic Seoul
 * registry (68,000 cameras) while a user of another agency lists cameras and checks /healthz
 * every 100 ms. What is asserted is what the budget guarantees whatever the machine's speed:
 * the flooder is served no more than its user budget allows however many sockets it opens,
 * the rest is refused as RATE_LIMITED, and every bystander request is answered ok (runFlood
 * rejects otherwise). The bystander's latencies are printed, not asserted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestCost } from '../../server/budget.ts';
import { loadConfig } from '../../server/config.ts';
import { runFlood } from '../support/flood.ts';
import { startTestHub } from '../support/hub.ts';
import { DEMO_CITIES, demoLprCameras } from '../../server/cameras/demo.ts';

test('a user flooding from 16 sockets is held to its budget and a bystander of another agency is answered throughout', async () => {
  const t = await startTestHub({ cameras: 0, config: { simulator: { cameras: 2, basePort: 0 } } });
  try {
    assert.equal(t.hub.registry.size, 68_000 + 2 + demoLprCameras(DEMO_CITIES.seoul).length, 'synthetic, landmarks, the demo drive’s plate readers');
    const { user } = loadConfig({}).budgets;
    const sockets = loadConfig({}).signaling.maxSessionsPerUser;
    assert.equal(sockets, 16, 'the default lets one user hold the 16 sockets of the flood');
    const flooderToken = await t.token('fire');
    const bystanderToken = await t.token('gangnam');
    await t.metrics(); // starts a fresh event-loop delay window

    const started = performance.now();
    const result = await runFlood({ url: t.hub.url, flooderToken, bystanderToken, sockets, durationMs: 5000 });
    const elapsedS = (performance.now() - started) / 1000;
    const metrics = await t.metrics();
    const delay = [...metrics.matchAll(/^gth_event_loop_delay_ms\{quantile="([^"]+)"\} (\S+)$/gm)].map(([, q, v]) => `${q}: ${v}`).join(', ');

    const { flooder, bystander } = result;
    process.stdout.write(`# figure flood: flooder sent ${flooder.sent}, served ${flooder.served}, limited ${flooder.limited} in ${elapsedS.toFixed(1)} s over ${sockets} sockets\n`);
    process.stdout.write(`# figure flood: bystander n=${bystander.count} p50 ${bystander.p50} ms, p95 ${bystander.p95} ms, max ${bystander.max} ms (its own thread's loop at worst ${bystander.ownLoopMaxMs} ms late; slowest ${JSON.stringify(bystander.slowest)}); hub event-loop delay ms ${delay}\n`);

    // Each flood request is a search of up to 500 cameras; the user's sessions (16 joins) spent a little too.
    const cost = requestCost('cameras:list', { query: '합성', limit: 500 });
    const allowance = user.burst + user.perSecond * elapsedS;
    assert.ok(flooder.served * cost <= allowance, `served ${flooder.served} × ${cost} units ≤ burst + rate × ${elapsedS.toFixed(1)} s = ${Math.round(allowance)}`);
    assert.ok(flooder.served > 0, 'the flooder is served within its budget');
    assert.equal(flooder.served + flooder.limited, flooder.sent, 'every flood request is answered: served or RATE_LIMITED');
    assert.ok(flooder.limited > flooder.served, 'most of the flood is refused');
    assert.ok(bystander.count >= 10, `the bystander was timed throughout (${bystander.count} requests)`);
  } finally {
    await t.close();
  }
});
