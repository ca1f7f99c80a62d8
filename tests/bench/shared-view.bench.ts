/**
 * `npm run bench:shared-view [-- --smoke]`: the shared situation view on a hub in a process of its
 * own (as `npm start` runs it; 2 simulated feeds, no synthetic registry), participants as real
 * Socket.IO clients of several agencies in this process.
 *
 * - op → applied on every participant: from the presenter's send to the last participant's
 *   `view:ops` carrying it (p50/p95 over the ops), with 10 and 50 participants (aim ≤ 200 ms p95 at 50).
 *   The 50 receivers share this process's event loop: the figure includes their own queueing.
 * - late join → full state: `view:join` sent → snapshot answered, on a view of several hundred ops (aim ≤ 300 ms).
 * - hub CPU per 100 ops/s: the hub's process tree (Node and its mediasoup workers) while four
 *   participants send 100 ops/s in all to 50, less the same hub idle over the same length.
 * Prints a table and one JSON line `{"bench":"shared-view",…}`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ClientOp, WireEnvelope } from '../../server/protocol/shared-view.ts';
import { connectClient, request, type HubClient } from '../support/client.ts';
import { treeCpuMs } from '../support/cpu.ts';
import { startHubProcess, type HubProcess } from '../support/hub-process.ts';
import { summary } from './stats.ts';

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false } } });
const SMOKE = values.smoke;
const SIZES = SMOKE ? [10] : [10, 50];
const LATENCY_OPS = SMOKE ? 20 : 200;
const LATENCY_RATE = 20;
const JOINS = SMOKE ? 5 : 20;
const CPU_SECONDS = SMOKE ? 1 : 10;
const CPU_RATE = 100;
/** Ops per second while a history is written for the late join (below the per-socket limit). */
const HISTORY_RATE = 40;

/** Who joins, in turn: agencies of the demo city (their dev tokens; a user holds at most 16 sessions), and walls. */
const ROSTER: ReadonlyArray<{ agency: string; role?: 'wall' }> = [
  { agency: 'seoul-119' },
  { agency: 'seoul-112' },
  { agency: 'gangnam-police' },
  { agency: 'mapo-cctv' },
  { agency: 'seoul-welfare' },
  { agency: 'seoul-disaster', role: 'wall' }
];

interface Member {
  socket: HubClient;
  /** Arrival time of each bench op by its key. */
  seen: Map<string, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gth-bench-share-'));
  let hub: HubProcess | undefined;
  const sockets: HubClient[] = [];
  try {
    hub = await startHubProcess({ env: { GTH_DATA_DIR: dataDir, GTH_SIM_CAMERAS: '2', GTH_REGISTRY_SYNTHETIC: '0', GTH_WORKERS: '1' } });
    const { url } = hub;
    const tokens = new Map<string, string>();
    const token = async (agency: string, role?: 'wall') => {
      const key = `${agency}/${role ?? ''}`;
      if (!tokens.has(key)) {
        const res = await fetch(`${url}/api/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agency, ...(role ? { role } : {}) }) });
        if (!res.ok) throw new Error(`dev token ${key}: ${res.status}`);
        tokens.set(key, ((await res.json()) as { token: string }).token);
      }
      return tokens.get(key)!;
    };
    const connect = async (agency: string, role?: 'wall'): Promise<Member> => {
      const socket = await connectClient(url, await token(agency, role));
      sockets.push(socket);
      const joined = await request(socket, 'media:join', {});
      if (!joined.ok) throw new Error(`media:join: ${joined.error.code}`);
      const member: Member = { socket, seen: new Map() };
      socket.on('view:ops', ({ ops }) => {
        const at = performance.now();
        for (const envelope of ops) member.seen.set(keyOf(envelope), at);
      });
      return member;
    };
    const owner = await connect('seoul-119');
    const rows: Array<{ participants: number; p50: number | null; p95: number | null; max: number | null; ops: number }> = [];
    let cpu: { idlePercent: number; busyPercent: number; percentPer100OpsPerSecond: number; opsPerSecond: number } | undefined;
    let lateJoin: ReturnType<typeof summary> | undefined;
    let lateJoinVersion = 0;

    for (const size of SIZES) {
      const opened = await request(owner.socket, 'view:open', { title: `벤치 ${size}`, invite: { agencies: ROSTER.map((r) => r.agency), users: [] } });
      if (!opened.ok) throw new Error(`view:open: ${opened.error.code}`);
      const viewId = opened.data.view.id;
      let version = opened.data.view.version;
      const members: Member[] = [owner];
      for (let i = 1; i < size; i++) {
        const who = ROSTER[i % ROSTER.length]!;
        const member = await connect(who.agency, who.role);
        const join = await request(member.socket, 'view:join', { viewId });
        if (!join.ok) throw new Error(`view:join: ${join.error.code}`);
        members.push(member);
      }
      const send = async (from: Member, op: ClientOp) => {
        const answer = await request(from.socket, 'view:op', { viewId, baseVersion: version, op });
        if (!answer.ok) throw new Error(`view:op ${op.type}: ${answer.error.code}`);
        version = Math.max(version, answer.data.applied.version);
      };

      // Propagation: one op every 1/LATENCY_RATE s from the presenter; each is done when every participant has it.
      const sentAt = new Map<string, number>();
      const answers: Array<Promise<void>> = [];
      for (let i = 0; i < LATENCY_OPS; i++) {
        const op = benchOp(size, i);
        sentAt.set(keyOf({ op } as WireEnvelope), performance.now());
        answers.push(send(owner, op));
        await sleep(1000 / LATENCY_RATE);
      }
      await Promise.all(answers);
      await waitFor(() => members.every((m) => [...sentAt.keys()].every((k) => m.seen.has(k))), 30_000, 'every op on every participant');
      const applied = [...sentAt].map(([key, at]) => Math.max(...members.map((m) => m.seen.get(key)! - at)));
      rows.push({ participants: size, ops: applied.length, ...summary(applied, 1) });

      if (size === SIZES.at(-1)) {
        // Late join on a view with history: annotations, notes, tiles.
        // Paced under one socket's rate (signaling.ratePerSecond 50): a quiet machine answers fast enough to exceed it.
        for (let i = 0; i < (SMOKE ? 50 : 300); i++) {
          await send(owner, benchOp(size + 1, i));
          await sleep(1000 / HISTORY_RATE);
        }
        lateJoinVersion = version;
        const joins: number[] = [];
        for (let i = 0; i < JOINS; i++) {
          const late = await connect(ROSTER[i % ROSTER.length]!.agency);
          const started = performance.now();
          const join = await request(late.socket, 'view:join', { viewId });
          joins.push(performance.now() - started);
          if (!join.ok || join.data.kind !== 'snapshot' || join.data.view.version < lateJoinVersion) throw new Error('late join did not get the full state');
          late.socket.disconnect();
        }
        lateJoin = summary(joins, 1);

        // Hub CPU: idle, then 100 ops/s from four senders (everyone may edit), each window CPU_SECONDS long.
        await send(owner, { type: 'rights', edit: 'everyone' });
        const senders = [owner, ...members.filter((_, i) => i >= 1 && i <= 3)];
        await sleep(500);
        const idleStart = treeCpuMs(hub.pid);
        const idleT = performance.now();
        await sleep(CPU_SECONDS * 1000);
        const idlePercent = ((treeCpuMs(hub.pid) - idleStart) / (performance.now() - idleT)) * 100;
        const busyStart = treeCpuMs(hub.pid);
        const busyT = performance.now();
        let sent = 0;
        const pending: Array<Promise<void>> = [];
        while (performance.now() - busyT < CPU_SECONDS * 1000) {
          const due = Math.floor(((performance.now() - busyT) / 1000) * CPU_RATE);
          while (sent < due) {
            const from = senders[sent % senders.length]!;
            pending.push(send(from, { type: 'note', text: `부하 ${sent}` }));
            sent++;
          }
          await sleep(5);
        }
        await Promise.all(pending);
        const elapsed = performance.now() - busyT;
        const busyPercent = ((treeCpuMs(hub.pid) - busyStart) / elapsed) * 100;
        const opsPerSecond = (sent / elapsed) * 1000;
        cpu = { idlePercent: round(idlePercent), busyPercent: round(busyPercent), opsPerSecond: round(opsPerSecond), percentPer100OpsPerSecond: round(((busyPercent - idlePercent) / opsPerSecond) * 100) };
      }
      for (const m of members.slice(1)) m.socket.disconnect();
      await request(owner.socket, 'view:op', { viewId, baseVersion: version, op: { type: 'close' } });
    }

    const line = (cells: Array<string | number | null>) => cells.map((c) => String(c ?? '-').padEnd(14)).join('');
    console.log(line(['participants', 'ops', 'p50 ms', 'p95 ms', 'max ms']));
    for (const row of rows) console.log(line([row.participants, row.ops, row.p50, row.p95, row.max]));
    console.log(`late join → full state (view at version ${lateJoinVersion}, ${SIZES.at(-1)} present): p50 ${lateJoin?.p50} ms, p95 ${lateJoin?.p95} ms (n ${lateJoin?.n}; aim ≤ 300)`);
    console.log(`hub CPU (node + workers): idle ${cpu?.idlePercent} %, at ${cpu?.opsPerSecond} ops/s to ${SIZES.at(-1)} ${cpu?.busyPercent} % → ${cpu?.percentPer100OpsPerSecond} % of a core per 100 ops/s`);
    console.log(JSON.stringify({ bench: 'shared-view', smoke: SMOKE, propagation: rows, lateJoin: { ...lateJoin, version: lateJoinVersion }, cpu }));
  } finally {
    for (const socket of sockets) socket.disconnect();
    await hub?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A bench op the receivers can recognise: notes and annotations, each with its own key. */
function benchOp(run: number, i: number): ClientOp {
  if (i % 2 === 0) return { type: 'note', text: `bench-${run}-${i}` };
  const lat = 37.5 + (i % 50) * 0.0005;
  return { type: 'annotation.add', id: `b${run}-${i}`, kind: '통제구역', label: `구역 ${i}`, geometry: { type: 'polygon', coordinates: [{ lat, lon: 127 }, { lat: lat + 0.0004, lon: 127 }, { lat: lat + 0.0004, lon: 127.0005 }] } };
}

function keyOf({ op }: Pick<WireEnvelope, 'op'>): string {
  if (op.type === 'note') return `note:${op.text}`;
  if (op.type === 'annotation.add') return `annotation:${op.id}`;
  return `${op.type}`;
}

const round = (v: number) => Math.round(v * 100) / 100;

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(10);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  }
);
