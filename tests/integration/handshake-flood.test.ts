/**
 * Anyone who can reach the hub can open sockets with garbage tokens. 500 of them, 25 at a time
 * from another process, while a signed-in bystander watches a live camera and keeps asking
 * (cameras:list on its socket, GET /healthz). Asserted is what must hold on any machine: every
 * flood handshake is refused, every bystander request is answered ok, its view stays open (a
 * stall on a loaded machine is printed, not failed), and the refusals cost the audit trail one aggregated `auth.refused` record (source address +
 * reason, with the count), not one record each. The bystander's latency before and during the
 * flood, and the hub's event-loop delay (the loop that also relays camera RTP), are printed.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { summary } from '../bench/stats.ts';
import type { HandshakeFloodResult } from '../support/garbage-handshakes.ts';
import { joined, nextEvent, request, startTestHub, type HubClient } from '../support/hub.ts';

const FLOOD = 500;
const CONCURRENCY = 25;
const BYSTANDER_EVERY_MS = 20;
const BASELINE_MS = 2000;
const FLOODER = fileURLToPath(new URL('../support/garbage-handshakes.ts', import.meta.url));
const VERIFY = fileURLToPath(new URL('../../server/audit/verify-cli.ts', import.meta.url));

test('a flood of 500 garbage-token handshakes is refused and recorded once, a watching bystander is answered throughout, and the log verifies against its checkpoints across a restart (and not once cut)', async () => {
  // One window spans the whole flood however slow the machine (it took 65 s once under a load of 50), so its count lands in exactly one record.
  const t = await startTestHub({ cameras: 1, config: { audit: { refusedHandshakes: { intervalMs: 3_600_000 } } } });
  try {
    const bystander = await t.client(await t.token('fire'));
    const caps = await joined(bystander);
    const camera = t.cameras[0]!;
    const consumer = nextEvent(bystander, 'camera:consumer', (e) => e.cameraId === camera.id);
    const watch = await request(bystander, 'camera:watch', { cameraId: camera.id, rtpCapabilities: caps });
    assert.ok(watch.ok, JSON.stringify(watch));
    const [{ id: consumerId }] = await consumer;
    assert.ok((await request(bystander, 'consumer:resume', { consumerId })).ok);
    const stateChanges: string[] = [];
    const closed: string[] = [];
    bystander.on('camera:state', (event) => stateChanges.push(event.state));
    bystander.on('consumer:closed', (event) => closed.push(event.consumerId));

    let flood: HandshakeFloodResult | undefined;
    // Audit records written and CPU the hub's process spent (the bystander included) while the flood ran.
    let records = 0;
    // The hub reads through a read-only connection; everything given to its writer is stored once flush resolves.
    const storedRecords = async () => {
      await t.hub.auditWriter.flush();
      return t.hub.audit.query({ limit: 1 }).total;
    };
    let cpu = process.cpuUsage();
    let cpuMs = 0;
    const samples = await timeBystander(t.hub.url, bystander, async () => {
      await new Promise((resolve) => setTimeout(resolve, BASELINE_MS));
      await fetch(new URL('/metrics', t.hub.url)); // opens the event-loop delay window of the flood
      records = await storedRecords();
      cpu = process.cpuUsage();
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', FLOODER, t.hub.url, String(FLOOD), String(CONCURRENCY)], { timeout: 600_000 });
      flood = JSON.parse(stdout) as HandshakeFloodResult;
      const used = process.cpuUsage(cpu);
      cpuMs = (used.user + used.system) / 1000;
      records = (await storedRecords()) - records;
    });
    assert.ok(flood);
    const metrics = await (await fetch(new URL('/metrics', t.hub.url))).text();
    const delay = [...metrics.matchAll(/^gth_event_loop_delay_ms\{quantile="([^"]+)"\} (\S+)$/gm)].map(([, q, v]) => `${q}: ${v}`).join(', ');
    const before = summary(samples.filter((s) => s.at < flood!.startedAt).map((s) => s.ms));
    const during = summary(samples.filter((s) => s.at >= flood!.startedAt && s.at <= flood!.endedAt).map((s) => s.ms));
    process.stdout.write(`# figure handshake flood: ${FLOOD} garbage tokens, ${CONCURRENCY} at a time, in ${flood.endedAt - flood.startedAt} ms\n`);
    process.stdout.write(`# figure handshake flood: hub process CPU ${Math.round(cpuMs)} ms (${(cpuMs / FLOOD).toFixed(2)} ms a handshake, bystander included); audit records written meanwhile ${records}\n`);
    process.stdout.write(`# figure handshake flood: bystander before n=${before.n} p50 ${before.p50} ms, p95 ${before.p95} ms, max ${before.max} ms\n`);
    process.stdout.write(`# figure handshake flood: bystander during n=${during.n} p50 ${during.p50} ms, p95 ${during.p95} ms, max ${during.max} ms; hub event-loop delay ms ${delay}; camera states ${stateChanges.join(' ') || 'live throughout'}\n`);

    assert.deepEqual(flood.codes, { AUTH_INVALID_TOKEN: FLOOD }, 'every flood handshake is refused as an invalid token');
    assert.ok(during.n >= 10, `the bystander was timed throughout the flood (${during.n} requests)`);
    assert.ok(bystander.connected, 'the bystander is still connected');
    assert.deepEqual(closed, [], 'the bystander view stayed open');

    // A clean stop writes the open window; the restarted hub reads the same file.
    await t.restart();
    const refused = t.hub.audit.query({ action: 'auth.refused', limit: 5000 }).entries;
    assert.equal(refused.length, 1, `one record for one address and reason, not ${refused.length}`);
    const [record] = refused;
    assert.equal(record!.code, 'AUTH_INVALID_TOKEN');
    assert.match(record!.clientAddress ?? '', /127\.0\.0\.1/);
    assert.equal(record!.detail?.count, FLOOD, 'with the count of refusals');
    assert.ok(typeof record!.detail?.firstAt === 'number' && typeof record!.detail?.lastAt === 'number', 'and when they came');
    assert.equal(t.hub.audit.verify().ok, true);

    // The hub's own checkpoints: the log written across the restart verifies against them…
    const verify = () => spawnSync(process.execPath, ['--import', 'tsx', VERIFY], { encoding: 'utf8', env: { ...process.env, GTH_CONFIG: '', GTH_DATA_DIR: t.dataDir }, timeout: 60_000 });
    const intact = verify();
    assert.equal(intact.status, 0, intact.stdout + intact.stderr);
    assert.match(intact.stdout, /checkpoints: \d+ trusted/);
    // …and once its last record is cut, audit:verify names it and the hub will not start on it.
    await t.hub.close();
    const db = new Database(join(t.dataDir, 'audit.sqlite'));
    db.exec('DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)');
    db.close();
    const cut = verify();
    assert.equal(cut.status, 1, cut.stdout + cut.stderr);
    assert.match(cut.stdout, /\(truncated\)/);
    await assert.rejects(t.restart(), /does not match its latest checkpoint.*missing at the end/s);
  } finally {
    await t.close();
  }
});

/** Times the bystander's requests, every BYSTANDER_EVERY_MS, while `during` runs; any answer not ok fails the test. */
async function timeBystander(url: string, socket: HubClient, during: () => Promise<void>): Promise<Array<{ at: number; ms: number }>> {
  const samples: Array<{ at: number; ms: number }> = [];
  let done = false;
  const timed = async (what: string, call: () => Promise<boolean>) => {
    const at = Date.now();
    const started = performance.now();
    assert.ok(await call(), `the bystander's ${what} was answered ok`);
    samples.push({ at, ms: performance.now() - started });
  };
  const ask = async () => {
    const pending: Array<Promise<void>> = [];
    while (!done) {
      pending.push(
        timed('cameras:list', async () => (await request(socket, 'cameras:list', { limit: 50 })).ok),
        timed('GET /healthz', async () => (await fetch(new URL('/healthz', url))).status === 200)
      );
      await new Promise((resolve) => setTimeout(resolve, BYSTANDER_EVERY_MS));
    }
    await Promise.all(pending);
  };
  const asking = ask();
  try {
    await during();
  } finally {
    done = true;
    await asking;
  }
  return samples;
}
